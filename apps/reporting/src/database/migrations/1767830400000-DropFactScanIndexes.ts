import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The two indexes of case_fact by submission time served the first reports, which scanned the
 * facts; every report now reads the rollup and the daily buckets, and nothing queries the facts
 * but by case id. Kept, they cost every fact write that sets a submission (and every write with
 * no room on its page) two more index entries, and a rebuild two more indexes to build.
 */
export class DropFactScanIndexes1767830400000 implements MigrationInterface {
  name = 'DropFactScanIndexes1767830400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX IF EXISTS case_fact_country_submitted_idx');
    await q.query('DROP INDEX IF EXISTS case_fact_submitted_idx');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(
      'CREATE INDEX IF NOT EXISTS case_fact_country_submitted_idx ON case_fact (host_country, submitted_at) WHERE submitted_at IS NOT NULL',
    );
    await q.query(
      'CREATE INDEX IF NOT EXISTS case_fact_submitted_idx ON case_fact (submitted_at) WHERE submitted_at IS NOT NULL',
    );
  }
}
