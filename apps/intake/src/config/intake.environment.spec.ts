import { validateEnvironment } from '@casebridge/common';
import {
  DEV_BLIND_INDEX_KEY,
  DEV_ENCRYPTION_KEY,
  IntakeEnvironment,
  intakeSecretProblems,
} from './intake.environment';

const PRODUCTION = {
  NODE_ENV: 'production',
  AUTH_JWT_SECRET: 'p'.repeat(40),
  AUTH_JWT_ISSUER: 'https://id.example.org',
  AUTH_JWT_AUDIENCE: 'casebridge',
  INTAKE_ENCRYPTION_KEY: Buffer.alloc(32, 1).toString('base64'),
  INTAKE_BLIND_INDEX_KEY: Buffer.alloc(32, 2).toString('base64'),
  INTAKE_DATABASE_PASSWORD: 'a-real-runtime-password',
  INTAKE_DATABASE_OWNER_PASSWORD: 'a-real-owner-password',
  INTAKE_KEYSTORE_DATABASE_PASSWORD: 'a-real-key-store-password',
  INTAKE_KEYSTORE_DATABASE_OWNER_PASSWORD: 'a-real-key-store-owner-password',
  KAFKA_SASL_USERNAME: 'intake',
  KAFKA_SASL_PASSWORD: 'a-real-kafka-password',
};

function refusal(raw: Record<string, string | undefined>): string {
  try {
    validateEnvironment(IntakeEnvironment, raw, intakeSecretProblems);
  } catch (error) {
    return (error as Error).message;
  }
  return '';
}

