import { errorCatalogue } from './error-catalogue';
import { toProblem } from './problem-details.filter';

enum SampleErrorCode {
  NotFound = 'sample_not_found',
  Stale = 'stale_version',
}

const sampleErrors = errorCatalogue<SampleErrorCode>({
  [SampleErrorCode.NotFound]: { status: 404, title: 'Not found' },
  [SampleErrorCode.Stale]: { status: 409, title: 'Conflict' },
});

describe('errorCatalogue', () => {
  it('turns a code into the problem+json its catalogue names, with the detail and extensions', () => {
    expect(
      toProblem(
        sampleErrors.problem(SampleErrorCode.Stale, 'Read it again.', { currentVersion: 3 }),
      ),
    ).toEqual({
      type: 'https://casebridge.example/problems/stale-version',
      title: 'Conflict',
      status: 409,
      detail: 'Read it again.',
      code: 'stale_version',
      currentVersion: 3,
    });
  });

  it('lists the codes of a status, for the API documents', () => {
    expect(sampleErrors.codesWithStatus(404)).toEqual(['sample_not_found']);
    expect(sampleErrors.codesWithStatus(500)).toEqual([]);
  });
});
