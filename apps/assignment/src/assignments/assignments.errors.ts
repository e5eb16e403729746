import { DomainProblem, errorCatalogue } from '@casebridge/common';

/**
 * Every error the assignment routes raise themselves, with its problem+json status and title.
 * A consulate or caseworker named in a request that does not exist is the directory's error
 * (consulate_not_found, caseworker_not_found: DirectoryService raises them).
 */
export enum AssignmentErrorCode {
  NotFound = 'assignment_not_found',
  OutsideConsulate = 'outside_consulate',
  CaseNotOpen = 'case_not_open',
  AlreadyAssigned = 'already_assigned',
  CaseworkerInactive = 'caseworker_inactive',
  CaseworkerAtCapacity = 'caseworker_at_capacity',
  SameConsulate = 'same_consulate',
  ConsulateInactive = 'consulate_inactive',
  StaffNotLinked = 'staff_not_linked',
  OfficeQueueForConsuls = 'office_queue_for_consuls',
  HeldByAnother = 'case_held_by_another',
  LanguageMismatch = 'language_mismatch',
  IdempotencyKeyReused = 'idempotency_key_reused',
}

export const assignmentErrors = errorCatalogue<AssignmentErrorCode>({
  [AssignmentErrorCode.NotFound]: { status: 404, title: 'Not found' },
  [AssignmentErrorCode.OutsideConsulate]: { status: 403, title: 'Forbidden' },
  [AssignmentErrorCode.CaseNotOpen]: { status: 409, title: 'Conflict' },
  [AssignmentErrorCode.AlreadyAssigned]: { status: 409, title: 'Conflict' },
  [AssignmentErrorCode.CaseworkerInactive]: { status: 409, title: 'Conflict' },
  [AssignmentErrorCode.CaseworkerAtCapacity]: { status: 409, title: 'Conflict' },
  [AssignmentErrorCode.SameConsulate]: { status: 409, title: 'Conflict' },
  [AssignmentErrorCode.ConsulateInactive]: { status: 409, title: 'Conflict' },
  [AssignmentErrorCode.StaffNotLinked]: { status: 403, title: 'Forbidden' },
  [AssignmentErrorCode.OfficeQueueForConsuls]: { status: 403, title: 'Forbidden' },
  [AssignmentErrorCode.HeldByAnother]: { status: 409, title: 'Conflict' },
  [AssignmentErrorCode.LanguageMismatch]: { status: 409, title: 'Conflict' },
  [AssignmentErrorCode.IdempotencyKeyReused]: { status: 409, title: 'Conflict' },
});

/** Not routed yet, or outside the caller's scope: the two look the same to the caller. */
export function assignmentNotFound(): DomainProblem {
  return assignmentErrors.problem(
    AssignmentErrorCode.NotFound,
    'No assignment for this case exists in your scope.',
  );
}