describe('intake start-up configuration in production', () => {
  it('starts with real secrets, issuer, audience and database passwords', () => {
    expect(refusal(PRODUCTION)).toBe('');
  });

  it.each([
    ['the development runtime password', { INTAKE_DATABASE_PASSWORD: 'casebridge_intake' }],
    ['no runtime password', { INTAKE_DATABASE_PASSWORD: undefined }],
    ['a short runtime password', { INTAKE_DATABASE_PASSWORD: 'short' }],
    [
      'the development owner password',
      { INTAKE_DATABASE_OWNER_PASSWORD: 'casebridge_intake_owner' },
    ],
    ['no owner password', { INTAKE_DATABASE_OWNER_PASSWORD: undefined }],
    [
      'the development key-store password',
      { INTAKE_KEYSTORE_DATABASE_PASSWORD: 'casebridge_intake_keys' },
    ],
    ['no key-store password', { INTAKE_KEYSTORE_DATABASE_PASSWORD: undefined }],
    [
      'the development key-store owner password',
      { INTAKE_KEYSTORE_DATABASE_OWNER_PASSWORD: 'casebridge_intake_keys_owner' },
    ],
  ])('refuses %s, naming the variable and not the value', (_, change) => {
    const message = refusal({ ...PRODUCTION, ...change });
    expect(message).toMatch(/^Invalid environment variables/);
    const variable = Object.keys(change)[0];
    expect(message).toContain(`${variable}: a real password`);
    const value = Object.values(change)[0];
    if (value) expect(message).not.toContain(`${value})`);
  });

  it.each([
    ['the development encryption key', 'INTAKE_ENCRYPTION_KEY', DEV_ENCRYPTION_KEY],
    ['the development blind-index key', 'INTAKE_BLIND_INDEX_KEY', DEV_BLIND_INDEX_KEY],
    ['no encryption key (the development default)', 'INTAKE_ENCRYPTION_KEY', undefined],
    ['no blind-index key (the development default)', 'INTAKE_BLIND_INDEX_KEY', undefined],
  ])('refuses %s in production, naming the variable and not the key', (_, variable, value) => {
    const message = refusal({ ...PRODUCTION, [variable]: value });
    expect(message).toMatch(/^Invalid environment variables/);
    expect(message).toContain(`${variable}: a real key is required in production`);
    expect(message).not.toContain(DEV_ENCRYPTION_KEY);
    expect(message).not.toContain(DEV_BLIND_INDEX_KEY);
  });

  it('refuses a key store that is the case database itself', () => {
    const url = 'postgres://u:p@db:5432/casebridge_intake';
    const message = refusal({
      ...PRODUCTION,
      INTAKE_DATABASE_URL: url,
      INTAKE_KEYSTORE_DATABASE_URL: url,
    });
    expect(message).toContain('INTAKE_KEYSTORE_DATABASE_URL: must not be the case database');
    expect(message).not.toContain(url);
  });

  it('refuses both development keys at once, naming each', () => {
    const message = refusal({
      ...PRODUCTION,
      INTAKE_ENCRYPTION_KEY: DEV_ENCRYPTION_KEY,
      INTAKE_BLIND_INDEX_KEY: DEV_BLIND_INDEX_KEY,
    });
    expect(message).toContain('INTAKE_ENCRYPTION_KEY: a real key is required in production');
    expect(message).toContain('INTAKE_BLIND_INDEX_KEY: a real key is required in production');
  });

  describe('former keys kept during a rotation', () => {
    const former = Buffer.alloc(32, 3).toString('base64');

    it('starts with former master and blind-index keys, or an emptied list once they are removed', () => {
      expect(
        refusal({
          ...PRODUCTION,
          INTAKE_ENCRYPTION_KEY_ID: 'mk2',
          INTAKE_PREVIOUS_ENCRYPTION_KEYS: `mk1:${former}`,
          INTAKE_BLIND_INDEX_KEY_ID: 'bi2',
          INTAKE_PREVIOUS_BLIND_INDEX_KEYS: `bi1:${Buffer.alloc(32, 4).toString('base64')}`,
        }),
      ).toBe('');
      expect(
        refusal({
          ...PRODUCTION,
          INTAKE_PREVIOUS_ENCRYPTION_KEYS: '',
          INTAKE_PREVIOUS_BLIND_INDEX_KEYS: '',
        }),
      ).toBe('');
    });

    it.each([
      ['INTAKE_PREVIOUS_ENCRYPTION_KEYS', 'INTAKE_ENCRYPTION_KEY_ID'],
      ['INTAKE_PREVIOUS_BLIND_INDEX_KEYS', 'INTAKE_BLIND_INDEX_KEY_ID'],
    ])('refuses %s that is not well formed, listing the current id or an id twice', (list, id) => {
      const message = (change: Record<string, string>) => refusal({ ...PRODUCTION, ...change });
      expect(message({ [list]: `k1:${former.slice(1)}` })).toContain(`${list} must be id:base64`);
      expect(message({ [list]: `K 1:${former}` })).toContain(`${list} must be id:base64`);
      expect(message({ [id]: 'k1', [list]: `k1:${former}` })).toContain(
        `${list}: lists the current key id k1`,
      );
      expect(message({ [list]: `k1:${former},k1:${former}` })).toContain(
        `${list}: a key id is listed twice`,
      );
      expect(message({ [id]: 'Key-1' })).toContain(id);
      expect(message({ [list]: `k1:${former.slice(1)}` })).not.toContain(former.slice(1));
    });

    it.each([
      ['INTAKE_PREVIOUS_ENCRYPTION_KEYS', DEV_ENCRYPTION_KEY],
      ['INTAKE_PREVIOUS_BLIND_INDEX_KEYS', DEV_BLIND_INDEX_KEY],
    ])('refuses a development key in %s in production', (list, dev) => {
      const message = refusal({ ...PRODUCTION, [list]: `old1:${dev}` });
      expect(message).toContain(`${list}: a development key has no place in production`);
      expect(message).not.toContain(dev);
    });
  });

  it.each(['AUTH_JWT_ISSUER', 'AUTH_JWT_AUDIENCE'])('refuses to start without %s', (name) => {
    expect(refusal({ ...PRODUCTION, [name]: undefined })).toContain(
      `${name}: required in production`,
    );
  });

  it('accepts the development passwords outside production', () => {
    expect(() => validateEnvironment(IntakeEnvironment, { NODE_ENV: 'development' })).not.toThrow();
  });
});
