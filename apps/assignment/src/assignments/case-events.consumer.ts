import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { CASE_EVENTS_TOPIC, EventTypes } from '@casebridge/contracts';
import { EventConsumer, EventConsumerFactory } from '@casebridge/messaging';
import { LifecycleService } from './lifecycle.service';
import { RoutingService } from './routing.service';

export const ASSIGNMENT_CONSUMER_GROUP = 'casebridge-assignment';

/** Routes submitted cases and follows their lifecycle, from intake's case-events topic. */
@Injectable()
export class CaseEventsConsumer implements OnApplicationBootstrap {
  private consumer?: EventConsumer;

  constructor(
    private readonly consumers: EventConsumerFactory,
    private readonly routing: RoutingService,
    private readonly lifecycle: LifecycleService,
  ) {}

  onApplicationBootstrap(): void {
    this.consumer = this.consumers.create({
      groupId: ASSIGNMENT_CONSUMER_GROUP,
      topics: [CASE_EVENTS_TOPIC],
      handlers: {
        [EventTypes.CaseSubmitted]: (event, manager) => this.routing.route(event, manager),
        [EventTypes.CaseStatusChanged]: (event, manager) =>
          this.lifecycle.onStatusChanged(event, manager),
      },
    });
    this.consumer.start();
  }

  /** Resolves once the consumer has joined its group (tests wait for it). */
  async ready(): Promise<void> {
    await this.consumer?.ready();
  }
}
