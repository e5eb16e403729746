import type { ServiceDefinition } from '@casebridge/common';
import { AppModule } from './app.module';
import { AssignmentEnvironment } from './config/assignment.environment';

/** What main.ts runs, and what scripts/generate-openapi.ts documents. */
export const assignmentService: ServiceDefinition<AssignmentEnvironment> = {
  environment: AssignmentEnvironment,
  module: (env) => AppModule.register(env),
  port: (env) => env.ASSIGNMENT_PORT,
  title: 'Casebridge assignment',
  description:
    'Directory of consulates and caseworkers; routes each new case to a consulate and caseworker (host city, else the ' +
    "country's default office, else HQ; then a caseworker who speaks the complainant's language with the fewest open " +
    'cases under their maximum); reassignment, transfer, SLA timers and escalations.',
};
