import type { MigrationInterface, QueryRunner } from 'typeorm';
import { DAY_DIMS, ROLLUP_DAY, ROLLUP_KEY, rollupPackedSelect } from '../../read-model/rollup';

const BUCKET_COLUMNS = 'host_country, day, category, consulate_id, host_city, metric, value';

/**
 * The rollup gains day rows (`dims` bit 8, read-model/rollup.ts): the partial months at a date
 * filter's edges are read from them, a row per day and projection key, instead of summing every
 * daily bucket row of up to two months. Filled here from the daily buckets, as the fold keeps
 * them from now on; the consulates' index covers the day rows of its projections too.
 */
export class DailyRollup1767916800000 implements MigrationInterface {
  name = 'DailyRollup1767916800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM report_rollup WHERE dims >= ${ROLLUP_DAY}`);
    await q.query(`
      INSERT INTO report_rollup (${ROLLUP_KEY.join(', ')}, counts, durations)
      ${rollupPackedSelect(
        `(SELECT ${BUCKET_COLUMNS} FROM daily_case_bucket
          UNION ALL SELECT ${BUCKET_COLUMNS} FROM daily_resolution_bucket) AS d`,
        ['day'],
      )}`);
    await q.query('DROP INDEX IF EXISTS report_rollup_consulates_idx');
    // The projections that group by consulate without fixing it (2 and 3), by month and by day.
    const consulates = [
      2,
      3,
      ...[2, 3].filter((d) => DAY_DIMS.includes(d)).map((d) => d | ROLLUP_DAY),
    ];
    await q.query(`
      CREATE INDEX report_rollup_consulates_idx ON report_rollup (dims, category, host_country, month)
      WHERE dims IN (${consulates.join(', ')})`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX IF EXISTS report_rollup_consulates_idx');
    await q.query(`
      CREATE INDEX report_rollup_consulates_idx ON report_rollup (dims, category, host_country, month)
      WHERE dims IN (2, 3)`);
    await q.query(`DELETE FROM report_rollup WHERE dims >= ${ROLLUP_DAY}`);
  }
}
