import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { ASSIGNMENT_EVENTS_TOPIC, CASE_EVENTS_TOPIC } from '@casebridge/contracts';
import { EventConsumerFactory } from '@casebridge/messaging';
import { readModelHandlers } from './read-model-handlers';
import { LIVE_TABLES, REPORTING_CONSUMER_GROUP } from './read-model-tables';
import { ReadModelWriter } from './read-model.writer';

/** Reporting reads both event topics into its read model (exactly-once effect via the inbox). */
@Injectable()
export class ReportingEventsConsumer implements OnApplicationBootstrap {
  constructor(
    private readonly consumers: EventConsumerFactory,
    private readonly writer: ReadModelWriter,
  ) {}

  onApplicationBootstrap(): void {
    this.consumers
      .create({
        groupId: REPORTING_CONSUMER_GROUP,
        topics: [CASE_EVENTS_TOPIC, ASSIGNMENT_EVENTS_TOPIC],
        handlers: readModelHandlers(this.writer, LIVE_TABLES),
      })
      .start();
  }
}
