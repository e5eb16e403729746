import { randomUUID } from 'node:crypto';
import { CasebridgeEvent, EventTypes, type EventType } from '@casebridge/contracts';
import { factsOf, matches, type SubscriptionFilter } from './webhook-filter';

function event(type: EventType, data: Record<string, unknown>): CasebridgeEvent {
  const caseId = randomUUID();
  return {
    id: randomUUID(),
    type,
    source: '/casebridge/intake',
    subject: caseId,
    time: new Date().toISOString(),
    correlationId: randomUUID(),
    data: { caseId, ...data },
  } as unknown as CasebridgeEvent;
}

const all: SubscriptionFilter = {
  eventTypes: [EventTypes.CaseSubmitted, EventTypes.CaseAssigned, EventTypes.CaseSlaBreached],
  hostCountry: null,
  consulateId: null,
  createdAt: new Date(Date.now() - 60_000),
};

describe('webhook subscription filters', () => {
  const submittedRu = factsOf(event(EventTypes.CaseSubmitted, { hostCountry: 'RU' }), null);
  const assignedKzn = factsOf(
    event(EventTypes.CaseAssigned, { hostCountry: 'RU', consulateId: 'RU-KZN' }),
    'RU-MOW',
  );

  it('receives the subscribed types only', () => {
    expect(matches(all, submittedRu)).toBe(true);
    expect(matches({ ...all, eventTypes: [EventTypes.CaseAssigned] }, submittedRu)).toBe(false);
    const statusChange = factsOf(event(EventTypes.CaseStatusChanged, { hostCountry: 'RU' }), null);
    expect(matches(all, statusChange)).toBe(false);
  });

  it('receives the events that happened after it was registered, not earlier ones', () => {
    const old = event(EventTypes.CaseSubmitted, { hostCountry: 'RU' });
    old.time = new Date(Date.now() - 120_000).toISOString();
    expect(matches(all, factsOf(old, null))).toBe(false);
    expect(matches({ ...all, createdAt: new Date(Date.now() - 180_000) }, factsOf(old, null))).toBe(
      true,
    );
  });

  it('filters by host country', () => {
    expect(matches({ ...all, hostCountry: 'RU' }, submittedRu)).toBe(true);
    expect(matches({ ...all, hostCountry: 'KZ' }, submittedRu)).toBe(false);
    // An SLA breach may not say its host country: it does not match a host-country filter.
    const breach = factsOf(event(EventTypes.CaseSlaBreached, { consulateId: 'RU-MOW' }), null);
    expect(matches({ ...all, hostCountry: 'RU' }, breach)).toBe(false);
    expect(matches(all, breach)).toBe(true);
  });

  it('filters by consulate: the one an event names, else the case’s last assignment', () => {
    // The event's own consulate wins over the case's earlier one.
    expect(matches({ ...all, consulateId: 'RU-KZN' }, assignedKzn)).toBe(true);
    expect(matches({ ...all, consulateId: 'RU-MOW' }, assignedKzn)).toBe(false);
    const later = factsOf(event(EventTypes.CaseSubmitted, { hostCountry: 'RU' }), 'RU-KZN');
    expect(matches({ ...all, consulateId: 'RU-KZN' }, later)).toBe(true);
    expect(matches({ ...all, consulateId: 'RU-KZN' }, submittedRu)).toBe(false);
  });

  it('needs every filter set to match', () => {
    expect(matches({ ...all, hostCountry: 'RU', consulateId: 'RU-KZN' }, assignedKzn)).toBe(true);
    expect(matches({ ...all, hostCountry: 'KZ', consulateId: 'RU-KZN' }, assignedKzn)).toBe(false);
  });
});
