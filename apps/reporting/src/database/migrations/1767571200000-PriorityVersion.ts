import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Re-triage: a case fact keeps the case version of the priority change it shows, so that an
 * older casebridge.case.priority-changed, or a case.submitted arriving late, cannot override a
 * newer one (0: the priority is the one the case was submitted with). Facts already kept saw no
 * priority change: 0 is what a rebuild would give them.
 */
export class PriorityVersion1767571200000 implements MigrationInterface {
  name = 'PriorityVersion1767571200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      'ALTER TABLE case_fact ADD COLUMN IF NOT EXISTS priority_version integer NOT NULL DEFAULT 0',
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE case_fact DROP COLUMN IF EXISTS priority_version');
  }
}
