import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Each rollup row records when it was last written (the fold sets it on every upsert), so that a
 * report can name a row version by (table, xmin, written_at, key) and keep its parsed maps
 * (reports/rollup-row-cache.ts). xmin alone could name two contents: transaction ids wrap around
 * after 2^32, and a failover to a standby that missed the last commits hands some out again;
 * the clock does neither. Existing rows get the time of this migration, row by row.
 */
export class RollupWrittenAt1768003200000 implements MigrationInterface {
  name = 'RollupWrittenAt1768003200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      'ALTER TABLE report_rollup ADD COLUMN written_at timestamptz NOT NULL DEFAULT clock_timestamp()',
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE report_rollup DROP COLUMN written_at');
  }
}
