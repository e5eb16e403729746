import { DomainProblem, errorCatalogue } from '@casebridge/common';

/** Every error the case routes raise on purpose (field errors stay ValidationProblem). */
export enum CaseErrorCode {
  NotFound = 'case_not_found',
  IdempotencyKeyReused = 'idempotency_key_reused',
  StaleVersion = 'stale_version',
  InvalidTransition = 'invalid_transition',
  NotAPossibleDuplicate = 'not_a_possible_duplicate',
  DuplicateAlreadyDecided = 'duplicate_already_decided',
}

export const caseErrors = errorCatalogue<CaseErrorCode>({
  [CaseErrorCode.NotFound]: { status: 404, title: 'Not found' },
  [CaseErrorCode.IdempotencyKeyReused]: { status: 409, title: 'Conflict' },
  [CaseErrorCode.StaleVersion]: { status: 409, title: 'Conflict' },
  [CaseErrorCode.InvalidTransition]: { status: 409, title: 'Conflict' },
  [CaseErrorCode.NotAPossibleDuplicate]: { status: 409, title: 'Conflict' },
  [CaseErrorCode.DuplicateAlreadyDecided]: { status: 409, title: 'Conflict' },
});

/** The one answer for a case that does not exist and a case outside the caller's scope alike. */
export function caseNotFound(): DomainProblem {
  return caseErrors.problem(CaseErrorCode.NotFound, 'No case with this id exists in your scope.');
}

/**
 * The optimistic-concurrency check every case write makes: the version the client read (body or
 * If-Match) against the case's; null when it matches or none was sent.
 */
export function staleVersion(expected: number | undefined, current: number): DomainProblem | null {
  if (expected === undefined || expected === current) return null;
  return caseErrors.problem(
    CaseErrorCode.StaleVersion,
    `The case has changed: you sent version ${expected}, it is at version ${current}. Read it again.`,
    { currentVersion: current },
  );
}
