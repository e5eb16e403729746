/**
 * Creates each service's database and role (idempotent). Each role owns only its database and
 * CONNECT is revoked from PUBLIC, so no service can reach another's tables.
 * Env: PG_ADMIN_URL (default postgres://postgres@DATABASE_HOST:DATABASE_PORT/postgres),
 *      DATABASE_NAME_SUFFIX (`_test` for the test databases).
 */
import { Client } from 'pg';

const SERVICES = ['intake', 'assignment', 'reporting'] as const;

async function main(): Promise<void> {
  const host = process.env.DATABASE_HOST ?? '127.0.0.1';
  const port = process.env.DATABASE_PORT ?? '5432';
  const suffix = process.env.DATABASE_NAME_SUFFIX ?? '';
  if (!/^[a-z0-9_]*$/.test(suffix))
    throw new Error('DATABASE_NAME_SUFFIX may hold only a-z, 0-9 and _');
  const admin = new Client({
    connectionString: process.env.PG_ADMIN_URL ?? `postgres://postgres@${host}:${port}/postgres`,
  });
  await admin.connect();
  try {
    for (const service of SERVICES) {
      const role = `casebridge_${service}`;
      const db = `${role}${suffix}`;
      const roleExists = await admin.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [role]);
      if (roleExists.rowCount === 0) {
        await admin.query(`CREATE ROLE ${role} LOGIN PASSWORD '${role}'`);
        console.log(`  created role ${role}`);
      }
      const dbExists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [db]);
      if (dbExists.rowCount === 0) {
        await admin.query(`CREATE DATABASE ${db} OWNER ${role}`);
        console.log(`  created database ${db}`);
      }
      await admin.query(`REVOKE ALL ON DATABASE ${db} FROM PUBLIC`);
      await admin.query(`GRANT CONNECT, TEMPORARY ON DATABASE ${db} TO ${role}`);
    }
    console.log(`databases ready: ${SERVICES.map((s) => `casebridge_${s}${suffix}`).join(', ')}`);
  } finally {
    await admin.end();
  }
}

main().catch((error: Error) => {
  console.error(`database setup failed: ${error.message}`);
  process.exit(1);
});
