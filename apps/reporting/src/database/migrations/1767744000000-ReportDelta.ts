import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The delta table (read-model/deltas.ts): each applied run keeps its signed bucket entries here
 * until the folder adds them to the buckets, the rollup and the state. Starts empty: the
 * aggregates already hold every run applied before it.
 */
export class ReportDelta1767744000000 implements MigrationInterface {
  name = 'ReportDelta1767744000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE IF NOT EXISTS report_delta (
         id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
         events integer NOT NULL CHECK (events > 0),
         newest timestamptz NOT NULL,
         entries text NOT NULL
       )`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE IF EXISTS report_delta');
  }
}
