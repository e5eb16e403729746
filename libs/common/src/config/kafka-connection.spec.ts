import { CommonEnvironment, validateEnvironment } from './environment';
import { DEV_KAFKA_PASSWORDS, kafkaAdminConnection, kafkaConnection } from './kafka-connection';

const PRODUCTION = {
  NODE_ENV: 'production',
  AUTH_JWT_SECRET: 'a-real-secret-of-at-least-thirty-two-characters',
  AUTH_JWT_ISSUER: 'https://id.example.org',
  AUTH_JWT_AUDIENCE: 'casebridge',
  KAFKA_SASL_USERNAME: 'intake',
  KAFKA_SASL_PASSWORD: 'a-real-broker-password',
};

function problemsOf(raw: Record<string, string>): string {
  try {
    validateEnvironment(CommonEnvironment, raw);
    return '';
  } catch (error) {
    return (error as Error).message;
  }
}

describe('Kafka connection settings', () => {
  it('logs in to the local broker as the service’s own development principal outside production', () => {
    const env = validateEnvironment(CommonEnvironment, {});
    expect(kafkaConnection('assignment', env)).toEqual({
      brokers: ['localhost:9092'],
      sasl: {
        mechanism: 'scram-sha-512',
        username: 'assignment',
        password: DEV_KAFKA_PASSWORDS.assignment,
      },
    });
  });

  it('takes credentials and TLS from the environment', () => {
    const env = validateEnvironment(CommonEnvironment, {
      ...PRODUCTION,
      KAFKA_BROKERS: 'k1:9093,k2:9093',
      KAFKA_SASL_MECHANISM: 'SCRAM-SHA-256',
      KAFKA_SSL: 'true',
      KAFKA_SSL_CA_FILE: __filename,
    });
    expect(kafkaConnection('intake', env)).toEqual({
      brokers: ['k1:9093', 'k2:9093'],
      sasl: { mechanism: 'scram-sha-256', username: 'intake', password: 'a-real-broker-password' },
      tls: { caFile: __filename, certFile: undefined, keyFile: undefined },
    });
  });

  it('starts in production with real credentials', () => {
    expect(problemsOf(PRODUCTION)).toBe('');
  });

  it('refuses to start in production without broker authentication', () => {
    const message = problemsOf({
      ...PRODUCTION,
      KAFKA_SASL_MECHANISM: 'none',
      KAFKA_SASL_USERNAME: '',
      KAFKA_SASL_PASSWORD: '',
    });
    expect(message).toMatch(/^Invalid environment variables:/);
    expect(message).toContain(
      'KAFKA_SASL_MECHANISM: the broker must authenticate the service in production',
    );
  });

  it('refuses to start in production with the development password or none', () => {
    expect(
      problemsOf({ ...PRODUCTION, KAFKA_SASL_PASSWORD: DEV_KAFKA_PASSWORDS.intake }),
    ).toContain('KAFKA_SASL_PASSWORD: a development password is refused in production');
    const { KAFKA_SASL_USERNAME: _u, KAFKA_SASL_PASSWORD: _p, ...withoutCredentials } = PRODUCTION;
    const message = problemsOf(withoutCredentials);
    expect(message).toContain('KAFKA_SASL_USERNAME: required in production');
    expect(message).toContain('KAFKA_SASL_PASSWORD: required in production');
    expect(message).not.toContain(DEV_KAFKA_PASSWORDS.intake);
  });

  it('lists the Kafka problems beside the other invalid variables', () => {
    const message = problemsOf({
      ...PRODUCTION,
      KAFKA_SASL_PASSWORD: DEV_KAFKA_PASSWORDS.intake,
      RATE_LIMIT_PER_MINUTE: '0',
    });
    expect(message).toContain('RATE_LIMIT_PER_MINUTE');
    expect(message).toContain('KAFKA_SASL_PASSWORD: a development password is refused');
  });

  it('refuses SASL/PLAIN without TLS in production, and TLS files without TLS anywhere', () => {
    expect(problemsOf({ ...PRODUCTION, KAFKA_SASL_MECHANISM: 'plain' })).toContain(
      'KAFKA_SASL_MECHANISM: plain sends the password in clear; needs KAFKA_SSL=true',
    );
    expect(problemsOf({ KAFKA_SSL_CA_FILE: __filename })).toContain(
      'KAFKA_SSL_CA_FILE: needs KAFKA_SSL=true',
    );
    expect(problemsOf({ KAFKA_SSL: 'true', KAFKA_SSL_CA_FILE: '/nonexistent/ca.pem' })).toContain(
      'KAFKA_SSL_CA_FILE: no such file',
    );
    expect(problemsOf({ KAFKA_SASL_MECHANISM: 'gssapi' })).toContain('KAFKA_SASL_MECHANISM');
  });

  it('gives set-up scripts the super user, and refuses its development password in production', () => {
    expect(kafkaAdminConnection({ KAFKA_BROKERS: 'localhost:19092' }).sasl).toEqual({
      mechanism: 'scram-sha-512',
      username: 'admin',
      password: DEV_KAFKA_PASSWORDS.admin,
    });
    expect(() =>
      kafkaAdminConnection({
        NODE_ENV: 'production',
        KAFKA_ADMIN_USERNAME: 'admin',
        KAFKA_ADMIN_PASSWORD: DEV_KAFKA_PASSWORDS.admin,
      }),
    ).toThrow('KAFKA_ADMIN_PASSWORD: a development password is refused in production');
  });
});
