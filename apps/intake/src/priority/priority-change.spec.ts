import { toProblem } from '@casebridge/common';
import type { AuthUser } from '@casebridge/common';
import { CASE_STATUSES, OPEN_CASE_STATUSES } from '@casebridge/contracts';
import { CaseUnderRetriage, priorityChangeRefusal, retriageRole } from './priority-change';

const open: CaseUnderRetriage = { status: 'in_progress', priority: 'normal', version: 4 };
const code = (c: CaseUnderRetriage, wanted: 'urgent' | 'high' | 'normal', version?: number) => {
  const refusal = priorityChangeRefusal(c, wanted, version);
  return refusal ? toProblem(refusal) : null;
};

describe('re-triage rules', () => {
  it('lets an open case change to another priority, with or without the version read', () => {
    expect(code(open, 'urgent')).toBeNull();
    expect(code(open, 'high', 4)).toBeNull();
  });

  it('refuses a stale version before anything else, naming the current one', () => {
    expect(code({ ...open, status: 'closed', priority: 'urgent' }, 'urgent', 3)).toMatchObject({
      status: 409,
      code: 'stale_version',
      currentVersion: 4,
    });
  });

  it('re-triages open cases only, and says why not', () => {
    for (const status of CASE_STATUSES) {
      const problem = code({ ...open, status }, 'urgent');
      if (OPEN_CASE_STATUSES.includes(status)) expect(problem).toBeNull();
      else
        expect(problem).toMatchObject({
          status: 409,
          code: 'case_not_open',
          caseStatus: status,
          detail: expect.stringContaining(`A ${status} case is no longer open`) as string,
        });
    }
  });

  it('refuses the priority the case has already', () => {
    expect(code(open, 'normal', 4)).toMatchObject({
      status: 409,
      code: 'priority_unchanged',
      priority: 'normal',
    });
  });

  it('records a consul of the holding consulate as consul, anyone else the route admits as intake officer', () => {
    const user = (roles: string[], consulateId: string | null = null) =>
      ({ sub: 's', roles, consulateId }) as unknown as AuthUser;
    expect(retriageRole(user(['consul'], 'RU-MOW'), 'RU-MOW')).toBe('consul');
    expect(retriageRole(user(['intake_officer']), 'RU-MOW')).toBe('intake_officer');
    expect(retriageRole(user(['intake_officer']), null)).toBe('intake_officer');
    expect(retriageRole(user(['intake_officer', 'consul'], 'KZ-ALA'), 'RU-MOW')).toBe(
      'intake_officer',
    );
  });
});
