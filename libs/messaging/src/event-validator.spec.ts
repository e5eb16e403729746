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

  const reprioritised = (over: Record<string, unknown> = {}) => ({
    caseId: randomUUID(),
    hostCountry: 'RU',
    from: 'normal',
    to: 'urgent',
    reason: 'new_risk_information',
    at: '2026-03-01T10:00:00.000Z',
    actor: { type: 'user', id: 'consul-ru-mow', role: 'consul' },
    version: 3,
    ...over,
  });

  it('take a re-triage with its reason code, never free text nor fields outside the contract', () => {
    expect(eventSchemaErrors(EventTypes.CasePriorityChanged, reprioritised())).toEqual([]);
    expect(
      eventSchemaErrors(
        EventTypes.CasePriorityChanged,
        reprioritised({ reason: 'The employer threatened her' }),
      ),
    ).toEqual(['/reason must be equal to one of the allowed values']);
    expect(
      eventSchemaErrors(EventTypes.CasePriorityChanged, reprioritised({ to: 'critical' })),
    ).toEqual(['/to must be equal to one of the allowed values']);
    expect(
      eventSchemaErrors(EventTypes.CasePriorityChanged, reprioritised({ comment: 'call her' })),
    ).toEqual(['/ must NOT have additional properties']);
    const { version: _version, ...withoutVersion } = reprioritised();
    expect(eventSchemaErrors(EventTypes.CasePriorityChanged, withoutVersion)).toEqual([
      "/ must have required property 'version'",
    ]);
  });
});
