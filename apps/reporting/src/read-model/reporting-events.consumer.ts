import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { CasebridgeEvent, EventTypes } from '@casebridge/contracts';
import { CasebridgeEventContext, OnEvent } from '@casebridge/messaging';
import { LIVE_TABLES } from './read-model-tables';
import { ReadModelWriter } from './read-model.writer';

/**
 * Reporting reads case and assignment events into its read model (exactly-once effect via the
 * inbox). The rebuild applies the same writer through readModelHandlers.
 */
@Controller()
export class ReportingEventsConsumer {
  constructor(private readonly writer: ReadModelWriter) {}

  @OnEvent(EventTypes.CaseSubmitted)
  onCaseSubmitted(
    @Payload() event: CasebridgeEvent<typeof EventTypes.CaseSubmitted>,
    @Ctx() context: CasebridgeEventContext,
  ): Promise<void> {
    return this.writer.apply(event, context.manager, LIVE_TABLES);
  }

  @OnEvent(EventTypes.CaseStatusChanged)
  onCaseStatusChanged(
    @Payload() event: CasebridgeEvent<typeof EventTypes.CaseStatusChanged>,
    @Ctx() context: CasebridgeEventContext,
  ): Promise<void> {
    return this.writer.apply(event, context.manager, LIVE_TABLES);
  }

  @OnEvent(EventTypes.CaseAssigned)
  onCaseAssigned(
    @Payload() event: CasebridgeEvent<typeof EventTypes.CaseAssigned>,
    @Ctx() context: CasebridgeEventContext,
  ): Promise<void> {
    return this.writer.apply(event, context.manager, LIVE_TABLES);
  }

  @OnEvent(EventTypes.CaseSlaBreached)
  onCaseSlaBreached(
    @Payload() event: CasebridgeEvent<typeof EventTypes.CaseSlaBreached>,
    @Ctx() context: CasebridgeEventContext,
  ): Promise<void> {
    return this.writer.apply(event, context.manager, LIVE_TABLES);
  }
}
