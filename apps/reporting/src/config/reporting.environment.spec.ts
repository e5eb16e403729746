import { EnvironmentError, validateEnvironment } from '@casebridge/common';
import { ReportingEnvironment } from './reporting.environment';

describe('reporting environment', () => {
  it('suppresses cells of fewer than 5 cases unless told otherwise', () => {
    expect(validateEnvironment(ReportingEnvironment, {}).REPORT_MIN_CELL_SIZE).toBe(5);
    expect(
      validateEnvironment(ReportingEnvironment, { REPORT_MIN_CELL_SIZE: '10' })
        .REPORT_MIN_CELL_SIZE,
    ).toBe(10);
    // 1 publishes every figure as it is.
    expect(
      validateEnvironment(ReportingEnvironment, { REPORT_MIN_CELL_SIZE: '1' }).REPORT_MIN_CELL_SIZE,
    ).toBe(1);
  });

  it.each(['0', '-3', '2.5', 'five', ''])(
    'refuses to start with REPORT_MIN_CELL_SIZE=%j, naming it',
    (value) => {
      expect(() =>
        validateEnvironment(ReportingEnvironment, { REPORT_MIN_CELL_SIZE: value }),
      ).toThrow(EnvironmentError);
      expect(() =>
        validateEnvironment(ReportingEnvironment, { REPORT_MIN_CELL_SIZE: value }),
      ).toThrow(/REPORT_MIN_CELL_SIZE/);
    },
  );
});
