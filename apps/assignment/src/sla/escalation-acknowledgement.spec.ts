import type { AuthUser } from '@casebridge/common';
import {
  canAcknowledge,
  parseBreachId,
  repeatedAcknowledgement,
} from './escalation-acknowledgement';

const user = (
  roles: AuthUser['roles'],
  consulateId: string | null = null,
  sub = 'u1',
): AuthUser => ({ sub, roles, consulateId });

describe('who may acknowledge an escalation', () => {
  it.each<[string, AuthUser, boolean]>([
    ['admin', user(['admin']), true],
    ['consul of the office holding the case now', user(['consul'], 'RU-MOW'), true],
    ['consul of another office', user(['consul'], 'RU-SPB'), false],
    ['consul without an office', user(['consul']), false],
    ['caseworker of the holding office', user(['caseworker'], 'RU-MOW'), false],
    ['manager', user(['manager']), false],
    ['intake officer', user(['intake_officer']), false],
    ['integration', user(['integration']), false],
  ])('%s: %s', (_who, u, allowed) => {
    expect(canAcknowledge(u, 'RU-MOW')).toBe(allowed);
  });
});

describe('acknowledging an escalation a second time', () => {
  const first = { actorId: 'consul-ru-mow', reason: 'workload' as const };

  it('is a retry for the same person with the same reason', () => {
    expect(
      repeatedAcknowledgement(first, user(['consul'], 'RU-MOW', 'consul-ru-mow'), 'workload'),
    ).toBe('replay');
  });

  it('is a conflict for the same person with another reason: the reason is not rewritten', () => {
    expect(
      repeatedAcknowledgement(first, user(['consul'], 'RU-MOW', 'consul-ru-mow'), 'other'),
    ).toBe('conflict');
  });

  it('is a conflict for anyone else, even with the same reason', () => {
    expect(repeatedAcknowledgement(first, user(['consul'], 'RU-MOW', 'deputy'), 'workload')).toBe(
      'conflict',
    );
    expect(repeatedAcknowledgement(first, user(['admin'], null, 'admin-1'), 'workload')).toBe(
      'conflict',
    );
  });
});

describe('escalation ids in a path', () => {
  it.each(['1', '1042', '9223372036854775807'])('accepts %s', (raw) => {
    expect(parseBreachId(raw)).toBe(raw);
  });

  it.each([
    '0',
    '01',
    '-1',
    '+1',
    ' 1',
    '1.0',
    '1e3',
    '0x10',
    'abc',
    '',
    '9223372036854775808',
    '99999999999999999999',
    '١٢',
  ])('refuses %p', (raw) => {
    expect(parseBreachId(raw)).toBeNull();
  });
});
