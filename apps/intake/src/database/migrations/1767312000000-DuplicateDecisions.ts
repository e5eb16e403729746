import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Staff decide on a possible duplicate: the decision stays on the case, and a confirmed
 * duplicate is linked both ways to the earlier case (each case lists its linked cases).
 */
export class DuplicateDecisions1767312000000 implements MigrationInterface {
  name = 'DuplicateDecisions1767312000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE case_file
        ADD COLUMN IF NOT EXISTS duplicate_decision text
          CONSTRAINT case_file_duplicate_decision_check CHECK (duplicate_decision IN ('confirmed', 'dismissed')),
        ADD COLUMN IF NOT EXISTS duplicate_decided_at timestamptz,
        ADD COLUMN IF NOT EXISTS duplicate_decided_by text`);
    await q.query(`
      CREATE TABLE IF NOT EXISTS case_link (
        case_id        uuid        NOT NULL REFERENCES case_file (id),
        linked_case_id uuid        NOT NULL REFERENCES case_file (id),
        relation       text        NOT NULL CHECK (relation IN ('duplicate_of', 'duplicated_by')),
        created_at     timestamptz NOT NULL,
        PRIMARY KEY (case_id, relation, linked_case_id),
        CHECK (case_id <> linked_case_id)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE IF EXISTS case_link');
    await q.query(`ALTER TABLE case_file DROP COLUMN IF EXISTS duplicate_decision,
      DROP COLUMN IF EXISTS duplicate_decided_at, DROP COLUMN IF EXISTS duplicate_decided_by`);
  }
}
