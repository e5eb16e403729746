import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { PassportSearchThrottleGuard } from '../cases/passport-search-throttle.guard';

/**
 * An export looked up by passport number counts against the caller's passport searches (the same
 * per-minute budget as `POST /v1/cases/search`): each answer tells whether a passport has a case.
 * Lookups by case id or reference are not passport searches.
 */
@Injectable()
export class PassportLookupThrottleGuard implements CanActivate {
  constructor(private readonly passportSearches: PassportSearchThrottleGuard) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const body = context.switchToHttp().getRequest<{ body?: unknown }>().body;
    const byPassport = typeof body === 'object' && body !== null && 'passportNumber' in body;
    return byPassport ? this.passportSearches.canActivate(context) : true;
  }
}
