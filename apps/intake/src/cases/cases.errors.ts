import { DomainProblem, errorCatalogue } from '@casebridge/common';

/** Every error the case routes raise on purpose (field errors stay ValidationProblem). */
export enum CaseErrorCode {
  NotFound = 'case_not_found',
  IdempotencyKeyReused = 'idempotency_key_reused',
  StaleVersion = 'stale_version',
  InvalidTransition = 'invalid_transition',
  NotAPossibleDuplicate = 'not_a_possible_duplicate',
  DuplicateAlreadyDecided = 'duplicate_already_decided',
  PersonalDataErased = 'personal_data_erased',
  LegalHold = 'legal_hold',
}

export const caseErrors = errorCatalogue<CaseErrorCode>({
  [CaseErrorCode.NotFound]: { status: 404, title: 'Not found' },
  [CaseErrorCode.IdempotencyKeyReused]: { status: 409, title: 'Conflict' },
  [CaseErrorCode.StaleVersion]: { status: 409, title: 'Conflict' },
  [CaseErrorCode.InvalidTransition]: { status: 409, title: 'Conflict' },
  [CaseErrorCode.NotAPossibleDuplicate]: { status: 409, title: 'Conflict' },
  [CaseErrorCode.DuplicateAlreadyDecided]: { status: 409, title: 'Conflict' },
  [CaseErrorCode.PersonalDataErased]: { status: 409, title: 'Conflict' },
  [CaseErrorCode.LegalHold]: { status: 409, title: 'Conflict' },
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

/**
 * 409 for a write of personal data (a note, a comment) on a case whose personal data is erased:
 * its key is destroyed, so nothing could be kept encrypted under it. Writes without personal
 * data (a transition without comment, a re-triage) still work.
 */
export function personalDataErased(erasedAt: Date | null): DomainProblem {
  return caseErrors.problem(
    CaseErrorCode.PersonalDataErased,
    `The personal data of this case ${erasedAt ? `was erased on ${erasedAt.toISOString()}` : 'is being erased'}: it takes no further personal data (notes, comments).`,
    { personalDataErasedAt: erasedAt?.toISOString() ?? null },
  );
}

/** A case's cipher for a write; its key destroyed (an erasure under way): 409, not 500. */
export async function cipherForWrite<T>(load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (error) {
    if (error instanceof Error && error.name === 'CaseKeyUnavailableError')
      throw personalDataErased(null);
    throw error;
  }
}
