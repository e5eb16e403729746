import type { AuthUser } from '@casebridge/common';

/**
 * Who may see a case's assignment: admins and intake officers any; consular staff only while
 * their consulate holds the case (outside it, the case does not exist for them: 404).
 */
export function canSeeAssignment(user: AuthUser, consulateId: string): boolean {
  if (user.roles.includes('admin') || user.roles.includes('intake_officer')) return true;
  return isStaffOf(user, consulateId);
}

/** Who may reassign within, or transfer out of, the consulate holding a case. */
export function canManageAssignment(user: AuthUser, consulateId: string): boolean {
  if (user.roles.includes('admin')) return true;
  return user.roles.includes('consul') && user.consulateId === consulateId;
}

/** Consular staff (caseworker or consul) of this consulate. */
export function isStaffOf(user: AuthUser, consulateId: string): boolean {
  return (
    (user.roles.includes('caseworker') || user.roles.includes('consul')) &&
    user.consulateId === consulateId
  );
}
