import 'reflect-metadata';
import { runService } from '@casebridge/common';
import { AppModule } from './app.module';
import { IntakeEnvironment, intakeSecretProblems } from './config/intake.environment';

runService({
  environment: IntakeEnvironment,
  environmentChecks: intakeSecretProblems,
  module: (env) => AppModule.register(env),
  port: (env) => env.INTAKE_PORT,
  title: 'Casebridge intake',
  description:
    'Complaint intake and the case file: complainant, complaint, lifecycle, notes, outcome, audit.',
});
