import { EnvironmentError, validateEnvironment } from '@casebridge/common';
import { slaPolicyFrom } from '../sla/sla-policy';
import { AssignmentEnvironment } from './assignment.environment';

describe('assignment environment', () => {
  it('defaults to port 3002 and the SLA durations of SPEC.md', () => {
    const env = validateEnvironment(AssignmentEnvironment, {});
    expect(env.ASSIGNMENT_PORT).toBe(3002);
    expect(env.SLA_SCAN_INTERVAL_MS).toBe(10_000);
    expect(env.seedsDemoDirectory()).toBe(true);
    expect(slaPolicyFrom(env)).toEqual({
      acceptanceSeconds: { urgent: 4 * 3600, high: 24 * 3600, normal: 72 * 3600 },
      resolutionSeconds: { urgent: 7 * 86400, high: 30 * 86400, normal: 90 * 86400 },
    });
  });

  it('takes SLA durations in seconds from the environment, so tests can use short deadlines', () => {
    const env = validateEnvironment(AssignmentEnvironment, {
      SLA_ACCEPTANCE_NORMAL_S: '3',
      SLA_RESOLUTION_URGENT_S: '10',
      SLA_SCAN_INTERVAL_MS: '200',
      ASSIGNMENT_SEED_DEMO_DIRECTORY: 'false',
    });
    expect(slaPolicyFrom(env).acceptanceSeconds.normal).toBe(3);
    expect(slaPolicyFrom(env).resolutionSeconds.urgent).toBe(10);
    expect(env.SLA_SCAN_INTERVAL_MS).toBe(200);
    expect(env.seedsDemoDirectory()).toBe(false);
  });

  it('refuses to start on invalid values, naming each variable', () => {
    const invalid = {
      SLA_ACCEPTANCE_HIGH_S: '0',
      ASSIGNMENT_PORT: 'x',
      ASSIGNMENT_SEED_DEMO_DIRECTORY: 'perhaps',
    };
    let error: unknown;
    try {
      validateEnvironment(AssignmentEnvironment, invalid);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(EnvironmentError);
    for (const name of Object.keys(invalid)) expect((error as Error).message).toContain(name);
  });

  it('never seeds the demo directory in production unless told to', () => {
    const production = {
      NODE_ENV: 'production',
      AUTH_JWT_SECRET: 'p'.repeat(40),
      AUTH_JWT_ISSUER: 'https://id.example.org',
      AUTH_JWT_AUDIENCE: 'casebridge',
      ASSIGNMENT_DATABASE_PASSWORD: 'a-real-assignment-password',
      KAFKA_SASL_USERNAME: 'assignment',
      KAFKA_SASL_PASSWORD: 'a-real-kafka-password',
    };
    expect(validateEnvironment(AssignmentEnvironment, production).seedsDemoDirectory()).toBe(false);
    expect(
      validateEnvironment(AssignmentEnvironment, {
        ...production,
        ASSIGNMENT_SEED_DEMO_DIRECTORY: 'true',
      }).seedsDemoDirectory(),
    ).toBe(true);
  });
});
