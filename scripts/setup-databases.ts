/**
 * Creates each service's database and roles (idempotent), with the passwords from the
 * configuration. The owner role owns the database and runs the migrations; the runtime role gets
 * DML on the owner's tables through default privileges (intake's audit trail is narrowed to
 * INSERT and SELECT by its migration). CONNECT is revoked from PUBLIC, so no service can reach
 * another's tables. A database of the earlier layout (everything owned by the runtime role) is
 * converted in place. Intake's key store (the wrapped case keys) is a database of its own, with
 * an owner and a runtime role of its own: no case-data role may connect to it.
 * Env: PG_ADMIN_URL (default postgres://postgres@DATABASE_HOST:DATABASE_PORT/postgres),
 *      DATABASE_NAME_SUFFIX (`_test` for the test databases), <SERVICE>_DATABASE_PASSWORD,
 *      INTAKE_DATABASE_OWNER_PASSWORD, INTAKE_KEYSTORE_DATABASE_PASSWORD and
 *      INTAKE_KEYSTORE_DATABASE_OWNER_PASSWORD (development default: the role name; refused
 *      when NODE_ENV=production).
 */
import { Client } from 'pg';
import {
  databasePassword,
  INTAKE_KEY_STORE,
  keyStorePassword,
  passwordVariable,
  productionPasswordProblem,
  SERVICES,
  serviceRoles,
  type ServiceRoles,
} from '@casebridge/common';

/** A database set up here: its name (before the suffix), its roles and their passwords. */
interface ManagedDatabase {
  name: string;
  roles: ServiceRoles;
  password(kind: keyof ServiceRoles): string;
  variable(kind: keyof ServiceRoles): string;
}

const DATABASES: ManagedDatabase[] = [
  ...SERVICES.map((service) => ({
    name: `casebridge_${service}`,
    roles: serviceRoles(service),
    password: (kind: keyof ServiceRoles) => databasePassword(process.env, service, kind),
    variable: (kind: keyof ServiceRoles) => passwordVariable(service, kind),
  })),
  {
    name: INTAKE_KEY_STORE.database,
    roles: INTAKE_KEY_STORE.roles,
    password: (kind) => keyStorePassword(process.env, kind),
    variable: (kind) => INTAKE_KEY_STORE.passwordVariables[kind],
  },
];

function adminUrl(database: string): string {
  const url = new URL(
    process.env.PG_ADMIN_URL ??
      `postgres://postgres@${process.env.DATABASE_HOST ?? '127.0.0.1'}:${process.env.DATABASE_PORT ?? '5432'}/postgres`,
  );
  url.pathname = `/${database}`;
  return url.toString();
}

/** Refuses development or short passwords in production, naming the variable, never the value. */
function passwordProblems(): string[] {
  if (process.env.NODE_ENV !== 'production') return [];
  return DATABASES.flatMap((database) =>
    (['runtime', 'owner'] as const)
      .filter((kind) => kind === 'runtime' || database.roles.owner !== database.roles.runtime)
      .flatMap((kind) => {
        const problem = productionPasswordProblem(database.password(kind), database.roles[kind]);
        return problem ? [`${database.variable(kind)}: ${problem} in production`] : [];
      }),
  );
}

async function ensureRole(admin: Client, database: ManagedDatabase, kind: keyof ServiceRoles) {
  const role = database.roles[kind];
  const exists = await admin.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [role]);
  if (exists.rowCount === 0) {
    await admin.query(`CREATE ROLE ${role} LOGIN`);
    console.log(`  created role ${role}`);
  }
  const password = admin.escapeLiteral(database.password(kind));
  await admin.query(`ALTER ROLE ${role} LOGIN PASSWORD ${password}`);
}

