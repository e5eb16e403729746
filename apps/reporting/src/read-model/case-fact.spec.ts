import fc from 'fast-check';
import { EventTypes } from '@casebridge/contracts';
import type {
  CaseAssignedV1,
  CasePriorityChangedV1,
  CaseStatusChangedV1,
  CaseSubmittedV1,
} from '@casebridge/contracts';
import { AnyCasebridgeEvent, CaseFact, emptyFact, mergeEvent } from './case-fact';

const CASE = '6f1c2d3e-4a5b-4c6d-8e7f-901234567890';
let sequence = 0;

function envelope<T extends AnyCasebridgeEvent['type']>(type: T, time: string) {
  sequence += 1;
  return {
    id: `00000000-0000-4000-8000-${String(sequence).padStart(12, '0')}`,
    type,
    source: '/test',
    subject: CASE,
    time,
    correlationId: 'test',
  };
}

function submitted(overrides: Partial<CaseSubmittedV1> = {}): AnyCasebridgeEvent {
  return {
    ...envelope(EventTypes.CaseSubmitted, '2026-03-01T10:00:00.000Z'),
    data: {
      caseId: CASE,
      reference: 'CB-2026-000001',
      hostCountry: 'RU',
      hostCity: 'Moscow',
      category: 'unpaid_wages',
      priority: 'high',
      riskIndicators: ['withholding_of_wages', 'deception'],
      channel: 'hotline',
      preferredLanguage: 'uz',
      submittedAt: '2026-03-01T10:00:00.000Z',
      amountClaimed: { amount: 1850.5, currency: 'RUB' },
      ...overrides,
    },
  };
}

function status(
  from: CaseStatusChangedV1['from'],
  to: CaseStatusChangedV1['to'],
  version: number,
  at: string,
  outcome?: CaseStatusChangedV1['outcome'],
): AnyCasebridgeEvent {
  return {
    ...envelope(EventTypes.CaseStatusChanged, at),
    data: {
      caseId: CASE,
      hostCountry: 'RU',
      from,
      to,
      at,
      version,
      actor: { type: 'user', id: 'cw-1' },
      ...(outcome ? { outcome } : {}),
    },
  };
}

function reprioritised(
  from: CasePriorityChangedV1['from'],
  to: CasePriorityChangedV1['to'],
  version: number,
  at: string,
): AnyCasebridgeEvent {
  return {
    ...envelope(EventTypes.CasePriorityChanged, at),
    data: {
      caseId: CASE,
      hostCountry: 'RU',
      from,
      to,
      reason: 'new_risk_information',
      at,
      actor: { type: 'user', id: 'consul-1', role: 'consul' },
      version,
    },
  };
}

function assigned(
  sequenceNo: number,
  consulateId: string,
  at: string,
  caseworkerId: string | null = 'cw-1',
): AnyCasebridgeEvent {
  const data: CaseAssignedV1 = {
    caseId: CASE,
    hostCountry: 'RU',
    consulateId,
    caseworkerId,
    assignedAt: at,
    reason: sequenceNo === 1 ? 'auto' : 'transferred',
    sequence: sequenceNo,
  };
  return { ...envelope(EventTypes.CaseAssigned, at), data };
}

function breached(stage: 'acceptance' | 'resolution', at: string): AnyCasebridgeEvent {
  return {
    ...envelope(EventTypes.CaseSlaBreached, at),
    data: {
      caseId: CASE,
      consulateId: 'RU-MOW',
      caseworkerId: 'cw-1',
      stage,
      dueAt: at,
      breachedAt: at,
    },
  };
}

function duplicateDecided(
  decision: 'confirmed' | 'dismissed',
  version: number,
  at: string,
): AnyCasebridgeEvent {
  return {
    ...envelope(EventTypes.CaseDuplicateDecided, at),
    data: {
      caseId: CASE,
      hostCountry: 'RU',
      duplicateOf: '0a1b2c3d-4e5f-4a6b-8c7d-8e9f0a1b2c3d',
      decision,
      at,
      actor: { type: 'user', id: 'officer-1', role: 'intake_officer' },
      version,
    },
  };
}

const fold = (events: AnyCasebridgeEvent[]): CaseFact => events.reduce(mergeEvent, emptyFact(CASE));

/**
 * A full life: assigned, re-triaged, started, paused, transferred, re-triaged again, resolved,
 * reopened, resolved again, closed. Priority and status changes share the case's versions.
 */
