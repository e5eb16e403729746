import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Which blind-index key each case's passport_index is under, so that a rotation of that key
 * (`npm run intake:rotate-keys`) knows which cases are left to re-index and may stop and go on.
 * Existing indexes keep null: under the key of before key ids, re-indexed by the next run.
 */
export class PassportIndexKeyId1768003200000 implements MigrationInterface {
  name = 'PassportIndexKeyId1768003200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE case_file ADD COLUMN IF NOT EXISTS passport_index_key_id text');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE case_file DROP COLUMN IF EXISTS passport_index_key_id');
  }
}
