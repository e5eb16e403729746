import { EnvironmentError, validateEnvironment } from '@casebridge/common';
import { cidrList, ReportingEnvironment } from './reporting.environment';

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

describe('reporting environment: webhooks', () => {
  it('delivers over https only, to public addresses only, unless told otherwise', () => {
    const env = validateEnvironment(ReportingEnvironment, {});
    expect(env.WEBHOOK_ALLOW_HTTP).toBe(false);
    expect(env.WEBHOOK_ALLOWED_NETWORKS).toBe('');
    expect(env.WEBHOOK_MAX_ATTEMPTS).toBe(16);
    const dev = validateEnvironment(ReportingEnvironment, {
      WEBHOOK_ALLOW_HTTP: 'true',
      WEBHOOK_ALLOWED_NETWORKS: '127.0.0.1/32, ::1/128',
    });
    expect(dev.WEBHOOK_ALLOW_HTTP).toBe(true);
    expect(cidrList(dev.WEBHOOK_ALLOWED_NETWORKS)).toEqual(['127.0.0.1/32', '::1/128']);
  });

  it('refuses to start in production with WEBHOOK_ALLOW_HTTP=true', () => {
    expect(() =>
      validateEnvironment(ReportingEnvironment, {
        NODE_ENV: 'production',
        WEBHOOK_ALLOW_HTTP: 'true',
      }),
    ).toThrow(/WEBHOOK_ALLOW_HTTP must be false in production/);
  });

  it.each(['10.0.0.0', '10.0.0.0/33', 'localhost', '127.0.0.1/8,nope'])(
    'refuses to start with WEBHOOK_ALLOWED_NETWORKS=%j, naming it',
    (value) => {
      expect(() =>
        validateEnvironment(ReportingEnvironment, { WEBHOOK_ALLOWED_NETWORKS: value }),
      ).toThrow(/WEBHOOK_ALLOWED_NETWORKS/);
    },
  );
});
