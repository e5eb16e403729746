import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { InjectThrottlerStorage, ThrottlerException, ThrottlerStorage } from '@nestjs/throttler';
import { AuthUser, COMMON_ENV } from '@casebridge/common';
import type { IntakeEnvironment } from '../config/intake.environment';

const PASSPORT_SEARCHES = 'passport-searches';
const WINDOW_MS = 60_000;

/**
 * Passport searches per user (JWT `sub`) and minute, on top of the global per-user limit: each
 * answer tells whether a passport has a case, so an account must not try numbers in bulk. Past
 * INTAKE_PASSPORT_SEARCH_PER_MINUTE the search is 429 with Retry-After until the minute has passed.
 * Runs after the global guards: the caller is authenticated and allowed the route already.
 */
@Injectable()
export class PassportSearchThrottleGuard implements CanActivate {
  constructor(
    @InjectThrottlerStorage() private readonly storage: ThrottlerStorage,
    @Inject(COMMON_ENV) private readonly env: IntakeEnvironment,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const http = context.switchToHttp();
    const user = http.getRequest<{ user?: AuthUser }>().user;
    const record = await this.storage.increment(
      `${PASSPORT_SEARCHES}:${user?.sub ?? 'anonymous'}`,
      WINDOW_MS,
      this.env.INTAKE_PASSPORT_SEARCH_PER_MINUTE,
      WINDOW_MS,
      PASSPORT_SEARCHES,
    );
    if (record.isBlocked) {
      http
        .getResponse<{ setHeader(name: string, value: string): void }>()
        .setHeader('Retry-After', String(Math.max(1, record.timeToBlockExpire)));
      throw new ThrottlerException('Too many passport searches; retry after Retry-After.');
    }
    return true;
  }
}
