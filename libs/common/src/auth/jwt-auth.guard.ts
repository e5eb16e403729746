import {
  CanActivate,
  ExecutionContext,
  ForbiddenException,
  Injectable,
  UnauthorizedException,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Role } from '@casebridge/contracts';
import { AuthUser, IS_PUBLIC, ROLES } from './auth-user';
import { TokenVerifier } from './token-verifier.service';

/** Global guard: 401 without a valid token, 403 when none of the caller's roles may use the route. */
@Injectable()
export class JwtAuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly verifier: TokenVerifier,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;

    const req = context
      .switchToHttp()
      .getRequest<{ headers: Record<string, unknown>; user?: AuthUser }>();
    const header = req.headers['authorization'];
    const match = typeof header === 'string' ? /^Bearer\s+(\S+)$/i.exec(header) : null;
    if (!match) throw new UnauthorizedException('A bearer token is required.');
    const user = await this.verifier.verify(match[1]);
    req.user = user;

    const allowed = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES, targets) ?? [];
    if (!user.roles.some((r) => allowed.includes(r))) {
      throw new ForbiddenException('Your role may not use this route.');
    }
    return true;
  }
}
