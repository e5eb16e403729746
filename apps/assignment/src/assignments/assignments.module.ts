import { Module } from '@nestjs/common';
import { DirectoryModule } from '../directory/directory.module';
import { SlaModule } from '../sla/sla.module';
import { AssignmentHistoryRepository } from './assignment-history.repository';
import { AssignmentsController } from './assignments.controller';
import { AssignmentsRepository } from './assignments.repository';
import { AssignmentsService } from './assignments.service';
import { CaseEventsConsumer } from './case-events.consumer';
import { HandoverController } from './handover.controller';
import { HandoverRepository } from './handover.repository';
import { HandoverService } from './handover.service';
import { LifecycleService } from './lifecycle.service';
import { OwnQueueController } from './own-queue.controller';
import { PendingPriorityChangesRepository } from './pending-priority-changes.repository';
import { PendingStatusChangesRepository } from './pending-status-changes.repository';
import { RoutingService } from './routing.service';

/**
 * Routing, lifecycle tracking, reassignment, claiming, handovers, transfer and queues. Uses the directory (offices,
 * caseworkers and their workload) and the SLA policy (the deadlines a routed case starts with
 * and its status changes move).
 */
@Module({
  imports: [DirectoryModule, SlaModule],
  controllers: [AssignmentsController, OwnQueueController, HandoverController, CaseEventsConsumer],
  providers: [
    AssignmentsRepository,
    AssignmentHistoryRepository,
    PendingStatusChangesRepository,
    PendingPriorityChangesRepository,
    AssignmentsService,
    RoutingService,
    LifecycleService,
    HandoverRepository,
    HandoverService,
  ],
})
export class AssignmentsModule {}
