import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { ASSIGNMENT_EVENTS_TOPIC, EventTypes } from '@casebridge/contracts';
import { EventConsumerFactory } from '@casebridge/messaging';
import { AssignmentProjectionService } from './assignment-projection.service';

export const INTAKE_CONSUMER_GROUP = 'casebridge-intake';

/** Intake learns from `case.assigned` which consulate holds a case (it scopes consular access). */
@Injectable()
export class AssignmentEventsConsumer implements OnApplicationBootstrap {
  constructor(
    private readonly consumers: EventConsumerFactory,
    private readonly projection: AssignmentProjectionService,
  ) {}

  onApplicationBootstrap(): void {
    this.consumers
      .create({
        groupId: INTAKE_CONSUMER_GROUP,
        topics: [ASSIGNMENT_EVENTS_TOPIC],
        handlers: {
          [EventTypes.CaseAssigned]: (event, manager) =>
            this.projection.applyAssignment(event, manager),
        },
      })
      .start();
  }
}
