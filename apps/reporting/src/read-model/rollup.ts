import { addToSum, Decimal, formatDecimal, isZero, parseDecimal } from './decimal';
import { DURATION_PREFIX } from './metrics';

/**
 * The report rollup: the bucket values summed by month and over all time, once for every subset
 * of the dimensions a report can group or filter by besides the host country (category,
 * consulate, city), and by day for the subsets that sum many bucket keys, so that every report
 * reads a number of rows that depends on the countries, days, months and vocabulary, not on the
 * number of cases:
 *
 * - `dims` says which dimensions a row keeps (a bit each, RollupDimension); the others hold ''
 *   and the row sums over them. Bit 8 (ROLLUP_DAY) marks a day row;
 * - `month` is the first day of a month (the bucket's day, i.e. the submission month, or the
 *   resolution month for `resolved`), or -infinity for the all-time sum, or, in a day row, the
 *   day itself: what the partial months at a date filter's edges read;
 * - one row per projection key holds all its metrics, packed: `counts` (jsonb, metric → exact
 *   decimal: counts and money) and `durations` (the `duration:` bins, apart, so that what does
 *   not need the bins never reads them). A metric whose sum is zero is absent; a row whose maps
 *   are both empty does not exist.
 *
 * The projections (8 subsets × month and all time, and DAY_DIMS by day) are maintained in the
 * transaction that changes the daily buckets, from the same signed entries: PostgreSQL sums them
 * per finest key (every dimension, the day), Node fans those sums out to the projections
 * (rollupDelta), then one upsert per host country adds the maps key-wise in SQL
 * (reporting_add_metrics).
 */
export const RollupDimension = {
  category: 1,
  consulate: 2,
  city: 4,
} as const;

export const ALL_TIME = '-infinity';

/** The `dims` bit of a day row: its `month` column holds the day. */
export const ROLLUP_DAY = 8;

/**
 * The subsets kept by day as well: those that sum many bucket keys of a day into few rows (a day
 * of 1,000,000 cases over five years: 550 cases, about 4,700 bucket rows; its day rows of
 * projection 0 are one per country). The subsets that keep the category with the city or the
 * consulate, or all three, are not: their day keys hold a case or two each, so their day rows
 * would cost the fold nearly a row per case and day (at 100,000 cases, all seven subsets by day
 * cut ingest by a third) and save a report little: a partial month grouped or filtered by them
 * reads the daily buckets of one category, and of one country or consulate.
 */
export const DAY_DIMS: readonly number[] = [0, 1, 2, 4, 6];

/** A projection's period: all time, the month, or (a day row) the day. */
export type Grain = 'all' | 'month' | 'day';

/** Every (dims, grain) pair kept, as VALUES rows. */
const PROJECTIONS: readonly { dims: number; grain: Grain }[] = [
  ...[0, 1, 2, 3, 4, 5, 6, 7].flatMap((dims) => [
    { dims, grain: 'all' as const },
    { dims, grain: 'month' as const },
  ]),
  ...DAY_DIMS.map((dims) => ({ dims: dims | ROLLUP_DAY, grain: 'day' as const })),
];

function projectionValues(grains: readonly Grain[]): string {
  return PROJECTIONS.filter((p) => grains.includes(p.grain))
    .map((p) => `(${p.dims}, '${p.grain}')`)
    .join(', ');
}

const ALL_GRAINS: readonly Grain[] = ['all', 'month', 'day'];

/** The rollup's primary key, in its order. */
export const ROLLUP_KEY = [
  'dims',
  'category',
  'consulate_id',
  'month',
  'host_country',
  'host_city',
] as const;

/**
 * The rollup's values per key and metric that a set of signed bucket entries changes, summed,
 * as the columns of ROLLUP_KEY, then metric and value, in key order: `input` is a relation with
 * the bucket columns (host_country, day, category, consulate_id, host_city, metric, value);
 * `grains` limits it to some of the periods.
 */
