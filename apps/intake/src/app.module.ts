import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CommonModule, kafkaConnection } from '@casebridge/common';
import { EventSources } from '@casebridge/contracts';
import { MessagingModule } from '@casebridge/messaging';
import { AuditModule } from './audit/audit.module';
import { CasesModule } from './cases/cases.module';
import { DataExportModule } from './data-export/data-export.module';
import { ErasureModule } from './erasure/erasure.module';
import { CaseHistoryModule } from './history/case-history.module';
import { NotesModule } from './notes/notes.module';
import { CasePriorityModule } from './priority/case-priority.module';
import { IntakeEnvironment } from './config/intake.environment';
import { intakeDataSourceOptions } from './database/data-source';
import { KeyStoreModule } from './keystore/key-store.module';
import { INTAKE_CONSUMER_GROUP } from './cases/assignment-events.consumer';

@Module({})
export class AppModule {
  static register(env: IntakeEnvironment): DynamicModule {
    return {
      module: AppModule,
      imports: [
        CommonModule.forService('intake', env),
        TypeOrmModule.forRoot({
          ...intakeDataSourceOptions(env),
          retryAttempts: 30,
          retryDelay: 2000,
        }),
        MessagingModule.forService({
          source: EventSources.intake,
          clientId: 'casebridge-intake',
          connection: kafkaConnection('intake', env),
          outboxPollMs: env.OUTBOX_POLL_MS,
          maxAttempts: env.CONSUMER_MAX_ATTEMPTS,
          producesEvents: true,
          consumerGroup: INTAKE_CONSUMER_GROUP,
        }),
        KeyStoreModule.register(),
        CasesModule,
        NotesModule,
        CasePriorityModule,
        CaseHistoryModule,
        DataExportModule,
        ErasureModule,
        AuditModule,
      ],
    };
  }
}
