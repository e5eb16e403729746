import 'reflect-metadata';
import {
  createServiceApp,
  exitOnStartupFailure,
  loadEnvironment,
  startService,
} from '@casebridge/common';
import { AppModule } from './app.module';
import { IntakeEnvironment, intakeSecretProblems } from './config/intake.environment';

async function bootstrap(): Promise<void> {
  const env = loadEnvironment(IntakeEnvironment, intakeSecretProblems);
  const app = await createServiceApp(AppModule.register(env), {
    title: 'Casebridge intake',
    description:
      'Complaint intake and the case file: complainant, complaint, lifecycle, notes, outcome, audit.',
    port: env.INTAKE_PORT,
    bodyLimit: env.HTTP_BODY_LIMIT,
  });
  await startService(app, env.INTAKE_PORT);
}

bootstrap().catch(exitOnStartupFailure);