function fullLife(): AnyCasebridgeEvent[] {
  return [
    submitted(),
    assigned(1, 'RU-MOW', '2026-03-01T12:00:00.000Z'),
    status('submitted', 'assigned', 2, '2026-03-01T12:00:01.000Z'),
    reprioritised('high', 'urgent', 3, '2026-03-01T15:00:00.000Z'),
    breached('acceptance', '2026-03-02T12:00:00.000Z'),
    status('assigned', 'in_progress', 4, '2026-03-03T09:00:00.000Z'),
    status('in_progress', 'awaiting_third_party', 5, '2026-03-04T09:00:00.000Z'),
    assigned(2, 'RU-LED', '2026-03-05T09:00:00.000Z', null),
    reprioritised('urgent', 'normal', 6, '2026-03-05T10:00:00.000Z'),
    status('awaiting_third_party', 'in_progress', 7, '2026-03-06T09:00:00.000Z'),
    status('in_progress', 'resolved', 8, '2026-03-10T09:00:00.000Z', {
      type: 'wages_recovered',
      amountRecovered: { amount: 900, currency: 'RUB' },
    }),
    status('resolved', 'in_progress', 9, '2026-03-12T09:00:00.000Z'),
    breached('resolution', '2026-03-13T09:00:00.000Z'),
    status('in_progress', 'resolved', 10, '2026-03-20T09:00:00.000Z', {
      type: 'compensation_paid',
      amountRecovered: { amount: 1200.1, currency: 'RUB' },
    }),
    status('resolved', 'closed', 11, '2026-03-21T09:00:00.000Z'),
  ];
}

