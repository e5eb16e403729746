import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { Client } from 'pg';
import { query, testDatabaseName } from './support/infra';

const ROOT = join(__dirname, '..');

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
    expect(second).toMatch(/assignment: up to date/);
    expect(second).toMatch(/reporting: up to date/);
    expect(await query('intake', 'SELECT name FROM typeorm_migrations ORDER BY id')).toEqual(
      before,
    );
  });

  it('lets each service role reach its own database only', async () => {
    const host = process.env.DATABASE_HOST ?? '127.0.0.1';
    const port = process.env.DATABASE_PORT ?? '5432';
    const services = ['intake', 'assignment', 'reporting'] as const;
    for (const role of services) {
      for (const db of services) {
        const client = new Client({
          connectionString: `postgres://casebridge_${role}:casebridge_${role}@${host}:${port}/${testDatabaseName(db)}`,
        });
        const connected = await client.connect().then(
          () => true,
          (error: Error) => {
            expect(error.message).toMatch(/permission denied/);
            return false;
          },
        );
        await client.end().catch(() => undefined);
        expect({ role, db, connected }).toEqual({ role, db, connected: role === db });
      }
    }
  });
});
