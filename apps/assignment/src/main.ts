import 'reflect-metadata';
import {
  createServiceApp,
  exitOnStartupFailure,
  loadEnvironment,
  startService,
} from '@casebridge/common';
import { AppModule } from './app.module';
import { AssignmentEnvironment } from './config/assignment.environment';

async function bootstrap(): Promise<void> {
  const env = loadEnvironment(AssignmentEnvironment);
  const app = await createServiceApp(AppModule.register(env), {
    title: 'Casebridge assignment',
    description:
      'Directory of consulates and caseworkers; routes each new case to a consulate and caseworker (host city, else the ' +
      "country's default office, else HQ; then a caseworker who speaks the complainant's language with the fewest open " +
      'cases under their maximum); reassignment, transfer, SLA timers and escalations.',
    port: env.ASSIGNMENT_PORT,
    bodyLimit: env.HTTP_BODY_LIMIT,
  });
  await startService(app, env.ASSIGNMENT_PORT);
}

bootstrap().catch(exitOnStartupFailure);
