import type { ServiceDefinition } from '@casebridge/common';
import { AppModule } from './app.module';
import { IntakeEnvironment, intakeSecretProblems } from './config/intake.environment';
import { intakeMigrationDataSourceOptions } from './database/data-source';
import { keyStoreMigrationDataSourceOptions } from './keystore/key-store.data-source';

/** What main.ts runs, and what scripts/generate-openapi.ts documents. */
export const intakeService: ServiceDefinition<IntakeEnvironment> = {
  environment: IntakeEnvironment,
  environmentChecks: intakeSecretProblems,
  module: (env) => AppModule.register(env),
  migrationDataSource: (env) => [
    intakeMigrationDataSourceOptions(env),
    keyStoreMigrationDataSourceOptions(env),
  ],
  port: (env) => env.INTAKE_PORT,
  title: 'Casebridge intake',
  description:
    'Complaint intake and the case file: complainant, complaint, lifecycle, notes, outcome, audit.',
};
