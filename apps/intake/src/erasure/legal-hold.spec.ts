import type { AuthUser } from '@casebridge/common';
import { canHoldCase } from './legal-hold.service';

describe('who may put a case under legal hold', () => {
  const user = (roles: AuthUser['roles'], consulateId: string | null = null): AuthUser => ({
    sub: 'u',
    roles,
    consulateId,
  });

  it('admins on any case, routed or not', () => {
    expect(canHoldCase(user(['admin']), 'RU-MOW')).toBe(true);
    expect(canHoldCase(user(['admin']), null)).toBe(true);
  });

  it('consuls only on the cases their consulate holds', () => {
    expect(canHoldCase(user(['consul'], 'RU-MOW'), 'RU-MOW')).toBe(true);
    expect(canHoldCase(user(['consul'], 'KZ-ALA'), 'RU-MOW')).toBe(false);
    expect(canHoldCase(user(['consul'], 'RU-MOW'), null)).toBe(false);
  });
});
