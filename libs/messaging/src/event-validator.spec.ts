import { randomUUID } from 'node:crypto';
import { EventTypes } from '@casebridge/contracts';
import { eventSchemaErrors } from './event-validator';

describe('event schemas', () => {
  const assigned = (sequence: number) => ({
    caseId: randomUUID(),
    hostCountry: 'KZ',
    consulateId: 'KZ-ALA',
    caseworkerId: null,
    assignedAt: '2026-03-01T10:00:00.000Z',
    reason: 'auto',
    previous: null,
    sequence,
  });

  it('bound versions and sequences to what every consumer stores (32-bit integers)', () => {
    expect(eventSchemaErrors(EventTypes.CaseAssigned, assigned(1))).toEqual([]);
    expect(eventSchemaErrors(EventTypes.CaseAssigned, assigned(2_147_483_647))).toEqual([]);
    expect(eventSchemaErrors(EventTypes.CaseAssigned, assigned(2_147_483_648))).toEqual([
      '/sequence must be <= 2147483647',
    ]);
    expect(eventSchemaErrors(EventTypes.CaseAssigned, assigned(0))).toEqual([
      '/sequence must be >= 1',
    ]);
  });
});
