import 'reflect-metadata';
import {
  createServiceApp,
  exitOnStartupFailure,
  loadEnvironment,
  startService,
} from '@casebridge/common';
import { AppModule } from './app.module';
import { ReportingEnvironment } from './config/reporting.environment';

async function bootstrap(): Promise<void> {
  const env = loadEnvironment(ReportingEnvironment);
  const app = await createServiceApp(AppModule.register(env), {
    title: 'Casebridge reporting',
    description:
      'Statistics by host country from the event log (JSON, CSV), a dashboard for managers, and a rebuildable read model. No personal data.',
    port: env.REPORTING_PORT,
    bodyLimit: env.HTTP_BODY_LIMIT,
  });
  await startService(app, env.REPORTING_PORT);
}

bootstrap().catch(exitOnStartupFailure);
