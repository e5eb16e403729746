import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Caseworkers linked to a staff identity (the `sub` of their tokens), so that a caseworker reads
 * their own queue and claims from the office's; how an entry of a case's history came about
 * (claimed, or moved by a handover); and the handovers themselves (a caseworker's open cases
 * moved in one request), kept for audit and for answering a retried request.
 */
export class StaffQueues1767312000000 implements MigrationInterface {
  name = 'StaffQueues1767312000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE caseworker ADD COLUMN IF NOT EXISTS staff_subject text
        CONSTRAINT caseworker_staff_subject_key UNIQUE
        CONSTRAINT caseworker_staff_subject_check CHECK (char_length(staff_subject) BETWEEN 1 AND 255)`);
    await q.query(`
      ALTER TABLE assignment_history ADD COLUMN IF NOT EXISTS via text
        CONSTRAINT assignment_history_via_check CHECK (via IN ('claim', 'handover'))`);
    // The office queue's unassigned cases, oldest first, without walking the assigned ones.
    await q.query(`
      CREATE INDEX IF NOT EXISTS assignment_unassigned_idx ON assignment (consulate_id, routed_at, case_id)
        WHERE caseworker_id IS NULL`);
    await q.query(`
      CREATE TABLE IF NOT EXISTS caseworker_handover (
        id                   bigserial   PRIMARY KEY,
        caseworker_id        text        NOT NULL REFERENCES caseworker (id),
        consulate_id         text        NOT NULL,
        mode                 text        NOT NULL CHECK (mode IN ('caseworker', 'routing')),
        target_caseworker_id text,
        deactivated          boolean     NOT NULL,
        moved                integer     NOT NULL CHECK (moved >= 0),
        summary              jsonb       NOT NULL,
        idempotency_key      text,
        request_hash         text,
        actor_id             text        NOT NULL,
        actor_role           text,
        at                   timestamptz NOT NULL,
        CONSTRAINT caseworker_handover_idempotency_key UNIQUE (caseworker_id, idempotency_key)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE IF EXISTS caseworker_handover');
    await q.query('DROP INDEX IF EXISTS assignment_unassigned_idx');
    await q.query('ALTER TABLE assignment_history DROP COLUMN IF EXISTS via');
    await q.query('ALTER TABLE caseworker DROP COLUMN IF EXISTS staff_subject');
  }
}
