import type { AuthUser } from '@casebridge/common';
import {
  actingRole,
  canAccessCase,
  casePartiesOf,
  consularScope,
  roleActingAs,
} from './case-access';

const officer: AuthUser = { sub: 'io-1', roles: ['intake_officer'], consulateId: null };
const caseworker: AuthUser = { sub: 'cw-1', roles: ['caseworker'], consulateId: 'RU-MOW' };
const consul: AuthUser = { sub: 'c-1', roles: ['caseworker', 'consul'], consulateId: 'RU-MOW' };
const unlinked: AuthUser = { sub: 'cw-2', roles: ['caseworker'], consulateId: null };

describe('case access', () => {
  it('lets intake officers read every case, assigned or not', () => {
    expect(canAccessCase(officer, null)).toBe(true);
    expect(canAccessCase(officer, 'KZ-ALA')).toBe(true);
    expect(consularScope(officer)).toBeNull();
  });

  it('lets consular staff read only the cases their consulate holds', () => {
    expect(canAccessCase(caseworker, 'RU-MOW')).toBe(true);
    expect(canAccessCase(caseworker, 'KZ-ALA')).toBe(false);
    expect(canAccessCase(caseworker, null)).toBe(false);
    expect(consularScope(caseworker)).toBe('RU-MOW');
  });

  it('gives staff without a consulate an empty scope', () => {
    expect(canAccessCase(unlinked, null)).toBe(false);
    expect(consularScope(unlinked)).toBe('-');
  });

  it('records a consul who is also a caseworker as the consul', () => {
    expect(actingRole(consul)).toBe('consul');
    expect(actingRole(caseworker)).toBe('caseworker');
  });

  it('makes intake officers the intake desk of every case, consular staff the holders of their own', () => {
    expect(casePartiesOf(officer, null)).toEqual(['intake']);
    expect(casePartiesOf(officer, 'RU-MOW')).toEqual(['intake']);
    expect(casePartiesOf(caseworker, 'RU-MOW')).toEqual(['holding_consulate']);
    expect(casePartiesOf(caseworker, 'KZ-ALA')).toEqual([]);
    expect(casePartiesOf(caseworker, null)).toEqual([]);
    expect(casePartiesOf(unlinked, null)).toEqual([]);
    const both: AuthUser = {
      sub: 'x',
      roles: ['intake_officer', 'caseworker'],
      consulateId: 'RU-MOW',
    };
    expect(casePartiesOf(both, 'RU-MOW')).toEqual(['intake', 'holding_consulate']);
    expect(casePartiesOf(both, 'KZ-ALA')).toEqual(['intake']);
  });

  it('records the role of the part the caller acted in', () => {
    const both: AuthUser = {
      sub: 'x',
      roles: ['caseworker', 'intake_officer'],
      consulateId: 'RU-MOW',
    };
    expect(roleActingAs(both, 'intake')).toBe('intake_officer');
    expect(roleActingAs(both, 'holding_consulate')).toBe('caseworker');
    expect(roleActingAs(consul, 'holding_consulate')).toBe('consul');
    expect(roleActingAs(officer, 'intake')).toBe('intake_officer');
  });
});
