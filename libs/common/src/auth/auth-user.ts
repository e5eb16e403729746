import { createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import type { Role } from '@casebridge/contracts';

/** The authenticated staff member or system behind a request (from the JWT). */
export interface AuthUser {
  sub: string;
  roles: Role[];
  /** Set for consular staff (caseworker, consul). */
  consulateId: string | null;
}

export const IS_PUBLIC = 'casebridge:isPublic';
export const ROLES = 'casebridge:roles';

/** Health and metrics only: every other route needs a valid token. */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(IS_PUBLIC, true);

/** The roles that may use a route. A route without @Roles is closed to everyone (deny by default). */
export const Roles = (...roles: Role[]): MethodDecorator & ClassDecorator =>
  SetMetadata(ROLES, roles);

export const CurrentUser = createParamDecorator((_: unknown, ctx: ExecutionContext): AuthUser => {
  const req = ctx.switchToHttp().getRequest<{ user: AuthUser }>();
  return req.user;
});
