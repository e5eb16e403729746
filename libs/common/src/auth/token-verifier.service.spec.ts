import { generateKeyPairSync } from 'node:crypto';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { JwtService } from '@nestjs/jwt';
import { CommonEnvironment, DEV_JWT_SECRET, validateEnvironment } from '../config/environment';
import { TokenVerifier } from './token-verifier.service';

function env(overrides: Record<string, string> = {}): CommonEnvironment {
  return validateEnvironment(CommonEnvironment, { NODE_ENV: 'test', ...overrides });
}

describe('TokenVerifier', () => {
  const jwt = new JwtService();
  const hs = (claims: object, options: object = { expiresIn: '1h', subject: 'alice' }) =>
    jwt.sign(claims, { secret: DEV_JWT_SECRET, algorithm: 'HS256', ...options });

  it('accepts an HS256 token and reads sub, roles and consulate', async () => {
    const verifier = new TokenVerifier(jwt, env());
    await expect(
      verifier.verify(hs({ roles: ['consul'], consulateId: 'RU-MOW' })),
    ).resolves.toEqual({
      sub: 'alice',
      roles: ['consul'],
      consulateId: 'RU-MOW',
    });
  });

  it.each([
    ['an expired token', () => hs({ roles: ['manager'] }, { subject: 'a', expiresIn: -10 })],
    ['a token without exp', () => hs({ roles: ['manager'] }, { subject: 'a' })],
    ['a token without roles', () => hs({})],
    ['a token with an unknown role', () => hs({ roles: ['root'] })],
    ['consular staff without a consulate', () => hs({ roles: ['caseworker'] })],
    [
      'a consulate that is no consulate id',
      () => hs({ roles: ['caseworker'], consulateId: 'ru-mow\ud800' }),
    ],
    [
      'a subject with an unpaired surrogate',
      () => hs({ roles: ['manager'] }, { expiresIn: '1h', subject: 'a\ud800' }),
    ],
    [
      'a subject with a NUL character',
      () => hs({ roles: ['manager'] }, { expiresIn: '1h', subject: 'a\u0000b' }),
    ],
    [
      'a subject not in NFC',
      () => hs({ roles: ['manager'] }, { expiresIn: '1h', subject: 'e\u0301' }),
    ],
    [
      'a token signed with another secret',
      () =>
        jwt.sign({ roles: ['manager'] }, { secret: 'x'.repeat(40), expiresIn: '1h', subject: 'a' }),
    ],
    [
      'an unsigned token',
      () =>
        jwt.sign(
          { roles: ['manager'] },
          { secret: DEV_JWT_SECRET, expiresIn: '1h', subject: 'a', algorithm: 'none' as never },
        ),
    ],
  ])('refuses %s with 401', async (_, make) => {
    const verifier = new TokenVerifier(jwt, env());
    await expect(verifier.verify(make())).rejects.toMatchObject({ status: 401 });
  });

  describe('lifetime and issue time', () => {
    const now = () => Math.floor(Date.now() / 1000);
    const claims = { roles: ['manager'], sub: 'a' };

    it.each([
      ['a token living longer than the maximum', { ...claims, iat: now(), exp: now() + 13 * 3600 }],
      ['a token without iat', { ...claims, exp: now() + 600 }],
      [
        'a token issued in the future beyond the skew',
        { ...claims, iat: now() + 120, exp: now() + 600 },
      ],
    ])('refuses %s with 401', async (_, payload) => {
      const verifier = new TokenVerifier(jwt, env());
      // jsonwebtoken keeps a given iat, and leaves it out when told to.
      const token = jwt.sign(payload, {
        secret: DEV_JWT_SECRET,
        noTimestamp: !('iat' in payload),
      });
      await expect(verifier.verify(token)).rejects.toMatchObject({ status: 401 });
    });

    it('accepts a token at the maximum lifetime, and one issued within the clock skew', async () => {
      const verifier = new TokenVerifier(jwt, env());
      const sign = (payload: object) => jwt.sign(payload, { secret: DEV_JWT_SECRET });
      await expect(
        verifier.verify(sign({ ...claims, iat: now(), exp: now() + 12 * 3600 })),
      ).resolves.toMatchObject({ sub: 'a' });
      await expect(
        verifier.verify(sign({ ...claims, iat: now() + 30, exp: now() + 600 })),
      ).resolves.toMatchObject({ sub: 'a' });
    });

    it('takes the maximum lifetime and the skew from the configuration', async () => {
      const verifier = new TokenVerifier(
        jwt,
        env({ AUTH_JWT_MAX_LIFETIME_SECONDS: '600', AUTH_JWT_CLOCK_SKEW_SECONDS: '0' }),
      );
      const sign = (payload: object) => jwt.sign(payload, { secret: DEV_JWT_SECRET });
      await expect(verifier.verify(hs({ roles: ['manager'] }))).rejects.toMatchObject({
        status: 401,
      });
      await expect(
        verifier.verify(sign({ ...claims, iat: now() + 5, exp: now() + 300 })),
      ).rejects.toMatchObject({ status: 401 });
      await expect(
        verifier.verify(hs({ roles: ['manager'] }, { subject: 'a', expiresIn: '10m' })),
      ).resolves.toMatchObject({ sub: 'a' });
    });
  });

  it('checks issuer and audience when they are configured', async () => {
    const verifier = new TokenVerifier(
      jwt,
      env({ AUTH_JWT_ISSUER: 'https://id.example.org', AUTH_JWT_AUDIENCE: 'casebridge' }),
    );
    const signed = (options: object) =>
      hs({ roles: ['manager'] }, { subject: 'a', expiresIn: '1h', ...options });
    await expect(
      verifier.verify(signed({ issuer: 'https://id.example.org', audience: 'casebridge' })),
    ).resolves.toMatchObject({ sub: 'a' });
    for (const wrong of [
      {},
      { issuer: 'https://evil.example.org', audience: 'casebridge' },
      { issuer: 'https://id.example.org', audience: 'another-app' },
    ]) {
      await expect(verifier.verify(signed(wrong))).rejects.toMatchObject({ status: 401 });
    }
  });

  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const rs = (kid?: string) =>
    jwt.sign(
      { roles: ['manager'] },
      {
        privateKey,
        algorithm: 'RS256',
        expiresIn: '1h',
        subject: 'm',
        ...(kid ? { keyid: kid } : {}),
      },
    );

  it('verifies RS256 tokens with a configured public key, and then refuses HS256 ones', async () => {
    const verifier = new TokenVerifier(
      jwt,
      env({ AUTH_JWT_PUBLIC_KEY: publicKey.export({ type: 'spki', format: 'pem' }).toString() }),
    );
    await expect(verifier.verify(rs())).resolves.toMatchObject({ sub: 'm', roles: ['manager'] });
    await expect(verifier.verify(hs({ roles: ['manager'] }))).rejects.toMatchObject({
      status: 401,
    });
  });

  describe('with a JWKS URL', () => {
    let server: Server;
    let url: string;
    let fetches = 0;
    const second = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const jwk = (key: typeof publicKey, kid: string) => ({
      ...key.export({ format: 'jwk' }),
      kid,
      use: 'sig',
      alg: 'RS256',
    });
    let published = [jwk(publicKey, 'key-1')];

    beforeAll(async () => {
      server = createServer((_, res) => {
        fetches += 1;
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ keys: published }));
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json`;
    });

    beforeEach(() => {
      fetches = 0;
      published = [jwk(publicKey, 'key-1')];
    });

    afterAll(() => new Promise((resolve) => server.close(resolve)));

    it('verifies RS256 tokens against the key their kid names', async () => {
      const verifier = new TokenVerifier(jwt, env({ AUTH_JWKS_URL: url }));
      await expect(verifier.verify(rs('key-1'))).resolves.toMatchObject({ sub: 'm' });
      await expect(verifier.verify(rs('unknown-key'))).rejects.toMatchObject({ status: 401 });
      await expect(verifier.verify(rs())).rejects.toMatchObject({ status: 401 });
    });

    it('keeps valid tokens working under a flood of unknown kids, fetching the JWKS once', async () => {
      const verifier = new TokenVerifier(jwt, env({ AUTH_JWKS_URL: url }));
      await expect(verifier.verify(rs('key-1'))).resolves.toMatchObject({ sub: 'm' });
      const flood = Array.from({ length: 500 }, (_, i) =>
        verifier.verify(rs(`made-up-${i % 250}`)).then(
          () => 'accepted',
          (error: { status?: number }) => error.status,
        ),
      );
      const valid = Array.from({ length: 20 }, () => verifier.verify(rs('key-1')));
      expect(new Set(await Promise.all(flood))).toEqual(new Set([401]));
      for (const user of await Promise.all(valid)) expect(user).toMatchObject({ sub: 'm' });
      expect(fetches).toBe(1);
    });

    it('finds a newly published key once the unknown-kid interval has passed', async () => {
      const verifier = new TokenVerifier(
        jwt,
        env({ AUTH_JWKS_URL: url, AUTH_JWKS_UNKNOWN_KID_SECONDS: '1' }),
      );
      const rs2 = jwt.sign(
        { roles: ['manager'] },
        {
          privateKey: second.privateKey,
          algorithm: 'RS256',
          expiresIn: '1h',
          subject: 'n',
          keyid: 'key-2',
        },
      );
      await expect(verifier.verify(rs2)).rejects.toMatchObject({ status: 401 });
      published = [jwk(publicKey, 'key-1'), jwk(second.publicKey, 'key-2')];
      // Negatively cached: refused again without asking the JWKS URL.
      await expect(verifier.verify(rs2)).rejects.toMatchObject({ status: 401 });
      expect(fetches).toBe(1);
      await new Promise((resolve) => setTimeout(resolve, 1100));
      await expect(verifier.verify(rs2)).resolves.toMatchObject({ sub: 'n' });
      expect(fetches).toBe(2);
    });
  });
});

const PRODUCTION_IDENTITY = {
  AUTH_JWT_ISSUER: 'https://id.example.org',
  AUTH_JWT_AUDIENCE: 'casebridge',
  KAFKA_SASL_USERNAME: 'intake',
  KAFKA_SASL_PASSWORD: 'a-real-kafka-password',
};

describe('start-up configuration', () => {
  it('refuses to start in production without a real JWT secret', () => {
    expect(() => validateEnvironment(CommonEnvironment, { NODE_ENV: 'production' })).toThrow(
      /AUTH_JWT_SECRET/,
    );
    expect(() =>
      validateEnvironment(CommonEnvironment, {
        NODE_ENV: 'production',
        AUTH_JWT_SECRET: DEV_JWT_SECRET,
      }),
    ).toThrow(/AUTH_JWT_SECRET/);
    expect(() =>
      validateEnvironment(CommonEnvironment, {
        NODE_ENV: 'production',
        AUTH_JWT_SECRET: 'short-but-16-chars',
      }),
    ).toThrow(/32 characters/);
    expect(
      validateEnvironment(CommonEnvironment, {
        NODE_ENV: 'production',
        AUTH_JWT_SECRET: 'p'.repeat(40),
        ...PRODUCTION_IDENTITY,
      }).NODE_ENV,
    ).toBe('production');
  });

  it.each(['AUTH_JWT_ISSUER', 'AUTH_JWT_AUDIENCE'])(
    'refuses to start in production without %s',
    (name) => {
      expect(() =>
        validateEnvironment(CommonEnvironment, {
          NODE_ENV: 'production',
          AUTH_JWT_SECRET: 'p'.repeat(40),
          ...PRODUCTION_IDENTITY,
          [name]: undefined,
        }),
      ).toThrow(`${name}: required in production`);
    },
  );

  it('names every invalid variable, never its value', () => {
    let message = '';
    try {
      validateEnvironment(CommonEnvironment, {
        KAFKA_BROKERS: 'not a broker list',
        DATABASE_PORT: 'seventy',
        LOG_LEVEL: 'loud',
      });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/^Invalid environment variables/);
    expect(message).toContain('KAFKA_BROKERS');
    expect(message).toContain('DATABASE_PORT');
    expect(message).toContain('LOG_LEVEL');
    expect(message).not.toContain('not a broker list');
  });
});
