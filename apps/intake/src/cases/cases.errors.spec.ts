import { toProblem } from '@casebridge/common';
import { CaseErrorCode, caseErrors, caseNotFound, cipherForWrite } from './cases.errors';

describe('case error catalogue', () => {
  it('keeps the codes, statuses and titles clients rely on', () => {
    expect(caseErrors.specs).toEqual({
      case_not_found: { status: 404, title: 'Not found' },
      idempotency_key_reused: { status: 409, title: 'Conflict' },
      stale_version: { status: 409, title: 'Conflict' },
      invalid_transition: { status: 409, title: 'Conflict' },
      not_a_possible_duplicate: { status: 409, title: 'Conflict' },
      duplicate_already_decided: { status: 409, title: 'Conflict' },
      personal_data_erased: { status: 409, title: 'Conflict' },
      legal_hold: { status: 409, title: 'Conflict' },
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

  it('answers a write on a case whose key is destroyed with 409 personal_data_erased', async () => {
    const gone = Object.assign(new Error('no usable data key'), {
      name: 'CaseKeyUnavailableError',
    });
    const refused = await cipherForWrite(() => Promise.reject(gone)).catch((e: Error) => e);
    expect(toProblem(refused)).toMatchObject({ status: 409, code: 'personal_data_erased' });
    await expect(cipherForWrite(() => Promise.reject(new Error('db down')))).rejects.toThrow(
      'db down',
    );
  });
});
