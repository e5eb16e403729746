import { errorCatalogue } from '@casebridge/common';

/**
 * The errors a re-triage raises on purpose besides the case errors it shares with every case
 * route (case_not_found, stale_version: cases.errors.ts). Field errors stay ValidationProblem.
 */
export enum PriorityErrorCode {
  /** The case already has the priority asked for: nothing to change, nothing to publish. */
  Unchanged = 'priority_unchanged',
  /** Only open cases are re-triaged: a resolved, closed, withdrawn or rejected one has no SLA left. */
  CaseNotOpen = 'case_not_open',
}

export const priorityErrors = errorCatalogue<PriorityErrorCode>({
  [PriorityErrorCode.Unchanged]: { status: 409, title: 'Conflict' },
  [PriorityErrorCode.CaseNotOpen]: { status: 409, title: 'Conflict' },
});
