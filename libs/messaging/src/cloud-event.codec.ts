import { randomBytes, randomUUID } from 'node:crypto';
import type { IHeaders } from 'kafkajs';
import {
  CasebridgeEvent,
  CLOUDEVENTS_SPEC_VERSION,
  CloudEventHeaders,
  EVENT_CONTENT_TYPE,
  EVENT_TOPIC_OF,
  EventDataMap,
  EventType,
  topicOwner,
} from '@casebridge/contracts';
import { eventSchemaErrors, isKnownEventType } from './event-validator';

/** A message that can never be processed (bad envelope, bad JSON, schema violation). */
export class InvalidEventError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidEventError';
  }
}

/** A well-formed event of a type this consumer does not know (a newer contract): skipped. */
export class UnknownEventTypeError extends Error {
  constructor(readonly eventType: string) {
    super(`unknown event type ${eventType}`);
    this.name = 'UnknownEventTypeError';
  }
}

export type UntrustedReason = 'untrusted_source' | 'wrong_topic';

/**
 * A valid event that its topic's owner cannot have written: another `ce_source`, or a type that
 * belongs to the other topic. Never applied: the broker's ACLs should have stopped it already.
 */
export class UntrustedEventError extends InvalidEventError {
  constructor(
    readonly reason: UntrustedReason,
    message: string,
  ) {
    super(message);
    this.name = 'UntrustedEventError';
  }
}

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

/** A child span of the incoming trace, or a new trace (W3C Trace Context). */
export function childTraceparent(parent?: string): string {
  const match = parent ? TRACEPARENT.exec(parent) : null;
  const traceId = match ? match[1] : randomBytes(16).toString('hex');
  return `00-${traceId}-${randomBytes(8).toString('hex')}-01`;
}

export interface EventMetadata {
  correlationId: string;
  causationId?: string;
  traceparent?: string;
  time?: Date;
}

export function buildHeaders(
  id: string,
  type: EventType,
  source: string,
  subject: string,
  meta: EventMetadata,
): Record<string, string> {
  const headers: Record<string, string> = {
    [CloudEventHeaders.specversion]: CLOUDEVENTS_SPEC_VERSION,
    [CloudEventHeaders.id]: id,
    [CloudEventHeaders.type]: type,
    [CloudEventHeaders.source]: source,
    [CloudEventHeaders.time]: (meta.time ?? new Date()).toISOString(),
    [CloudEventHeaders.subject]: subject,
    [CloudEventHeaders.contentType]: EVENT_CONTENT_TYPE,
    [CloudEventHeaders.correlationId]: meta.correlationId,
    [CloudEventHeaders.traceparent]: childTraceparent(meta.traceparent),
  };
  if (meta.causationId) headers[CloudEventHeaders.causationId] = meta.causationId;
  return headers;
}

export function newEventId(): string {
  return randomUUID();
}

function header(headers: IHeaders | undefined, name: string): string | undefined {
  const value = headers?.[name];
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined
    ? undefined
    : Buffer.isBuffer(first)
      ? first.toString('utf8')
      : String(first);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function assertFromTopicOwner(topic: string, type: EventType, source: string): void {
  const owner = topicOwner(topic);
  if (owner === undefined || EVENT_TOPIC_OF[type] !== topic) {
    throw new UntrustedEventError('wrong_topic', `${type} does not belong on ${topic}`);
  }
  // The forged value is not echoed: a sender's free text never reaches logs or errors.
  if (source !== owner) {
    throw new UntrustedEventError(
      'untrusted_source',
      `ce_source is not ${owner}, the owner of ${topic}`,
    );
  }
}

/**
 * Decodes and validates a Kafka message into a typed event; throws InvalidEventError if it
 * cannot. Given the topic it was read from, it also throws UntrustedEventError unless the event
 * comes from that topic's owner and its type belongs to that topic.
 */
export function decodeEvent(
  message: {
    key: Buffer | null;
    value: Buffer | null;
    headers?: IHeaders;
  },
  topic?: string,
): CasebridgeEvent {
  const h = (name: string) => header(message.headers, name);
  if (h(CloudEventHeaders.specversion) !== CLOUDEVENTS_SPEC_VERSION) {
    throw new InvalidEventError(`missing or unsupported ${CloudEventHeaders.specversion}`);
  }
  const id = h(CloudEventHeaders.id);
  const type = h(CloudEventHeaders.type);
  const source = h(CloudEventHeaders.source);
  const time = h(CloudEventHeaders.time);
  const subject = h(CloudEventHeaders.subject);
  if (!id || !UUID.test(id)) throw new InvalidEventError(`${CloudEventHeaders.id} must be a UUID`);
  if (!type) throw new InvalidEventError(`missing ${CloudEventHeaders.type}`);
  if (!source || !time || !subject)
    throw new InvalidEventError('missing ce_source, ce_time or ce_subject');
  if (!isKnownEventType(type)) throw new UnknownEventTypeError(type);
  if (!message.value) throw new InvalidEventError('empty message value');
  let data: unknown;
  try {
    data = JSON.parse(message.value.toString('utf8'));
  } catch {
    throw new InvalidEventError('message value is not valid JSON');
  }
  const errors = eventSchemaErrors(type, data);
  if (errors.length)
    throw new InvalidEventError(`data violates ${type} schema: ${errors.slice(0, 5).join('; ')}`);
  const caseId = (data as { caseId: string }).caseId;
  if (subject !== caseId) throw new InvalidEventError('ce_subject does not match data.caseId');
  if (topic !== undefined) assertFromTopicOwner(topic, type, source);
  return {
    id,
    type,
    source,
    subject,
    time,
    correlationId: h(CloudEventHeaders.correlationId) ?? id,
    causationId: h(CloudEventHeaders.causationId),
    traceparent: h(CloudEventHeaders.traceparent),
    data: data as EventDataMap[typeof type],
  };
}