export function rollupMetricSelect(input: string, grains = ALL_GRAINS): string {
  const kept = (bit: number, column: string) =>
    `CASE WHEN g.dims & ${bit} <> 0 THEN d.${column} ELSE '' END`;
  return `SELECT g.dims::smallint AS dims,
      ${kept(RollupDimension.category, 'category')} AS category,
      ${kept(RollupDimension.consulate, 'consulate_id')} AS consulate_id,
      CASE g.grain WHEN 'all' THEN '${ALL_TIME}'::date WHEN 'day' THEN d.day
                   ELSE date_trunc('month', d.day)::date END AS month,
      d.host_country,
      ${kept(RollupDimension.city, 'host_city')} AS host_city,
      d.metric, sum(d.value) AS value
    FROM ${input} CROSS JOIN (VALUES ${projectionValues(grains)}) AS g(dims, grain)
    GROUP BY 1, 2, 3, 4, 5, 6, 7
    HAVING sum(d.value) <> 0
    ORDER BY 1, 2, 3, 4, 5, 6, 7`;
}

/**
 * The same sums packed as rollup rows (the columns of ROLLUP_KEY, then counts and durations), in
 * key order: what the migration fills the rollup with, and what a test compares it with.
 */
export function rollupPackedSelect(input: string, grains = ALL_GRAINS): string {
  const key = ROLLUP_KEY.join(', ');
  const packed = (where: string) =>
    `coalesce(jsonb_object_agg(metric, value) FILTER (WHERE ${where}), '{}'::jsonb)`;
  return `SELECT ${key},
      ${packed(`metric NOT LIKE '${DURATION_PREFIX}%'`)} AS counts,
      ${packed(`metric LIKE '${DURATION_PREFIX}%'`)} AS durations
    FROM (${rollupMetricSelect(input, grains)}) AS r
    GROUP BY ${key}
    ORDER BY ${key}`;
}

/** One rollup row's change: its key, and the non-zero sums to add, as jsonb objects' text. */
export interface RollupDelta {
  dims: number;
  category: string;
  consulateId: string;
  month: string;
  hostCountry: string;
  hostCity: string;
  counts: string;
  durations: string;
}

function jsonObject(sums: Map<string, Decimal>): string {
  const members: string[] = [];
  for (const [metric, sum] of sums) {
    if (!isZero(sum)) members.push(`${JSON.stringify(metric)}:${formatDecimal(sum)}`);
  }
  return `{${members.join(',')}}`;
}

const SEPARATOR = '\u0000';

/**
 * The sums of one finest key (every dimension kept, a day), as the fold's statement returns
 * them: `sums` maps a metric to its sum, an exact decimal string.
 */
export interface FinestSums {
  hostCountry: string;
  /** The bucket day, YYYY-MM-DD. */
  day: string;
  category: string;
  consulateId: string;
  hostCity: string;
  sums: Readonly<Record<string, string>>;
}

/**
 * The rollup rows that finest sums change (each reaches 16 + DAY_DIMS projections), summed
 * exactly per key and metric, zero sums dropped, rows with nothing left dropped, in lock order
 * (compareKeys: a fixed order). Sums given more than once for a key add up. What is held at once
 * follows the finest sums given: the writer passes one host country's at a time (every key holds
 * its country, so the countries' rows are disjoint).
 */
export function rollupDelta(finest: readonly FinestSums[]): RollupDelta[] {
  const out: RollupDelta[] = [];
  for (const { key, counts, durations } of projected(finest.map(packedSums)).values()) {
    const delta: RollupDelta = {
      ...key,
      counts: jsonObject(counts),
      durations: jsonObject(durations),
    };
    if (delta.counts !== '{}' || delta.durations !== '{}') out.push(delta);
  }
  return out.sort(compareKeys);
}

