import { Module } from '@nestjs/common';
import { AssignmentsController } from './assignments.controller';
import { AssignmentsRepository } from './assignments.repository';
import { AssignmentsService } from './assignments.service';
import { CaseEventsConsumer } from './case-events.consumer';
import { LifecycleService } from './lifecycle.service';
import { RoutingService } from './routing.service';

@Module({
  controllers: [AssignmentsController],
  providers: [
    AssignmentsRepository,
    AssignmentsService,
    RoutingService,
    LifecycleService,
    CaseEventsConsumer,
  ],
})
export class AssignmentsModule {}
