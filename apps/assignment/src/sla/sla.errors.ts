import { DomainProblem, errorCatalogue } from '@casebridge/common';

/**
 * Every error the escalation routes raise themselves, with its problem+json status and title.
 * An unknown consulate is the directory's consulate_not_found (DirectoryService raises it).
 */
export enum SlaErrorCode {
  OutsideConsulate = 'outside_consulate',
  EscalationNotFound = 'escalation_not_found',
  AlreadyAcknowledged = 'escalation_already_acknowledged',
}

export const slaErrors = errorCatalogue<SlaErrorCode>({
  [SlaErrorCode.OutsideConsulate]: { status: 403, title: 'Forbidden' },
  [SlaErrorCode.EscalationNotFound]: { status: 404, title: 'Not found' },
  [SlaErrorCode.AlreadyAcknowledged]: { status: 409, title: 'Conflict' },
});

/** No such escalation, or one of a case outside the caller's office: the two look the same. */
export function escalationNotFound(): DomainProblem {
  return slaErrors.problem(
    SlaErrorCode.EscalationNotFound,
    'No escalation with this id exists in your scope.',
  );
}
