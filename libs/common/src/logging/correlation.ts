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

const SAFE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** A caller-supplied id is reused only if it is a plain token; anything else gets a fresh UUID. */
export function correlationIdFrom(header: unknown): string {
  return typeof header === 'string' && SAFE_ID.test(header) ? header : randomUUID();
}
