import { sign } from './webhook-signature';

/** How a delivery carries its CloudEvent over HTTP (CloudEvents 1.0 HTTP protocol binding). */
export type ContentMode = 'binary' | 'structured';
export const CONTENT_MODES: readonly ContentMode[] = ['binary', 'structured'];

/** The event a delivery carries, as the dispatcher recorded it (the Kafka event, unchanged). */
export interface StoredEvent {
  id: string;
  type: string;
  source: string;
  subject: string;
  time: string;
  correlationId: string;
  causationId?: string;
  data: unknown;
}

export interface WebhookRequest {
  headers: Record<string, string>;
  body: string;
}

/** The CloudEvents attributes of an event; correlation and causation as extension attributes. */
function attributes(event: StoredEvent): Record<string, string> {
  return {
    specversion: '1.0',
    id: event.id,
    type: event.type,
    source: event.source,
    subject: event.subject,
    time: event.time,
    correlationid: event.correlationId,
    ...(event.causationId ? { causationid: event.causationId } : {}),
  };
}

/**
 * The signed HTTP request of one delivery. Binary mode: the attributes as `ce-*` headers and the
 * event's data as the JSON body. Structured mode: the whole event as one
 * `application/cloudevents+json` document. Either way the signature covers the exact body sent.
 */
export function webhookRequest(
  event: StoredEvent,
  mode: ContentMode,
  signing: { secret: string; webhookId: string; timestamp: number },
): WebhookRequest {
  const attrs = attributes(event);
  let body: string;
  const headers: Record<string, string> = {};
  if (mode === 'binary') {
    body = JSON.stringify(event.data);
    for (const [name, value] of Object.entries(attrs)) headers[`ce-${name}`] = value;
    headers['content-type'] = 'application/json; charset=utf-8';
  } else {
    body = JSON.stringify({ ...attrs, datacontenttype: 'application/json', data: event.data });
    headers['content-type'] = 'application/cloudevents+json; charset=utf-8';
  }
  const signature = sign(signing.secret, signing.webhookId, signing.timestamp, body);
  return { headers: { ...headers, ...signature }, body };
}
