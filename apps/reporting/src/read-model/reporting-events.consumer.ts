import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { CasebridgeEventBatchContext, OnEvents } from '@casebridge/messaging';
import type { AnyCasebridgeEvent } from './case-fact';
import { REPORTED_EVENT_TYPES } from './read-model-handlers';
import { LIVE_TABLES } from './read-model-tables';
import { ReadModelWriter } from './read-model.writer';

/**
 * Reporting reads case and assignment events into its read model (exactly-once effect via the
 * inbox), a run of one partition's fresh events at a time in a few statements
 * (ReadModelWriter.applyMany). The rebuild applies the same writer through readModelHandlers.
 */
@Controller()
export class ReportingEventsConsumer {
  constructor(private readonly writer: ReadModelWriter) {}

  @OnEvents(...REPORTED_EVENT_TYPES)
  onEvents(
    @Payload() events: AnyCasebridgeEvent[],
    @Ctx() context: CasebridgeEventBatchContext,
  ): Promise<void> {
    return this.writer.applyMany(events, context.manager, LIVE_TABLES);
  }
}
