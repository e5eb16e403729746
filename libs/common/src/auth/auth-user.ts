import {
  applyDecorators,
  createParamDecorator,
  ExecutionContext,
  SetMetadata,
} from '@nestjs/common';
import { ApiExtension } from '@nestjs/swagger';
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

/** The OpenAPI extension marking a public operation (completeOpenApiDocument empties its security). */
export const PUBLIC_EXTENSION = 'x-public';

/** The OpenAPI extension listing the roles of an operation (and the 403 answer's description). */
export const ROLES_EXTENSION = 'x-roles';

/**
 * Health, metrics and the dashboard's assets only: every other route needs a valid token. In the
 * OpenAPI document the operation's security requirement is empty (no token).
 */
export const Public = (): MethodDecorator & ClassDecorator =>
  applyDecorators(SetMetadata(IS_PUBLIC, true), ApiExtension(PUBLIC_EXTENSION, true));

/**
 * The roles that may use a route. A route without @Roles is closed to everyone (deny by default).
 * The OpenAPI document lists them (`x-roles`) and documents the bearer requirement.
 */
export const Roles = (...roles: Role[]): MethodDecorator & ClassDecorator =>
  applyDecorators(SetMetadata(ROLES, roles), ApiExtension(ROLES_EXTENSION, roles));

export const CurrentUser = createParamDecorator((_: unknown, ctx: ExecutionContext): AuthUser => {
  const req = ctx.switchToHttp().getRequest<{ user: AuthUser }>();
  return req.user;
});
