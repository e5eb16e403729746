import { databasePool, postgresOptions, serviceDatabaseUrl } from '@casebridge/common';
import type { DataSourceOptions } from 'typeorm';
import type { ReportingEnvironment } from '../config/reporting.environment';
import { reportingMigrations } from './migrations';

/** The read model is written and read with plain SQL (its tables are swapped by a rebuild). */
export const reportingEntities = [];

export function reportingDataSourceOptions(env: ReportingEnvironment): DataSourceOptions {
  return postgresOptions(
    serviceDatabaseUrl('reporting', env, env.REPORTING_DATABASE_URL),
    reportingEntities,
    reportingMigrations,
    'casebridge-reporting',
    databasePool(env),
  );
}
