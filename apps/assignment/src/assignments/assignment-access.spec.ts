import type { AuthUser } from '@casebridge/common';
import { canManageAssignment, canSeeAssignment } from './assignment-access';

const user = (roles: AuthUser['roles'], consulateId: string | null = null): AuthUser => ({
  sub: 'u1',
  roles,
  consulateId,
});

describe('assignment access', () => {
  it.each<[string, AuthUser, boolean, boolean]>([
    ['admin', user(['admin']), true, true],
    ['intake officer', user(['intake_officer']), true, false],
    ['consul of the holding office', user(['consul'], 'RU-MOW'), true, true],
    ['consul of another office', user(['consul'], 'RU-SPB'), false, false],
    ['caseworker of the holding office', user(['caseworker'], 'RU-MOW'), true, false],
    ['caseworker of another office', user(['caseworker'], 'KZ-ALA'), false, false],
    ['manager', user(['manager']), false, false],
    ['integration', user(['integration']), false, false],
  ])('%s: sees %s, manages %s', (_who, u, sees, manages) => {
    expect(canSeeAssignment(u, 'RU-MOW')).toBe(sees);
    expect(canManageAssignment(u, 'RU-MOW')).toBe(manages);
  });
});
