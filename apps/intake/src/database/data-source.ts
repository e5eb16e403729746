import { databasePool, postgresOptions, serviceDatabaseUrl } from '@casebridge/common';
import type { DataSourceOptions } from 'typeorm';
import { CaseFile } from '../cases/case-file.entity';
import type { IntakeEnvironment } from '../config/intake.environment';
import { intakeMigrations } from './migrations';

export const intakeEntities = [CaseFile];

export function intakeDataSourceOptions(env: IntakeEnvironment): DataSourceOptions {
  return postgresOptions(
    serviceDatabaseUrl('intake', env, env.INTAKE_DATABASE_URL),
    intakeEntities,
    intakeMigrations,
    'casebridge-intake',
    databasePool(env),
  );
}

/** The same database as its owner role: migrations only (the runtime role cannot alter tables). */
export function intakeMigrationDataSourceOptions(env: IntakeEnvironment): DataSourceOptions {
  return postgresOptions(
    serviceDatabaseUrl('intake', env, env.INTAKE_DATABASE_OWNER_URL, 'owner'),
    intakeEntities,
    intakeMigrations,
    'casebridge-intake-migrations',
  );
}
