import type { CasebridgeEvent, EventType } from '@casebridge/contracts';

/** Which events a subscription receives. */
export interface SubscriptionFilter {
  eventTypes: readonly EventType[];
  /** Only events of cases in this host country (ISO 3166-1 alpha-2). */
  hostCountry: string | null;
  /** Only events of cases this consular office holds. */
  consulateId: string | null;
  /** When the subscription was registered: it receives the events that happened since. */
  createdAt: Date;
}

/** The facts of an event a filter looks at. */
export interface EventFacts {
  type: EventType;
  /** When the fact happened (the event's `time`). */
  time: Date;
  hostCountry: string | null;
  /**
   * The consulate the event names (case.assigned, case.sla-breached), else the one the case was
   * last assigned to as the dispatcher saw it (null when it has seen no assignment).
   */
  consulateId: string | null;
}

export function factsOf(event: CasebridgeEvent, currentConsulate: string | null): EventFacts {
  const data = event.data as { hostCountry?: string; consulateId?: string };
  return {
    type: event.type,
    time: new Date(event.time),
    hostCountry: data.hostCountry ?? null,
    consulateId: data.consulateId ?? currentConsulate,
  };
}

/**
 * Whether a subscription receives an event: it happened after the subscription was registered
 * (events of the past, read again from the topics, are not sent), its type is one subscribed
 * to, and each filter set matches. An event that does not tell (no host country on an SLA breach, a status change of a
 * case the dispatcher has not seen assigned) does not match a filter on it.
 */
export function matches(filter: SubscriptionFilter, facts: EventFacts): boolean {
  if (facts.time.getTime() < filter.createdAt.getTime()) return false;
  if (!filter.eventTypes.includes(facts.type)) return false;
  if (filter.hostCountry !== null && facts.hostCountry !== filter.hostCountry) return false;
  if (filter.consulateId !== null && facts.consulateId !== filter.consulateId) return false;
  return true;
}
