import type { ServiceDefinition } from '@casebridge/common';
import { AppModule } from './app.module';
import { ReportingEnvironment } from './config/reporting.environment';

/** What main.ts runs, and what scripts/generate-openapi.ts documents. */
export const reportingService: ServiceDefinition<ReportingEnvironment> = {
  environment: ReportingEnvironment,
  module: (env) => AppModule.register(env),
  port: (env) => env.REPORTING_PORT,
  title: 'Casebridge reporting',
  description:
    'Statistics by host country from the event log (JSON, CSV, XLSX), a dashboard for managers, and a rebuildable read model. No personal data.',
};
