import type { AuthUser } from '@casebridge/common';
import type { CaseParty } from './lifecycle';

/**
 * Who may see a case file: intake officers see all; consular staff only cases currently held by
 * their consulate. Everyone else is refused earlier (403) by the route's roles.
 */
export function canAccessCase(user: AuthUser, consulateId: string | null): boolean {
  if (user.roles.includes('intake_officer')) return true;
  if (user.roles.includes('caseworker') || user.roles.includes('consul')) {
    return consulateId !== null && consulateId === user.consulateId;
  }
  return false;
}

/** The consulate a list is restricted to, or null for intake officers (who see every case). */
export function consularScope(user: AuthUser): string | null {
  return user.roles.includes('intake_officer') ? null : (user.consulateId ?? '-');
}

/**
 * The parts the caller plays in a case held by `consulateId` (null: not routed yet): intake
 * officers are the intake desk of every case; consular staff the holding consulate of their own.
 */
export function casePartiesOf(user: AuthUser, consulateId: string | null): CaseParty[] {
  const parties: CaseParty[] = [];
  if (user.roles.includes('intake_officer')) parties.push('intake');
  if (
    (user.roles.includes('caseworker') || user.roles.includes('consul')) &&
    consulateId !== null &&
    consulateId === user.consulateId
  )
    parties.push('holding_consulate');
  return parties;
}

/** The role recorded for an action taken as `party` (consul over caseworker when both). */
export function roleActingAs(user: AuthUser, party: CaseParty): string {
  return party === 'intake' ? 'intake_officer' : actingRole(user);
}

/** The role a staff member acts in on a case (consul over caseworker when both). */
export function actingRole(user: AuthUser): string {
  return (
    user.roles.find((r) => r === 'consul') ??
    user.roles.find((r) => r === 'caseworker') ??
    user.roles[0]
  );
}
