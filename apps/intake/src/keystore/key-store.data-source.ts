import { INTAKE_KEY_STORE, keyStorePassword, postgresOptions } from '@casebridge/common';
import type { ServiceRoles } from '@casebridge/common';
import type { DataSourceOptions } from 'typeorm';
import type { IntakeEnvironment } from '../config/intake.environment';
import { keyStoreMigrations } from './migrations';

/** The key store's connection URL, as its runtime role (or its owner, for migrations). */
export function keyStoreDatabaseUrl(
  env: IntakeEnvironment,
  kind: keyof ServiceRoles = 'runtime',
): string {
  const override =
    kind === 'runtime' ? env.INTAKE_KEYSTORE_DATABASE_URL : env.INTAKE_KEYSTORE_DATABASE_OWNER_URL;
  if (override) return override;
  const role = INTAKE_KEY_STORE.roles[kind];
  const password = encodeURIComponent(
    keyStorePassword(env as unknown as Record<string, unknown>, kind),
  );
  const db = `${INTAKE_KEY_STORE.database}${env.DATABASE_NAME_SUFFIX}`;
  return `postgres://${role}:${password}@${env.DATABASE_HOST}:${env.DATABASE_PORT}/${db}`;
}

/** The key store as its owner role: its migrations only. */
export function keyStoreMigrationDataSourceOptions(env: IntakeEnvironment): DataSourceOptions {
  return postgresOptions(
    keyStoreDatabaseUrl(env, 'owner'),
    [],
    keyStoreMigrations,
    'casebridge-intake-keys-migrations',
  );
}
