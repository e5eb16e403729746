import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CommonModule, kafkaConnection } from '@casebridge/common';
import { EventSources } from '@casebridge/contracts';
import { MessagingModule } from '@casebridge/messaging';
import { AssignmentsModule } from './assignments/assignments.module';
import { AssignmentEnvironment } from './config/assignment.environment';
import { assignmentDataSourceOptions } from './database/data-source';
import { DirectoryModule } from './directory/directory.module';
import { SlaModule } from './sla/sla.module';
import { ASSIGNMENT_CONSUMER_GROUP } from './assignments/case-events.consumer';

@Module({})
export class AppModule {
  static register(env: AssignmentEnvironment): DynamicModule {
    return {
      module: AppModule,
      imports: [
        CommonModule.forService('assignment', env),
        TypeOrmModule.forRoot({
          ...assignmentDataSourceOptions(env),
          retryAttempts: 30,
          retryDelay: 2000,
        }),
        MessagingModule.forService({
          source: EventSources.assignment,
          clientId: 'casebridge-assignment',
          connection: kafkaConnection('assignment', env),
          outboxPollMs: env.OUTBOX_POLL_MS,
          maxAttempts: env.CONSUMER_MAX_ATTEMPTS,
          producesEvents: true,
          consumerGroup: ASSIGNMENT_CONSUMER_GROUP,
        }),
        DirectoryModule,
        AssignmentsModule,
        SlaModule,
      ],
    };
  }
}
