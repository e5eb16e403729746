import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { CasebridgeEvent, EventTypes } from '@casebridge/contracts';
import { CasebridgeEventContext, OnEvent } from '@casebridge/messaging';
import { AssignmentProjectionService } from './assignment-projection.service';

export const INTAKE_CONSUMER_GROUP = 'casebridge-intake';

/** Intake learns from `case.assigned` which consulate holds a case (it scopes consular access). */
@Controller()
export class AssignmentEventsConsumer {
  constructor(private readonly projection: AssignmentProjectionService) {}

  @OnEvent(EventTypes.CaseAssigned)
  onCaseAssigned(
    @Payload() event: CasebridgeEvent<typeof EventTypes.CaseAssigned>,
    @Ctx() context: CasebridgeEventContext,
  ): Promise<void> {
    return this.projection.applyAssignment(event, context.manager);
  }
}
