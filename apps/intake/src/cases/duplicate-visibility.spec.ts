import type { AuthUser } from '@casebridge/common';
import { earlierCaseIds, visibleDuplicates } from './duplicate-visibility';

const officer: AuthUser = { sub: 'io-1', roles: ['intake_officer'], consulateId: null };
const moscow: AuthUser = { sub: 'cw-1', roles: ['caseworker'], consulateId: 'RU-MOW' };
const integration: AuthUser = { sub: 'partner', roles: ['integration'], consulateId: null };

const later = { id: 'case-2', possibleDuplicateOf: 'case-1' };
const unflagged = { id: 'case-3', possibleDuplicateOf: null };

describe('possibleDuplicateOf visibility', () => {
  it('asks only for the earlier cases that are named, once each', () => {
    expect(
      earlierCaseIds([later, unflagged, { id: 'case-4', possibleDuplicateOf: 'case-1' }]),
    ).toEqual(['case-1']);
    expect(earlierCaseIds([unflagged])).toEqual([]);
  });

  it('shows an intake officer every earlier case', () => {
    const holders = new Map([['case-1', null]]);
    expect(visibleDuplicates(officer, [later, unflagged], holders)).toEqual(
      new Map([['case-2', 'case-1']]),
    );
  });

  it('shows consular staff the earlier case only when their consulate holds it', () => {
    expect(visibleDuplicates(moscow, [later], new Map([['case-1', 'RU-MOW']]))).toEqual(
      new Map([['case-2', 'case-1']]),
    );
    expect(visibleDuplicates(moscow, [later], new Map([['case-1', 'KZ-ALA']])).size).toBe(0);
    expect(visibleDuplicates(moscow, [later], new Map([['case-1', null]])).size).toBe(0);
  });

  it('never shows it to an integration', () => {
    expect(visibleDuplicates(integration, [later], new Map([['case-1', null]])).size).toBe(0);
  });

  it('hides an earlier case that no longer exists', () => {
    expect(visibleDuplicates(officer, [later], new Map()).size).toBe(0);
  });
});
