import type { EventType } from '@casebridge/contracts';
import type { ContentMode } from './cloud-event-request';
import type { SubscriptionFilter } from './webhook-filter';

export type SubscriptionStatus = 'active' | 'paused';
export const SUBSCRIPTION_STATUSES: readonly SubscriptionStatus[] = ['active', 'paused'];

/** A subscription as stored (the secret included: never answered, never logged). */
export interface WebhookSubscription extends SubscriptionFilter {
  id: string;
  url: string;
  eventTypes: EventType[];
  contentMode: ContentMode;
  secret: string;
  status: SubscriptionStatus;
  createdBy: string;
  createdAt: Date;
  updatedAt: Date;
}

export type DeliveryStatus = 'pending' | 'delivered' | 'parked';
export const DELIVERY_STATUSES: readonly DeliveryStatus[] = ['pending', 'delivered', 'parked'];

/** One event's delivery to one subscription: the queue entry and its log. */
export interface WebhookDelivery {
  id: string;
  subscriptionId: string;
  seq: string;
  eventId: string;
  eventType: string;
  caseId: string;
  event: unknown;
  status: DeliveryStatus;
  attempts: number;
  replays: number;
  nextAttemptAt: Date;
  inFlight: boolean;
  lastAttemptAt: Date | null;
  lastStatusCode: number | null;
  lastError: string | null;
  deliveredAt: Date | null;
  parkedAt: Date | null;
  createdAt: Date;
  /** The earliest undelivered delivery of the same case before this one, which holds it back. */
  heldBehind: string | null;
}
