/** Runs every service's migrations against its own database, as its owner role. Safe to run twice. */
import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { runMigrationsLocked, validateEnvironment } from '@casebridge/common';
import { IntakeEnvironment } from '../apps/intake/src/config/intake.environment';
import { intakeMigrationDataSourceOptions } from '../apps/intake/src/database/data-source';
import { keyStoreMigrationDataSourceOptions } from '../apps/intake/src/keystore/key-store.data-source';
import { AssignmentEnvironment } from '../apps/assignment/src/config/assignment.environment';
import { assignmentDataSourceOptions } from '../apps/assignment/src/database/data-source';
import { ReportingEnvironment } from '../apps/reporting/src/config/reporting.environment';
import { reportingDataSourceOptions } from '../apps/reporting/src/database/data-source';

async function migrate(
  name: string,
  options: ConstructorParameters<typeof DataSource>[0],
): Promise<void> {
  const dataSource = await new DataSource(options).initialize();
  try {
    const applied = await runMigrationsLocked(dataSource);
    console.log(`  ${name}: ${applied.length ? `applied ${applied.join(', ')}` : 'up to date'}`);
  } finally {
    await dataSource.destroy();
  }
}

async function main(): Promise<void> {
  const intake = validateEnvironment(IntakeEnvironment, process.env);
  await migrate('intake', intakeMigrationDataSourceOptions(intake));
  await migrate('intake key store', keyStoreMigrationDataSourceOptions(intake));
  await migrate(
    'assignment',
    assignmentDataSourceOptions(validateEnvironment(AssignmentEnvironment, process.env)),
  );
  await migrate(
    'reporting',
    reportingDataSourceOptions(validateEnvironment(ReportingEnvironment, process.env)),
  );
}

main().catch((error: Error) => {
  console.error(`migration failed: ${error.message}`);
  process.exit(1);
});
