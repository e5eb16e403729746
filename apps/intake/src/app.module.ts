import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CommonModule, kafkaConnection, COMMON_ENV } from '@casebridge/common';
import { EventSources } from '@casebridge/contracts';
import { MessagingModule } from '@casebridge/messaging';
import { AuditModule } from './audit/audit.module';
import { CasesModule } from './cases/cases.module';
import { CaseHistoryModule } from './history/case-history.module';
import { NotesModule } from './notes/notes.module';
import { CasePriorityModule } from './priority/case-priority.module';
import { IntakeEnvironment } from './config/intake.environment';
import { PersonalDataCipher } from './crypto/personal-data-cipher';
import { intakeDataSourceOptions } from './database/data-source';
import { INTAKE_CONSUMER_GROUP } from './cases/assignment-events.consumer';

@Module({})
class CryptoModule {
  static register(): DynamicModule {
    return {
      module: CryptoModule,
      global: true,
      providers: [
        {
          provide: PersonalDataCipher,
          useFactory: (e: IntakeEnvironment) =>
            PersonalDataCipher.fromConfig(
              e.INTAKE_ENCRYPTION_KEY_ID,
              e.INTAKE_ENCRYPTION_KEY,
              e.INTAKE_PREVIOUS_ENCRYPTION_KEYS,
              e.INTAKE_BLIND_INDEX_KEY,
            ),
          inject: [COMMON_ENV],
        },
      ],
      exports: [PersonalDataCipher],
    };
  }
}

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
        CryptoModule.register(),
        CasesModule,
        NotesModule,
        CasePriorityModule,
        CaseHistoryModule,
        AuditModule,
      ],
    };
  }
}
