import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { Client } from 'pg';
import {
  databasePassword,
  INTAKE_KEY_STORE,
  keyStorePassword,
  serviceRoles,
} from '@casebridge/common';
import { keyStoreClient, query, testDatabaseName, testKeyStoreName } from '../support/infra';

const ROOT = join(__dirname, '..', '..');

function migrate(): string {
  return execFileSync(process.execPath, [join(ROOT, 'dist', 'scripts', 'migrate.js')], {
    env: process.env,
    encoding: 'utf8',
  });
}

describe('Databases and migrations', () => {
  it('runs every service’s migrations twice harmlessly: the second run changes nothing', async () => {
    migrate();
    const before = await query('intake', 'SELECT name FROM typeorm_migrations ORDER BY id');
    const second = migrate();
    expect(second).toMatch(/intake: up to date/);
    expect(second).toMatch(/intake key store: up to date/);
    expect(second).toMatch(/assignment: up to date/);
    expect(second).toMatch(/reporting: up to date/);
    expect(await query('intake', 'SELECT name FROM typeorm_migrations ORDER BY id')).toEqual(
      before,
    );
  });

  it('lets each service’s roles (runtime and owner) reach its own database only', async () => {
    const host = process.env.DATABASE_HOST ?? '127.0.0.1';
    const port = process.env.DATABASE_PORT ?? '5432';
    const services = ['intake', 'assignment', 'reporting', 'keys'] as const;
    const roleOf = (s: (typeof services)[number], kind: 'runtime' | 'owner') =>
      s === 'keys'
        ? { role: INTAKE_KEY_STORE.roles[kind], password: keyStorePassword(process.env, kind) }
        : { role: serviceRoles(s)[kind], password: databasePassword(process.env, s, kind) };
    for (const service of services) {
      for (const kind of ['runtime', 'owner'] as const) {
        const { role, password } = roleOf(service, kind);
        for (const db of services) {
          const name = db === 'keys' ? testKeyStoreName() : testDatabaseName(db);
          const client = new Client({
            connectionString: `postgres://${role}:${encodeURIComponent(password)}@${host}:${port}/${name}`,
          });
          const connected = await client.connect().then(
            () => true,
            (error: Error) => {
              expect(error.message).toMatch(/permission denied/);
              return false;
            },
          );
          await client.end().catch(() => undefined);
          expect({ role, db, connected }).toEqual({ role, db, connected: service === db });
        }
      }
    }
  });

  it('gives intake’s tables to its owner role, and the runtime role DML only', async () => {
    const owners = await query<{ tableowner: string }>(
      'intake',
      "SELECT DISTINCT tableowner FROM pg_tables WHERE schemaname = 'public'",
    );
    expect(owners).toEqual([{ tableowner: 'casebridge_intake_owner' }]);
    const [grants] = await query<{ audit: string; cases: string }>(
      'intake',
      `SELECT array_to_string(ARRAY(SELECT privilege_type FROM information_schema.table_privileges
                WHERE table_name = 'audit_entry' AND grantee = 'casebridge_intake' ORDER BY 1), ',') AS audit,
              array_to_string(ARRAY(SELECT privilege_type FROM information_schema.table_privileges
                WHERE table_name = 'case_file' AND grantee = 'casebridge_intake' ORDER BY 1), ',') AS cases`,
    );
    expect(grants).toEqual({ audit: 'INSERT,SELECT', cases: 'DELETE,INSERT,SELECT,UPDATE' });
  });

  it('gives the key store to its own owner, and its runtime role no DELETE or TRUNCATE', async () => {
    const keys = await keyStoreClient('runtime');
    try {
      const { rows } = await keys.query<{ owner: string; runtime: string }>(
        `SELECT (SELECT tableowner FROM pg_tables WHERE tablename = 'case_key') AS owner,
                array_to_string(ARRAY(SELECT privilege_type FROM information_schema.table_privileges
                  WHERE table_name = 'case_key' AND grantee = $1 ORDER BY 1), ',') AS runtime`,
        [INTAKE_KEY_STORE.roles.runtime],
      );
      expect(rows).toEqual([
        { owner: INTAKE_KEY_STORE.roles.owner, runtime: 'INSERT,SELECT,UPDATE' },
      ]);
    } finally {
      await keys.end();
    }
  });
});
