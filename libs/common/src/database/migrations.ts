import type { DataSource } from 'typeorm';

/** A fixed key: only one process at a time migrates a given database. */
const MIGRATION_LOCK = 7_262_022_001;

/** Runs pending migrations under a Postgres advisory lock: safe with several replicas, harmless twice. */
export async function runMigrationsLocked(dataSource: DataSource): Promise<string[]> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    return applied.map((m) => m.name);
  } finally {
    await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    await runner.release();
  }
}
