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
