import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The audit trail is the owner's: every other role (the runtime role casebridge_intake among
 * them, which gets DML on new tables by default privileges) keeps at most INSERT and SELECT, so
 * the running service can neither rewrite nor empty it, nor touch its triggers. Runs as the
 * owner role, which owns audit_entry and so may revoke what it granted.
 */
export class AuditEntryInsertOnly1765152000000 implements MigrationInterface {
  name = 'AuditEntryInsertOnly1765152000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('REVOKE ALL ON audit_entry FROM PUBLIC');
    await q.query(`
      DO $$
      DECLARE grantee text;
      BEGIN
        FOR grantee IN
          SELECT DISTINCT a.grantee::regrole::text
          FROM pg_class c, aclexplode(c.relacl) a
          WHERE c.oid = 'audit_entry'::regclass AND a.grantee <> 0 AND a.grantee <> c.relowner
        LOOP
          EXECUTE format(
            'REVOKE UPDATE, DELETE, TRUNCATE, TRIGGER, REFERENCES ON audit_entry FROM %s', grantee);
        END LOOP;
      END $$`);
  }

  async down(): Promise<void> {
    // Nothing to undo: widening the runtime role's rights on the audit trail is never wanted.
  }
}
