import type { AuthUser, DomainProblem } from '@casebridge/common';
import { OPEN_CASE_STATUSES } from '@casebridge/contracts';
import type { CaseStatus, Priority } from '@casebridge/contracts';
import { staleVersion } from '../cases/cases.errors';
import { PriorityErrorCode, priorityErrors } from './priority.errors';

/** What a re-triage decides on: the case as it stands. */
export interface CaseUnderRetriage {
  status: CaseStatus;
  priority: Priority;
  version: number;
}

/**
 * Why a case cannot be re-triaged to `wanted` (null: it can), checked in the order a client
 * fixes them: a stale version first (read again), then a case no longer open, then a priority
 * that is already the one asked for.
 */
export function priorityChangeRefusal(
  c: CaseUnderRetriage,
  wanted: Priority,
  expectedVersion: number | undefined,
): DomainProblem | null {
  const stale = staleVersion(expectedVersion, c.version);
  if (stale) return stale;
  if (!OPEN_CASE_STATUSES.includes(c.status)) {
    return priorityErrors.problem(
      PriorityErrorCode.CaseNotOpen,
      `A ${c.status} case is no longer open: only open cases (${OPEN_CASE_STATUSES.join(', ')}) are re-triaged.`,
      { caseStatus: c.status },
    );
  }
  if (c.priority === wanted) {
    return priorityErrors.problem(
      PriorityErrorCode.Unchanged,
      `The case's priority is ${wanted} already.`,
      { priority: c.priority },
    );
  }
  return null;
}

/**
 * The role a re-triage is recorded under: consul when the caller is a consul of the holding
 * consulate, else intake officer (the only other role the route admits, for any case).
 */
export function retriageRole(
  user: AuthUser,
  consulateId: string | null,
): 'consul' | 'intake_officer' {
  return user.roles.includes('consul') && consulateId !== null && consulateId === user.consulateId
    ? 'consul'
    : 'intake_officer';
}
