/**
 * The report rollup: the bucket values summed by month and over all time, once for every subset
 * of the dimensions a report can group or filter by besides the host country (category,
 * consulate, city), so that every report reads a number of rows that depends on the countries,
 * months and vocabulary, not on the number of cases:
 *
 * - `dims` says which dimensions a row keeps (a bit each, RollupDimension); the others hold ''
 *   and the row sums over them;
 * - `month` is the first day of a month (the bucket's day, i.e. the submission month, or the
 *   resolution month for `resolved`), or -infinity for the all-time sum.
 *
 * Each of the 16 projections (8 subsets × month/all-time) is maintained in the transaction that
 * changes the daily buckets, from the same signed entries, in one statement per batch.
 */
export const RollupDimension = {
  category: 1,
  consulate: 2,
  city: 4,
} as const;

export const ALL_TIME = '-infinity';

/** Every (dims, all time?) pair kept, as a VALUES list. */
const PROJECTIONS = [0, 1, 2, 3, 4, 5, 6, 7]
  .flatMap((dims) => [`(${dims}, true)`, `(${dims}, false)`])
  .join(', ');

/** The rollup's primary key, in its order. */
export const ROLLUP_KEY = [
  'dims',
  'category',
  'consulate_id',
  'month',
  'host_country',
  'host_city',
  'metric',
] as const;

/**
 * The rollup rows that a set of signed bucket entries changes, summed per key, as the columns of
 * ROLLUP_KEY and then value, in key order: `input` is a relation with the bucket columns
 * (host_country, day, category, consulate_id, host_city, metric, value).
 */
export function rollupDeltaSelect(input: string): string {
  const kept = (bit: number, column: string) =>
    `CASE WHEN g.dims & ${bit} <> 0 THEN d.${column} ELSE '' END`;
  return `SELECT g.dims::smallint AS dims,
      ${kept(RollupDimension.category, 'category')} AS category,
      ${kept(RollupDimension.consulate, 'consulate_id')} AS consulate_id,
      CASE WHEN g.all_time THEN '${ALL_TIME}'::date ELSE date_trunc('month', d.day)::date END AS month,
      d.host_country,
      ${kept(RollupDimension.city, 'host_city')} AS host_city,
      d.metric, sum(d.value) AS value
    FROM ${input} CROSS JOIN (VALUES ${PROJECTIONS}) AS g(dims, all_time)
    GROUP BY 1, 2, 3, 4, 5, 6, 7
    HAVING sum(d.value) <> 0
    ORDER BY 1, 2, 3, 4, 5, 6, 7`;
}
