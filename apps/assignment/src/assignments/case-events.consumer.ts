import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { CasebridgeEvent, EventTypes } from '@casebridge/contracts';
import { CasebridgeEventContext, OnEvent } from '@casebridge/messaging';
import { LifecycleService } from './lifecycle.service';
import { RoutingService } from './routing.service';

export const ASSIGNMENT_CONSUMER_GROUP = 'casebridge-assignment';

/** Routes submitted cases and follows their lifecycle and re-triages, from intake's case events. */
@Controller()
export class CaseEventsConsumer {
  constructor(
    private readonly routing: RoutingService,
    private readonly lifecycle: LifecycleService,
  ) {}

  @OnEvent(EventTypes.CaseSubmitted)
  onCaseSubmitted(
    @Payload() event: CasebridgeEvent<typeof EventTypes.CaseSubmitted>,
    @Ctx() context: CasebridgeEventContext,
  ): Promise<void> {
    return this.routing.route(event, context.manager);
  }

  @OnEvent(EventTypes.CaseStatusChanged)
  onCaseStatusChanged(
    @Payload() event: CasebridgeEvent<typeof EventTypes.CaseStatusChanged>,
    @Ctx() context: CasebridgeEventContext,
  ): Promise<void> {
    return this.lifecycle.onStatusChanged(event, context.manager);
  }

  @OnEvent(EventTypes.CasePriorityChanged)
  onCasePriorityChanged(
    @Payload() event: CasebridgeEvent<typeof EventTypes.CasePriorityChanged>,
    @Ctx() context: CasebridgeEventContext,
  ): Promise<void> {
    return this.lifecycle.onPriorityChanged(event, context.manager);
  }
}
