import { Injectable } from '@nestjs/common';
import { ThrottlerGuard } from '@nestjs/throttler';
import type { AuthUser } from './auth-user';

/** Rate limits per authenticated user (JWT `sub`), falling back to the client address. */
@Injectable()
export class UserThrottlerGuard extends ThrottlerGuard {
  protected override getTracker(req: Record<string, unknown>): Promise<string> {
    const user = req.user as AuthUser | undefined;
    return Promise.resolve(user ? `user:${user.sub}` : `ip:${String(req.ip)}`);
  }
}
