import type { DataSourceOptions, MixedList, EntitySchema } from 'typeorm';

type Entities = MixedList<string | (new (...args: never[]) => unknown) | EntitySchema>;
type Migrations = MixedList<string | (new (...args: never[]) => unknown)>;

/** TypeORM options every service uses: migrations only, never synchronize. */
export function postgresOptions(
  url: string,
  entities: Entities,
  migrations: Migrations,
  appName: string,
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
    extra: { max: 10, connectionTimeoutMillis: 5000, idleTimeoutMillis: 30000 },
  };
}
