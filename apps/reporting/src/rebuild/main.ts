/**
 * `npm run reporting:rebuild`: rebuilds the reporting read model from the event topics while
 * the reporting service keeps running. Exit code 0 once the new model is live.
 */
import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { kafkaConnection, loadEnvironment, runMigrationsLocked } from '@casebridge/common';
import { createKafka } from '@casebridge/messaging';
import { ReportingEnvironment } from '../config/reporting.environment';
import { reportingDataSourceOptions } from '../database/data-source';
import { rebuildReadModel } from './rebuild';

async function main(): Promise<void> {
  const env = loadEnvironment(ReportingEnvironment);
  const dataSource = await new DataSource(reportingDataSourceOptions(env)).initialize();
  const abort = new AbortController();
  const stop = () => {
    process.stdout.write('rebuild: stopping; the live read model stays as it was\n');
    abort.abort();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    await runMigrationsLocked(dataSource);
    await rebuildReadModel({
      dataSource,
      kafka: createKafka('casebridge-reporting-rebuild', kafkaConnection('reporting', env)),
      signal: abort.signal,
      concurrency: env.REPORTING_PARTITIONS_AT_ONCE,
    });
  } finally {
    await dataSource.destroy();
  }
}

main().then(
  () => process.exit(0),
  (error: Error) => {
    process.stderr.write(`rebuild failed: ${error.message}\n`);
    process.exit(1);
  },
);
