import type { DataSourceOptions, MixedList, EntitySchema } from 'typeorm';

type Entities = MixedList<string | (new (...args: never[]) => unknown) | EntitySchema>;
type Migrations = MixedList<string | (new (...args: never[]) => unknown)>;

export interface DatabasePoolSettings {
  /** Connections in the pool. */
  max: number;
  /**
   * pg-pool's `connectionTimeoutMillis`: the longest a query waits for a free connection, or for
   * a new one to connect, before it fails ("timeout exceeded when trying to connect"), which
   * answers 503 with Retry-After (errors/infrastructure.ts).
   */
  acquireTimeoutMs: number;
}

/** DATABASE_POOL_MAX and DATABASE_POOL_ACQUIRE_TIMEOUT_MS's defaults. */
export const DEFAULT_DATABASE_POOL: DatabasePoolSettings = { max: 10, acquireTimeoutMs: 2000 };

/** TypeORM options every service uses: migrations only, never synchronize. */
export function postgresOptions(
  url: string,
  entities: Entities,
  migrations: Migrations,
  appName: string,
  pool: DatabasePoolSettings = DEFAULT_DATABASE_POOL,
): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities,
    migrations,
    synchronize: false,
    migrationsRun: false,
    migrationsTableName: 'typeorm_migrations',
    applicationName: appName,
    extra: {
      max: pool.max,
      connectionTimeoutMillis: pool.acquireTimeoutMs,
      idleTimeoutMillis: 30000,
    },
  };
}
