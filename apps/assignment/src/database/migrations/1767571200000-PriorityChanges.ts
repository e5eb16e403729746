import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Re-triage (casebridge.case.priority-changed): an assignment keeps the case version of the
 * priority change applied to it (0: the submitted priority), so that an older change arriving
 * late never overrides a newer one; and a priority change that arrives before its case is
 * routed is parked, as status changes are, and applied in the transaction that routes the case.
 */
export class PriorityChanges1767571200000 implements MigrationInterface {
  name = 'PriorityChanges1767571200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      'ALTER TABLE assignment ADD COLUMN IF NOT EXISTS priority_version integer NOT NULL DEFAULT 0',
    );
    await q.query(`
      CREATE TABLE IF NOT EXISTS pending_priority_change (
        case_id     uuid        NOT NULL,
        version     integer     NOT NULL,
        priority    text        NOT NULL CHECK (priority IN ('urgent', 'high', 'normal')),
        at          timestamptz NOT NULL,
        received_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (case_id, version)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE IF EXISTS pending_priority_change');
    await q.query('ALTER TABLE assignment DROP COLUMN IF EXISTS priority_version');
  }
}
