import type { MigrationInterface, QueryRunner } from 'typeorm';
import { DURATION_BIN_RATIO } from '../../read-model/durations';
import { ADD_METRICS_FUNCTION, ROLLUP_KEY, rollupPackedSelect } from '../../read-model/rollup';

const BUCKET_COLUMNS = 'host_country, day, category, consulate_id, host_city, metric, value';

/**
 * Reports stop scanning cases:
 * - report_rollup holds the buckets summed by month and over all time for each subset of the
 *   category, consulate and city dimensions (read-model/rollup.ts);
 * - the case buckets gain the distributions of the three durations (`duration:<measure>:<bin>`,
 *   read-model/durations.ts), from which medians and p90 are estimated.
 * Both are filled here from what the read model holds. The bins are computed by PostgreSQL's
 * ln, which may place a duration lying exactly on a bin edge in the neighbouring bin compared
 * with the writer; `npm run reporting:rebuild` makes the model what the writer alone produces.
 */
export class ReportRollup1767398400000 implements MigrationInterface {
  name = 'ReportRollup1767398400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE report_rollup (
        dims         smallint NOT NULL,
        category     text     NOT NULL,
        consulate_id text     NOT NULL,
        month        date     NOT NULL,
        host_country text     NOT NULL,
        host_city    text     NOT NULL,
        counts       jsonb    NOT NULL DEFAULT '{}',
        durations    jsonb    NOT NULL DEFAULT '{}',
        PRIMARY KEY (dims, category, consulate_id, month, host_country, host_city)
      )`);
    // Adds two packed maps (metric → exact decimal) key-wise and drops the sums that reach zero:
    // jsonb numbers are numerics, so the sums are exact (a sum keeps the larger scale, as numeric
    // addition does). A run usually changes a few members of a row: those are set one by one;
    // a larger change (the coarse rows' bins) merges the two maps in one aggregate instead.
    await q.query(`
      CREATE FUNCTION ${ADD_METRICS_FUNCTION}(a jsonb, b jsonb) RETURNS jsonb
      LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
      DECLARE
        k text;
        v jsonb;
        total numeric;
        n integer := 0;
      BEGIN
        FOR k IN SELECT jsonb_object_keys(b) LOOP
          n := n + 1;
          EXIT WHEN n > 8;
        END LOOP;
        IF n > 8 THEN
          RETURN (SELECT coalesce(jsonb_object_agg(s.key, s.total), '{}'::jsonb)
                  FROM (SELECT e.key, sum(e.value::numeric) AS total
                        FROM (SELECT key, value FROM jsonb_each(a)
                              UNION ALL SELECT key, value FROM jsonb_each(b)) AS e
                        GROUP BY e.key HAVING sum(e.value::numeric) <> 0) AS s);
        END IF;
        FOR k, v IN SELECT key, value FROM jsonb_each(b) LOOP
          total := coalesce((a -> k)::numeric, 0) + v::numeric;
          IF total = 0 THEN
            a := a - k;
          ELSE
            a := jsonb_set(a, ARRAY[k], to_jsonb(total));
          END IF;
        END LOOP;
        RETURN a;
      END
      $$`);
    // The key leads with what a report fixes (projection, category and consulate), then the
    // period: the list, a country's cities and the monthly series (a range of months of one
    // projection: one row per month and country, its counts only) read one contiguous range. A
    // country's consulates (projections 2 and 3, consulate not fixed) have an index of their own.
    await q.query(`
      CREATE INDEX report_rollup_consulates_idx ON report_rollup (dims, category, host_country, month)
      WHERE dims IN (2, 3)`);
    const bin = (end: string) => `CASE
        WHEN extract(epoch FROM ${end} - submitted_at) >= 1
        THEN 1 + floor(ln(extract(epoch FROM ${end} - submitted_at)::float8) / ln(${DURATION_BIN_RATIO}::float8))
        ELSE 0 END`;
    for (const [measure, end] of [
      ['to_assignment', 'first_assigned_at'],
      ['to_first_action', 'first_action_at'],
      ['to_resolution', 'resolved_at'],
    ]) {
      await q.query(`
        INSERT INTO daily_case_bucket (${BUCKET_COLUMNS})
        SELECT host_country, (submitted_at AT TIME ZONE 'UTC')::date, category,
               coalesce(consulate_id, ''), coalesce(host_city, ''),
               'duration:${measure}:' || (${bin(end)})::bigint, count(*)
        FROM case_fact
        WHERE submitted_at IS NOT NULL AND host_country IS NOT NULL AND category IS NOT NULL
          AND ${end} IS NOT NULL
        GROUP BY 1, 2, 3, 4, 5, 6`);
    }
    await q.query(`
      INSERT INTO report_rollup (${ROLLUP_KEY.join(', ')}, counts, durations)
      ${rollupPackedSelect(
        `(SELECT ${BUCKET_COLUMNS} FROM daily_case_bucket
        UNION ALL SELECT ${BUCKET_COLUMNS} FROM daily_resolution_bucket) AS d`,
        // The day rows came later (1767916800000-DailyRollup).
        ['all', 'month'],
      )}`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query("DELETE FROM daily_case_bucket WHERE metric LIKE 'duration:%'");
    await q.query('DROP TABLE report_rollup');
    await q.query(`DROP FUNCTION ${ADD_METRICS_FUNCTION}(jsonb, jsonb)`);
  }
}
