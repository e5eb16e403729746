import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CommonModule, kafkaConnection } from '@casebridge/common';
import { EventSources } from '@casebridge/contracts';
import { MessagingModule } from '@casebridge/messaging';
import { ReportingEnvironment } from './config/reporting.environment';
import { DashboardModule } from './dashboard/dashboard.module';
import { reportingDataSourceOptions } from './database/data-source';
import { ReadModelModule } from './read-model/read-model.module';
import { ReportsModule } from './reports/reports.module';
import { REPORTING_CONSUMER_GROUP } from './read-model/read-model-tables';
import { WebhooksModule } from './webhooks/webhooks.module';

/** Messages of one partition the live consumer applies in one transaction, at most. */
const REPORTING_MAX_CHUNK = 2000;

@Module({})
export class AppModule {
  static register(env: ReportingEnvironment): DynamicModule {
    return {
      module: AppModule,
      imports: [
        CommonModule.forService('reporting', env),
        TypeOrmModule.forRoot({
          ...reportingDataSourceOptions(env),
          retryAttempts: 30,
          retryDelay: 2000,
        }),
        MessagingModule.forService({
          source: EventSources.reporting,
          clientId: 'casebridge-reporting',
          connection: kafkaConnection('reporting', env),
          outboxPollMs: env.OUTBOX_POLL_MS,
          maxAttempts: env.CONSUMER_MAX_ATTEMPTS,
          // Reporting only consumes: no outbox, no relay.
          producesEvents: false,
          consumerGroup: REPORTING_CONSUMER_GROUP,
          // The read model's writer costs a few statements per run whatever its length
          // (ReadModelWriter.applyMany): a whole fetch of a partition in one transaction, as the
          // rebuild applies it.
          maxChunk: REPORTING_MAX_CHUNK,
          concurrency: env.REPORTING_PARTITIONS_AT_ONCE,
        }),
        ReadModelModule,
        ReportsModule,
        DashboardModule,
        WebhooksModule,
      ],
    };
  }
}
