import { Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import {
  CasebridgeEvent,
  EVENT_TOPIC_OF,
  EventTypes,
  type CaseAssignedV1,
} from '@casebridge/contracts';
import { batchedHandlers, EventConsumer, EventConsumerFactory } from '@casebridge/messaging';
import type { StoredEvent } from './cloud-event-request';
import { factsOf, matches } from './webhook-filter';
import { NewDelivery, WebhookDeliveriesRepository } from './webhook-deliveries.repository';
import { WebhookActivation } from './webhook-activation';
import { WebhookSubscriptionsRepository } from './webhook-subscriptions.repository';
import { webhookDeliveriesQueued } from './webhook.metrics';
import {
  WEBHOOK_SETTINGS,
  WEBHOOKS_CONSUMER_GROUP,
  type WebhookSettings,
} from './webhook-settings';

const ALL_TYPES = Object.values(EventTypes);
/** Messages of one partition queued in one inbox transaction, at most. */
const DISPATCH_MAX_CHUNK = 500;

/** The event as receivers get it: the Kafka event's attributes and data, nothing else. */
function stored(event: CasebridgeEvent): StoredEvent {
  return {
    id: event.id,
    type: event.type,
    source: event.source,
    subject: event.subject,
    time: event.time,
    correlationId: event.correlationId,
    ...(event.causationId ? { causationId: event.causationId } : {}),
    data: event.data,
  };
}

/**
 * Turns every event into a delivery for each subscription it matches, in the inbox transaction
 * of its own consumer group (casebridge-webhooks): each event is queued exactly once per
 * subscription, whatever Kafka redelivers, and nothing is sent from here (the worker sends), so
 * receivers never slow consumption down. It consumes one partition at a time: deliveries are
 * queued in the order of each partition, which is the order of each case's events on a topic.
 * It joins its group once a subscription exists (WebhookActivation); its first start reads the
 * topics from the beginning, and events older than a subscription are not sent to it.
 */
@Injectable()
export class WebhookDispatcher implements OnApplicationBootstrap {
  private consumer?: EventConsumer;

  constructor(
    private readonly consumers: EventConsumerFactory,
    private readonly subscriptions: WebhookSubscriptionsRepository,
    private readonly deliveries: WebhookDeliveriesRepository,
    private readonly activation: WebhookActivation,
    @Inject(WEBHOOK_SETTINGS) private readonly settings: WebhookSettings,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.settings.enabled) return;
    this.activation.onActive(() => this.start());
  }

  private start(): void {
    // The factory stops it on shutdown.
    this.consumer = this.consumers.create({
      groupId: WEBHOOKS_CONSUMER_GROUP,
      topics: [...new Set(ALL_TYPES.map((type) => EVENT_TOPIC_OF[type]))],
      handlers: batchedHandlers(ALL_TYPES, (items, manager) =>
        this.dispatch(
          items.map((i) => i.event),
          manager,
        ),
      ),
      concurrency: 1,
      maxChunk: DISPATCH_MAX_CHUNK,
    });
    this.consumer.start();
  }

  /** Resolves once the dispatcher has joined its group. */
  async ready(): Promise<void> {
    await this.consumer?.ready();
  }

  /** Queues the deliveries of a run of fresh events of one partition, in order. */
  async dispatch(events: CasebridgeEvent[], manager: EntityManager): Promise<void> {
    const subscriptions = await this.subscriptions.filters(manager);
    const assignments = events
      .filter((e) => e.type === EventTypes.CaseAssigned)
      .map((e) => e.data as CaseAssignedV1)
      .map((d) => ({ caseId: d.caseId, consulateId: d.consulateId, sequence: d.sequence }));
    // Events that name no consulate match a consulate filter by the case's latest assignment.
    const consulates = subscriptions.some((s) => s.consulateId !== null)
      ? await this.deliveries.caseConsulates(manager, [
          ...new Set(events.map((e) => e.data.caseId)),
        ])
      : new Map<string, { consulateId: string; sequence: number }>();
    const queued: NewDelivery[] = [];
    for (const event of events) {
      const caseId = event.data.caseId;
      if (event.type === EventTypes.CaseAssigned) {
        const { consulateId, sequence } = event.data as CaseAssignedV1;
        const known = consulates.get(caseId);
        if (!known || known.sequence < sequence) consulates.set(caseId, { consulateId, sequence });
      }
      const facts = factsOf(event, consulates.get(caseId)?.consulateId ?? null);
      for (const subscription of subscriptions) {
        if (!matches(subscription, facts)) continue;
        queued.push({
          subscriptionId: subscription.id,
          eventId: event.id,
          eventType: event.type,
          caseId,
          event: stored(event),
        });
      }
    }
    await this.deliveries.recordAssignments(manager, assignments);
    webhookDeliveriesQueued.inc(await this.deliveries.enqueue(manager, queued));
  }
}
