import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A case confirmed as a duplicate of an earlier one (case.duplicate-decided) leaves every
 * figure; its fact keeps the earlier case's id. No duplicate was ever confirmed before this
 * column existed, so existing facts need no rebuild.
 */
export class DuplicateCases1767484800000 implements MigrationInterface {
  name = 'DuplicateCases1767484800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE case_fact ADD COLUMN IF NOT EXISTS duplicate_of uuid');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE case_fact DROP COLUMN IF EXISTS duplicate_of');
  }
}