/** Inside a database whose owner is not its runtime role: ownership and the runtime role's rights. */
async function splitOwnership(db: string, { owner, runtime }: ServiceRoles): Promise<void> {
  const client = new Client({ connectionString: adminUrl(db) });
  await client.connect();
  try {
    // The earlier layout: the runtime role created the tables. Hand them to the owner, keeping
    // the runtime role's DML (the audit migration, still pending then, narrows the audit trail).
    const { rows } = await client.query<{ kind: string; name: string }>(
      `SELECT CASE WHEN c.relkind = 'S' THEN 'SEQUENCE' WHEN c.relkind = 'v' THEN 'VIEW'
                   WHEN c.relkind = 'm' THEN 'MATERIALIZED VIEW'
                   ELSE 'TABLE' END AS kind, format('%I', c.relname) AS name
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'S', 'v', 'm')
         AND c.relowner = $1::regrole
       UNION ALL
       SELECT 'FUNCTION', format('%I(%s)', p.proname, pg_get_function_identity_arguments(p.oid))
       FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
       WHERE n.nspname = 'public' AND p.proowner = $1::regrole`,
      [runtime],
    );
    for (const { kind, name } of rows) {
      // Sequences owned by a column follow their table; move the others on their own.
      await client.query(`ALTER ${kind} ${name} OWNER TO ${owner}`).catch((error: Error) => {
        if (!/cannot change owner of sequence/.test(error.message)) throw error;
      });
    }
    if (rows.length) {
      await client.query(
        `GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ${runtime}`,
      );
      await client.query(
        `GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO ${runtime}`,
      );
      console.log(`  ${db}: ${rows.length} objects now owned by ${owner}`);
    }
    await client.query(`GRANT USAGE ON SCHEMA public TO ${runtime}`);
    await client.query(`REVOKE CREATE ON SCHEMA public FROM PUBLIC`);
    await client.query(
      `ALTER DEFAULT PRIVILEGES FOR ROLE ${owner} IN SCHEMA public
       GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO ${runtime}`,
    );
    await client.query(
      `ALTER DEFAULT PRIVILEGES FOR ROLE ${owner} IN SCHEMA public
       GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO ${runtime}`,
    );
  } finally {
    await client.end();
  }
}

async function main(): Promise<void> {
  const suffix = process.env.DATABASE_NAME_SUFFIX ?? '';
  if (!/^[a-z0-9_]*$/.test(suffix))
    throw new Error('DATABASE_NAME_SUFFIX may hold only a-z, 0-9 and _');
  const problems = passwordProblems();
  if (problems.length) throw new Error(`refused:\n  ${problems.join('\n  ')}`);
  const admin = new Client({ connectionString: adminUrl('postgres') });
  await admin.connect();
  try {
    for (const database of DATABASES) {
      const { roles } = database;
      const db = `${database.name}${suffix}`;
      await ensureRole(admin, database, 'runtime');
      if (roles.owner !== roles.runtime) await ensureRole(admin, database, 'owner');
      const found = await admin.query<{ owner: string }>(
        'SELECT pg_get_userbyid(datdba) AS owner FROM pg_database WHERE datname = $1',
        [db],
      );
      if (found.rowCount === 0) {
        await admin.query(`CREATE DATABASE ${db} OWNER ${roles.owner}`);
        console.log(`  created database ${db}`);
      } else if (found.rows[0].owner !== roles.owner) {
        await admin.query(`ALTER DATABASE ${db} OWNER TO ${roles.owner}`);
      }
      await admin.query(`REVOKE ALL ON DATABASE ${db} FROM PUBLIC`);
      await admin.query(`GRANT CONNECT, TEMPORARY ON DATABASE ${db} TO ${roles.runtime}`);
      if (roles.owner !== roles.runtime) await splitOwnership(db, roles);
    }
    console.log(`databases ready: ${DATABASES.map((d) => `${d.name}${suffix}`).join(', ')}`);
  } finally {
    await admin.end();
  }
}

main().catch((error: Error) => {
  console.error(`database setup failed: ${error.message}`);
  process.exit(1);
});
