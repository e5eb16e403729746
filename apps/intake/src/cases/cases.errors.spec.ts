import { toProblem } from '@casebridge/common';
import { CaseErrorCode, caseErrors, caseNotFound } from './cases.errors';

describe('case error catalogue', () => {
  it('keeps the codes, statuses and titles clients rely on', () => {
    expect(caseErrors.specs).toEqual({
      case_not_found: { status: 404, title: 'Not found' },
      idempotency_key_reused: { status: 409, title: 'Conflict' },
      stale_version: { status: 409, title: 'Conflict' },
      invalid_transition: { status: 409, title: 'Conflict' },
      not_a_possible_duplicate: { status: 409, title: 'Conflict' },
      duplicate_already_decided: { status: 409, title: 'Conflict' },
    });
  });

  it('answers a missing case and a case outside the scope with the same problem', () => {
    expect(toProblem(caseNotFound())).toEqual({
      type: 'https://casebridge.example/problems/case-not-found',
      title: 'Not found',
      status: 404,
      detail: 'No case with this id exists in your scope.',
      code: CaseErrorCode.NotFound,
    });
  });
});
