import {
  CanActivate,
  ExecutionContext,
  ForbiddenException,
  Inject,
  Injectable,
  UnauthorizedException,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { InjectThrottlerStorage, ThrottlerException, ThrottlerStorage } from '@nestjs/throttler';
import type { Role } from '@casebridge/contracts';
import { COMMON_ENV } from '../config/config.tokens';
import type { CommonEnvironment } from '../config/environment';
import { AuthUser, IS_PUBLIC, ROLES } from './auth-user';
import { TokenVerifier } from './token-verifier.service';

const AUTH_FAILURES = 'auth-failures';

/**
 * Global guard: 401 without a valid token, 403 when none of the caller's roles may use the route.
 * Failed authentications count per client address: past AUTH_FAILURE_LIMIT in a window, further
 * failures from that address get 429 with Retry-After until the window has passed (valid tokens
 * from it still work, so one broken client does not lock out an office behind the same address).
 */
@Injectable()
export class JwtAuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly verifier: TokenVerifier,
    @InjectThrottlerStorage() private readonly storage: ThrottlerStorage,
    @Inject(COMMON_ENV) private readonly env: CommonEnvironment,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;

    const http = context.switchToHttp();
    const req = http.getRequest<{
      headers: Record<string, unknown>;
      ip?: string;
      user?: AuthUser;
    }>();
    let user: AuthUser;
    try {
      const header = req.headers['authorization'];
      const match = typeof header === 'string' ? /^Bearer\s+(\S+)$/i.exec(header) : null;
      if (!match) throw new UnauthorizedException('A bearer token is required.');
      user = await this.verifier.verify(match[1]);
    } catch (error) {
      if (error instanceof UnauthorizedException) {
        await this.countFailure(
          req.ip,
          http.getResponse<{ setHeader(n: string, v: string): void }>(),
        );
      }
      throw error;
    }
    req.user = user;

    const allowed = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES, targets) ?? [];
    if (!user.roles.some((r) => allowed.includes(r))) {
      throw new ForbiddenException('Your role may not use this route.');
    }
    return true;
  }

  /** Throws 429 once the address is past its failures for the window. */
  private async countFailure(
    ip: string | undefined,
    res: { setHeader(name: string, value: string): void },
  ): Promise<void> {
    const windowMs = this.env.AUTH_FAILURE_WINDOW_SECONDS * 1000;
    const record = await this.storage.increment(
      `${AUTH_FAILURES}:${ip ?? 'unknown'}`,
      windowMs,
      this.env.AUTH_FAILURE_LIMIT,
      windowMs,
      AUTH_FAILURES,
    );
    if (record.isBlocked) {
      res.setHeader('Retry-After', String(Math.max(1, record.timeToBlockExpire)));
      throw new ThrottlerException('Too many failed authentications from this address.');
    }
  }
}
