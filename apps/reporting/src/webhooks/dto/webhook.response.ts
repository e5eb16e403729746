import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { EventTypes } from '@casebridge/contracts';
import { CONTENT_MODES } from '../cloud-event-request';
import { secretHint } from '../webhook-signature';
import {
  DELIVERY_STATUSES,
  SUBSCRIPTION_STATUSES,
  type WebhookDelivery,
  type WebhookSubscription,
} from '../webhook-subscription';

/** A subscription as the API shows it: fields listed one by one, the secret as a hint only. */
export class WebhookSubscriptionResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'https://partner.example/casebridge/webhooks' }) url!: string;
  @ApiProperty({ enum: Object.values(EventTypes), isArray: true }) eventTypes!: string[];
  @ApiProperty({ example: 'RU', nullable: true, type: String }) hostCountry!: string | null;
  @ApiProperty({ example: 'RU-MOW', nullable: true, type: String }) consulateId!: string | null;
  @ApiProperty({ enum: CONTENT_MODES }) contentMode!: string;
  @ApiProperty({ enum: SUBSCRIPTION_STATUSES }) status!: string;
  @ApiProperty({ example: 'whsec_…Sw==', description: 'The last characters of the secret' })
  secretHint!: string;
  @ApiProperty({ example: '2026-03-02T09:00:00.000Z' }) createdAt!: string;
  @ApiProperty({ example: '2026-03-02T09:00:00.000Z' }) updatedAt!: string;
}

export class CreatedWebhookSubscriptionResponse extends WebhookSubscriptionResponse {
  @ApiProperty({
    example: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
    description: 'The signing secret: shown in this answer only, never again',
  })
  secret!: string;
}

export class WebhookDeliveryResponse {
  @ApiProperty({ format: 'uuid', description: 'Also the `webhook-id` header of every attempt' })
  id!: string;
  @ApiProperty({ format: 'uuid' }) eventId!: string;
  @ApiProperty({ enum: Object.values(EventTypes) }) eventType!: string;
  @ApiProperty({ format: 'uuid' }) caseId!: string;
  @ApiProperty({ enum: DELIVERY_STATUSES }) status!: string;
  @ApiProperty({ description: 'Attempts since it was queued or last replayed' }) attempts!: number;
  @ApiProperty() replays!: number;
  @ApiProperty({ description: 'An attempt is under way' }) inFlight!: boolean;
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'When it is due (pending deliveries only)',
  })
  nextAttemptAt!: string | null;
  @ApiProperty({
    nullable: true,
    type: String,
    format: 'uuid',
    description: 'An earlier undelivered delivery of the same case, which it waits for',
  })
  heldBehind!: string | null;
  @ApiProperty({ nullable: true, type: String }) lastAttemptAt!: string | null;
  @ApiProperty({ nullable: true, type: Number }) lastStatusCode!: number | null;
  @ApiProperty({
    nullable: true,
    type: String,
    example: 'HTTP 503 Service Unavailable',
    description: 'A short line of our own (status line, timeout, refused address): never the body',
  })
  lastError!: string | null;
  @ApiProperty({ nullable: true, type: String }) deliveredAt!: string | null;
  @ApiProperty({ nullable: true, type: String }) parkedAt!: string | null;
  @ApiProperty() createdAt!: string;
}

/** The event a delivery carries, as it was on Kafka (docs/events.md): ids, codes, no personal data. */
export class WebhookEventResponse {
  @ApiProperty({ format: 'uuid', description: 'The event id (ce-id)' }) id!: string;
  @ApiProperty({ enum: Object.values(EventTypes) }) type!: string;
  @ApiProperty({ example: '/casebridge/intake' }) source!: string;
  @ApiProperty({ format: 'uuid', description: 'The case (ce-subject)' }) subject!: string;
  @ApiProperty({ example: '2026-11-27T10:15:00.000Z' }) time!: string;
  @ApiProperty() correlationId!: string;
  @ApiPropertyOptional({ description: 'The event that caused this one, if any' })
  causationId?: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: "The event's data, as its type's schema in docs/events.md says",
  })
  data!: Record<string, unknown>;
}

export class WebhookDeliveryDetailResponse extends WebhookDeliveryResponse {
  @ApiProperty({ type: WebhookEventResponse, description: 'The event as delivered' })
  event!: unknown;
}

export class WebhookDeliveryPage {
  @ApiProperty({ type: WebhookDeliveryResponse, isArray: true })
  items!: WebhookDeliveryResponse[];
  @ApiProperty({ nullable: true, type: String, description: 'cursor of the next (older) page' })
  nextCursor!: string | null;
}

export class ReplayedDeliveries {
  @ApiProperty({ example: 3, description: 'Parked deliveries queued again' }) replayed!: number;
}

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

export function toSubscriptionResponse(s: WebhookSubscription): WebhookSubscriptionResponse {
  return {
    id: s.id,
    url: s.url,
    eventTypes: s.eventTypes,
    hostCountry: s.hostCountry,
    consulateId: s.consulateId,
    contentMode: s.contentMode,
    status: s.status,
    secretHint: secretHint(s.secret),
    createdAt: s.createdAt.toISOString(),
    updatedAt: s.updatedAt.toISOString(),
  };
}

export function toDeliveryResponse(d: WebhookDelivery): WebhookDeliveryResponse {
  return {
    id: d.id,
    eventId: d.eventId,
    eventType: d.eventType,
    caseId: d.caseId,
    status: d.status,
    attempts: d.attempts,
    replays: d.replays,
    inFlight: d.inFlight,
    nextAttemptAt: d.status === 'pending' ? d.nextAttemptAt.toISOString() : null,
    heldBehind: d.heldBehind,
    lastAttemptAt: iso(d.lastAttemptAt),
    lastStatusCode: d.lastStatusCode,
    lastError: d.lastError,
    deliveredAt: iso(d.deliveredAt),
    parkedAt: iso(d.parkedAt),
    createdAt: d.createdAt.toISOString(),
  };
}
