import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The key store's one table: each case's data key, wrapped by a master key (named by its id, so
 * that master keys can rotate). Destroying a case's key (crypto-shredding) empties wrapped_key
 * and sets destroyed_at; the row stays, so that a destroyed key is never recreated. The runtime
 * role (DML by default privileges) keeps SELECT, INSERT and UPDATE: it may not delete or empty
 * the table.
 */
export class CaseKeyStore1767744000000 implements MigrationInterface {
  name = 'CaseKeyStore1767744000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE IF NOT EXISTS case_key (
        case_id       uuid PRIMARY KEY,
        wrapped_key   text,
        master_key_id text,
        created_at    timestamptz NOT NULL DEFAULT now(),
        destroyed_at  timestamptz,
        CHECK ((destroyed_at IS NULL) = (wrapped_key IS NOT NULL AND master_key_id IS NOT NULL))
      )`);
    await q.query('REVOKE ALL ON case_key FROM PUBLIC');
    await q.query(`
      DO $$
      DECLARE grantee text;
      BEGIN
        FOR grantee IN
          SELECT DISTINCT a.grantee::regrole::text
          FROM pg_class c, aclexplode(c.relacl) a
          WHERE c.oid = 'case_key'::regclass AND a.grantee <> 0 AND a.grantee <> c.relowner
        LOOP
          EXECUTE format('REVOKE DELETE, TRUNCATE, TRIGGER, REFERENCES ON case_key FROM %s', grantee);
        END LOOP;
      END $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE IF EXISTS case_key');
  }
}