/** Finest sums as exact decimals, the duration bins apart. */
function packedSums(f: FinestSums): PackedSums {
  const counts = new Map<string, Decimal>();
  const durations = new Map<string, Decimal>();
  for (const [metric, value] of Object.entries(f.sums)) {
    addToSum(metric.startsWith(DURATION_PREFIX) ? durations : counts, metric, parseDecimal(value));
  }
  const { hostCountry, day, category, consulateId, hostCity } = f;
  return {
    key: { dims: 7, category, consulateId, month: day, hostCountry, hostCity },
    counts,
    durations,
  };
}

/**
 * The finest sums (`month` holding their day) fanned out to the projections: each day's sums to
 * its day rows and to the month's finest row, then each month's finest row (several days of a
 * key summed) to the other month and all-time projections.
 */
function projected(finest: readonly PackedSums[]): Map<string, PackedSums> {
  const rows = new Map<string, PackedSums>();
  const monthly: PackedSums[] = [];
  const add = (
    dims: number,
    month: string,
    k: PackedSums['key'],
    counts: Map<string, Decimal>,
    durations: Map<string, Decimal>,
  ): PackedSums => {
    const category = dims & RollupDimension.category ? k.category : '';
    const consulateId = dims & RollupDimension.consulate ? k.consulateId : '';
    const hostCity = dims & RollupDimension.city ? k.hostCity : '';
    const id = `${dims}${SEPARATOR}${category}${SEPARATOR}${consulateId}${SEPARATOR}${month}${SEPARATOR}${k.hostCountry}${SEPARATOR}${hostCity}`;
    let row = rows.get(id);
    if (!row) {
      row = {
        key: { dims, category, consulateId, month, hostCountry: k.hostCountry, hostCity },
        counts: new Map(),
        durations: new Map(),
      };
      rows.set(id, row);
      if (dims === 7 && month !== ALL_TIME) monthly.push(row);
    }
    for (const [metric, sum] of counts) addToSum(row.counts, metric, sum);
    for (const [metric, sum] of durations) addToSum(row.durations, metric, sum);
    return row;
  };
  for (const { key: k, counts, durations } of finest) {
    const day = k.month;
    add(7, `${day.slice(0, 7)}-01`, k, counts, durations);
    for (const dims of DAY_DIMS) add(dims | ROLLUP_DAY, day, k, counts, durations);
  }
  for (const { key: k, counts, durations } of monthly) {
    add(7, ALL_TIME, k, counts, durations);
    for (let dims = 0; dims < 7; dims++) {
      add(dims, k.month, k, counts, durations);
      add(dims, ALL_TIME, k, counts, durations);
    }
  }
  return rows;
}

interface PackedSums {
  key: Omit<RollupDelta, 'counts' | 'durations'>;
  counts: Map<string, Decimal>;
  durations: Map<string, Decimal>;
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * How many runs share a row, roughly: all-time rows more than month rows, month rows more than
 * day rows, coarse projections more than fine ones (the all-time row of projection 0 is touched
 * by nearly every run).
 */
function sharing(row: RollupDelta): number {
  const grain = row.month === ALL_TIME ? 16 : row.dims & ROLLUP_DAY ? 0 : 8;
  return grain + (7 - (row.dims & 7));
}

/**
 * The lock order of rollup rows: least shared first, so that concurrent runs (partitions
 * applied at once) take their own rows side by side and queue only at their last, most shared
 * rows, for the time it takes the first to commit. Any fixed total order is deadlock-free.
 */
function compareKeys(a: RollupDelta, b: RollupDelta): number {
  return (
    sharing(a) - sharing(b) ||
    a.dims - b.dims ||
    compareText(a.category, b.category) ||
    compareText(a.consulateId, b.consulateId) ||
    compareText(a.month, b.month) ||
    compareText(a.hostCountry, b.hostCountry) ||
    compareText(a.hostCity, b.hostCity)
  );
}

/**
 * The SQL function the upsert adds packed maps with (created by the migration): key-wise exact
 * sums, zero sums dropped.
 */
export const ADD_METRICS_FUNCTION = 'reporting_add_metrics';
