import { ExecutionContext, HttpException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { JwtService } from '@nestjs/jwt';
import { ThrottlerStorageService } from '@nestjs/throttler';
import { CommonEnvironment, DEV_JWT_SECRET, validateEnvironment } from '../config/environment';
import { JwtAuthGuard } from './jwt-auth.guard';
import { TokenVerifier } from './token-verifier.service';

describe('JwtAuthGuard', () => {
  const jwt = new JwtService();
  const valid = jwt.sign(
    { roles: ['manager'] },
    { secret: DEV_JWT_SECRET, expiresIn: '1h', subject: 'm' },
  );
  let storage: ThrottlerStorageService;
  let guard: JwtAuthGuard;

  beforeEach(() => {
    const env = validateEnvironment(CommonEnvironment, {
      NODE_ENV: 'test',
      AUTH_FAILURE_LIMIT: '3',
      AUTH_FAILURE_WINDOW_SECONDS: '30',
    });
    storage = new ThrottlerStorageService();
    const reflector = new Reflector();
    jest
      .spyOn(reflector, 'getAllAndOverride')
      .mockImplementation((key) => (key === 'casebridge:roles' ? ['manager'] : undefined));
    guard = new JwtAuthGuard(reflector, new TokenVerifier(jwt, env), storage, env);
  });

  afterEach(() => storage.onApplicationShutdown());

  function request(ip: string, token?: string) {
    const headers: Record<string, string> = {};
    const context = {
      getHandler: () => undefined,
      getClass: () => undefined,
      switchToHttp: () => ({
        getRequest: () => ({ ip, headers: token ? { authorization: `Bearer ${token}` } : {} }),
        getResponse: () => ({ setHeader: (n: string, v: string) => (headers[n] = v) }),
      }),
    } as unknown as ExecutionContext;
    return guard.canActivate(context).then(
      () => ({ status: 200, headers }),
      (error: HttpException) => ({ status: error.getStatus(), headers }),
    );
  }

  it('answers 429 with Retry-After once an address is past its failed authentications', async () => {
    for (let i = 0; i < 3; i++) expect((await request('10.0.0.1', 'garbage')).status).toBe(401);
    const throttled = await request('10.0.0.1', 'garbage');
    expect(throttled.status).toBe(429);
    expect(Number(throttled.headers['Retry-After'])).toBeGreaterThan(0);
    expect(Number(throttled.headers['Retry-After'])).toBeLessThanOrEqual(30);
    // A missing token is a failed authentication too.
    expect((await request('10.0.0.1')).status).toBe(429);
  });

  it('counts each address on its own and lets valid tokens through', async () => {
    for (let i = 0; i < 4; i++) await request('10.0.0.1', 'garbage');
    expect((await request('10.0.0.2', 'garbage')).status).toBe(401);
    expect((await request('10.0.0.1', valid)).status).toBe(200);
  });
});
