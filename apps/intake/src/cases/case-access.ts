import type { AuthUser } from '@casebridge/common';

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

/** The role a staff member acts in on a case (consul over caseworker when both). */
export function actingRole(user: AuthUser): string {
  return (
    user.roles.find((r) => r === 'consul') ??
    user.roles.find((r) => r === 'caseworker') ??
    user.roles[0]
  );
}
