import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

/** What ties a log line or an event to the HTTP request or event that caused it. */
export interface CorrelationContext {
  correlationId: string;
  /** The id of the event being handled, when work is caused by an event. */
  causationId?: string;
  traceparent?: string;
}

const storage = new AsyncLocalStorage<CorrelationContext>();

export function runWithCorrelation<T>(context: CorrelationContext, fn: () => T): T {
  return storage.run(context, fn);
}

export function currentCorrelation(): CorrelationContext | undefined {
  return storage.getStore();
}

/** A UUID or a W3C trace id: an opaque token, never a caller's own business key. */
const OPAQUE_ID = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[0-9a-f]{32})$/i;

/**
 * The caller's correlation id is reused only if it is a UUID or a trace id. Anything else (a
 * partner's own reference could be a passport or phone number) is replaced by a fresh UUID, so
 * no caller-chosen text reaches event headers, logs or the audit trail.
 */
export function correlationIdFrom(header: unknown): string {
  return typeof header === 'string' && OPAQUE_ID.test(header) ? header.toLowerCase() : randomUUID();
}
