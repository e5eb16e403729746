import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Re-triage: every change of a case's priority after intake, with its reason code and who made
 * it (codes and staff ids only, no personal data). `version` is the case version the change
 * produced, which its casebridge.case.priority-changed event carries.
 */
export class CasePriorityChange1767571200000 implements MigrationInterface {
  name = 'CasePriorityChange1767571200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE IF NOT EXISTS case_priority_change (
        id            uuid PRIMARY KEY,
        case_id       uuid        NOT NULL REFERENCES case_file (id),
        from_priority text        NOT NULL CHECK (from_priority IN ('urgent', 'high', 'normal')),
        to_priority   text        NOT NULL CHECK (to_priority IN ('urgent', 'high', 'normal')),
        reason        text        NOT NULL CHECK (reason ~ '^[a-z_]{1,64}$'),
        actor_id      text        NOT NULL,
        actor_role    text        NOT NULL,
        version       integer     NOT NULL,
        at            timestamptz NOT NULL,
        UNIQUE (case_id, version)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE IF EXISTS case_priority_change');
  }
}
