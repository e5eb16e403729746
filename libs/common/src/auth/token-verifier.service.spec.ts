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

    beforeAll(async () => {
      const jwk = {
        ...publicKey.export({ format: 'jwk' }),
        kid: 'key-1',
        use: 'sig',
        alg: 'RS256',
      };
      server = createServer((_, res) =>
        res.setHeader('content-type', 'application/json').end(JSON.stringify({ keys: [jwk] })),
      );
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json`;
    });

    afterAll(() => new Promise((resolve) => server.close(resolve)));

    it('verifies RS256 tokens against the key their kid names', async () => {
      const verifier = new TokenVerifier(jwt, env({ AUTH_JWKS_URL: url }));
      await expect(verifier.verify(rs('key-1'))).resolves.toMatchObject({ sub: 'm' });
      await expect(verifier.verify(rs('unknown-key'))).rejects.toMatchObject({ status: 401 });
    });
  });
});

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
      }).NODE_ENV,
    ).toBe('production');
  });

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