describe('case fact merge', () => {
  it('takes classifications and the claimed amount from the submitted event', () => {
    const fact = fold([submitted()]);
    expect(fact).toMatchObject({
      hostCountry: 'RU',
      hostCity: 'Moscow',
      category: 'unpaid_wages',
      priority: 'high',
      riskIndicators: ['deception', 'withholding_of_wages'],
      channel: 'hotline',
      submittedAt: new Date('2026-03-01T10:00:00.000Z'),
      amountClaimed: { amount: '1850.50', currency: 'RUB' },
      status: 'submitted',
    });
  });

  it('follows a case through its whole life to the figures reports need', () => {
    const fact = fold(fullLife());
    expect(fact).toMatchObject({
      status: 'closed',
      statusVersion: 11,
      priority: 'normal',
      priorityVersion: 6,
      firstAssignedAt: new Date('2026-03-01T12:00:00.000Z'),
      firstActionAt: new Date('2026-03-03T09:00:00.000Z'),
      resolvedAt: new Date('2026-03-20T09:00:00.000Z'),
      outcomeType: 'compensation_paid',
      amountRecovered: { amount: '1200.10', currency: 'RUB' },
      consulateId: 'RU-LED',
      caseworkerId: null,
      assignmentSequence: 2,
      slaAcceptanceBreaches: 1,
      slaResolutionBreaches: 1,
      lastEventAt: new Date('2026-03-21T09:00:00.000Z'),
    });
  });

  it('ignores a status change older than the one applied', () => {
    const fact = fold([
      submitted(),
      status('in_progress', 'resolved', 6, '2026-03-10T09:00:00.000Z'),
      status('assigned', 'in_progress', 3, '2026-03-03T09:00:00.000Z'),
    ]);
    expect(fact.status).toBe('resolved');
    expect(fact.statusVersion).toBe(6);
    // …but still learns when work first started.
    expect(fact.firstActionAt).toEqual(new Date('2026-03-03T09:00:00.000Z'));
  });

  it('takes the priority of the newest re-triage; an older one arriving later changes nothing', () => {
    const newer = reprioritised('urgent', 'normal', 6, '2026-03-05T10:00:00.000Z');
    const older = reprioritised('high', 'urgent', 3, '2026-03-01T15:00:00.000Z');
    expect(fold([submitted(), older])).toMatchObject({ priority: 'urgent', priorityVersion: 3 });
    expect(fold([submitted(), older, newer])).toMatchObject({
      priority: 'normal',
      priorityVersion: 6,
    });
    expect(fold([submitted(), newer, older])).toMatchObject({
      priority: 'normal',
      priorityVersion: 6,
    });
  });

  it('keeps a re-triage that arrived before the submitted event: the submitted priority does not override it', () => {
    const early = fold([reprioritised('high', 'urgent', 2, '2026-03-01T11:00:00.000Z')]);
    expect(early).toMatchObject({ priority: 'urgent', priorityVersion: 2, submittedAt: null });
    expect(mergeEvent(early, submitted({ priority: 'high' }))).toMatchObject({
      priority: 'urgent',
      priorityVersion: 2,
      category: 'unpaid_wages',
    });
    // A submitted event replayed after a re-triage changes nothing either.
    const retriaged = fold([
      submitted(),
      reprioritised('high', 'normal', 3, '2026-03-02T09:00:00.000Z'),
    ]);
    expect(mergeEvent(retriaged, submitted())).toMatchObject({ priority: 'normal' });
  });

  it('keeps the priority of a re-triage apart from the status: a status change of any version leaves it', () => {
    const fact = fold([
      submitted(),
      reprioritised('high', 'urgent', 3, '2026-03-01T15:00:00.000Z'),
      status('assigned', 'in_progress', 4, '2026-03-03T09:00:00.000Z'),
    ]);
    expect(fact).toMatchObject({ priority: 'urgent', status: 'in_progress', statusVersion: 4 });
  });

  it('ignores an assignment older than the one applied, but keeps the earliest assignment time', () => {
    const fact = fold([
      assigned(2, 'RU-LED', '2026-03-05T09:00:00.000Z'),
      assigned(1, 'RU-MOW', '2026-03-01T12:00:00.000Z'),
    ]);
    expect(fact.consulateId).toBe('RU-LED');
    expect(fact.firstAssignedAt).toEqual(new Date('2026-03-01T12:00:00.000Z'));
  });

  it('clears the resolution when a case is reopened, whatever the arrival order', () => {
    const resolve = status('in_progress', 'resolved', 6, '2026-03-10T09:00:00.000Z', {
      type: 'repatriated',
    });
    const reopen = status('resolved', 'in_progress', 7, '2026-03-12T09:00:00.000Z');
    for (const events of [
      [submitted(), resolve, reopen],
      [submitted(), reopen, resolve],
    ]) {
      expect(fold(events)).toMatchObject({
        status: 'in_progress',
        resolvedAt: null,
        outcomeType: null,
        amountRecovered: null,
      });
    }
  });

  it('keeps the outcome when a resolved case is closed', () => {
    const fact = fold([
      submitted(),
      status('in_progress', 'resolved', 6, '2026-03-10T09:00:00.000Z', {
        type: 'documents_returned',
      }),
      status('resolved', 'closed', 7, '2026-03-11T09:00:00.000Z'),
    ]);
    expect(fact).toMatchObject({ status: 'closed', outcomeType: 'documents_returned' });
  });

  it('keeps what arrived before the submitted event and completes the case when it comes', () => {
    const early = fold([
      assigned(1, 'RU-MOW', '2026-03-01T12:00:00.000Z'),
      status('submitted', 'assigned', 2, '2026-03-01T12:00:01.000Z'),
    ]);
    expect(early).toMatchObject({
      submittedAt: null,
      category: null,
      hostCountry: 'RU',
      status: 'assigned',
      consulateId: 'RU-MOW',
    });
    expect(mergeEvent(early, submitted())).toMatchObject({
      status: 'assigned',
      category: 'unpaid_wages',
      consulateId: 'RU-MOW',
    });
  });

  it('gives the same fact for every order in which the events of a case arrive', () => {
    const events = fullLife();
    const expected = fold(events);
    fc.assert(
      fc.property(
        fc.shuffledSubarray(events, { minLength: events.length, maxLength: events.length }),
        (shuffled) => {
          expect(fold(shuffled)).toEqual(expected);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('marks a confirmed duplicate, whatever the order, and ignores a dismissal', () => {
    const confirmed = [
      submitted(),
      assigned(1, 'RU-MOW', '2026-03-01T12:00:00.000Z'),
      status('assigned', 'closed', 3, '2026-03-02T09:00:00.000Z'),
      duplicateDecided('confirmed', 3, '2026-03-02T09:00:00.000Z'),
    ];
    expect(fold(confirmed).duplicateOf).toBe('0a1b2c3d-4e5f-4a6b-8c7d-8e9f0a1b2c3d');
    expect(fold([...confirmed].reverse())).toEqual(fold(confirmed));
    expect(
      fold([submitted(), duplicateDecided('dismissed', 2, '2026-03-02T09:00:00.000Z')]).duplicateOf,
    ).toBeNull();
  });
});
