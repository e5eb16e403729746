import { registerDecorator, ValidationArguments } from 'class-validator';
import type { ServiceName } from '../config/environment';

export const SERVICES: readonly ServiceName[] = ['intake', 'assignment', 'reporting'];

/**
 * The roles of a service's database. `runtime` is what the running service's pool logs in as.
 * `owner` owns the database and its tables and runs the migrations. Intake keeps its audit trail
 * out of reach of the runtime role (INSERT and SELECT only), so it has an owner of its own;
 * assignment and reporting have no such table and their one role is both.
 */
export interface ServiceRoles {
  runtime: string;
  owner: string;
}

export function serviceRoles(service: ServiceName): ServiceRoles {
  const runtime = `casebridge_${service}`;
  return { runtime, owner: service === 'intake' ? `${runtime}_owner` : runtime };
}

/**
 * Intake's key store: the wrapped case keys, in a database of their own with roles of their own
 * (the owner runs its migrations, the runtime role reads and writes keys), so that a dump of the
 * case data, or its roles, never reaches the keys.
 */
export const INTAKE_KEY_STORE = {
  database: 'casebridge_intake_keys',
  roles: { runtime: 'casebridge_intake_keys', owner: 'casebridge_intake_keys_owner' },
  passwordVariables: {
    runtime: 'INTAKE_KEYSTORE_DATABASE_PASSWORD',
    owner: 'INTAKE_KEYSTORE_DATABASE_OWNER_PASSWORD',
  },
} as const satisfies {
  database: string;
  roles: ServiceRoles;
  passwordVariables: Record<keyof ServiceRoles, string>;
};

/** A key-store role's password from `source` (the environment), else its development default. */
export function keyStorePassword(
  source: Record<string, unknown>,
  kind: keyof ServiceRoles,
): string {
  const value = source[INTAKE_KEY_STORE.passwordVariables[kind]];
  return typeof value === 'string' && value.length > 0
    ? value
    : devDatabasePassword(INTAKE_KEY_STORE.roles[kind]);
}

/** Development default of a role's password: its name. Production refuses it. */
export function devDatabasePassword(role: string): string {
  return role;
}

/** The variable holding a role's password: INTAKE_DATABASE_PASSWORD, INTAKE_DATABASE_OWNER_PASSWORD… */
export function passwordVariable(service: ServiceName, kind: keyof ServiceRoles): string {
  return `${service.toUpperCase()}_DATABASE_${kind === 'owner' ? 'OWNER_' : ''}PASSWORD`;
}

/** A role's password from `source` (the environment), else its development default. */
export function databasePassword(
  source: Record<string, unknown>,
  service: ServiceName,
  kind: keyof ServiceRoles,
): string {
  const value = source[passwordVariable(service, kind)];
  return typeof value === 'string' && value.length > 0
    ? value
    : devDatabasePassword(serviceRoles(service)[kind]);
}

/** Why a password may not be used in production (none when it may). */
export function productionPasswordProblem(password: string, role: string): string | null {
  if (password === devDatabasePassword(role)) return 'the development default is refused';
  if (password.length < 16) return 'must be at least 16 characters';
  return null;
}

/**
 * class-validator: in NODE_ENV=production the value must be a real password for `role` (not the
 * development default, at least 16 characters). Any string is fine otherwise.
 */
export function RealPasswordInProduction(role: string): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'realPasswordInProduction',
      target: target.constructor,
      propertyName: String(propertyName),
      validator: {
        validate(value: unknown, args: ValidationArguments) {
          if (typeof value !== 'string' || value.length === 0) return false;
          const env = args.object as { NODE_ENV?: string };
          return env.NODE_ENV !== 'production' || productionPasswordProblem(value, role) === null;
        },
        defaultMessage(args: ValidationArguments) {
          const problem =
            typeof args.value === 'string' ? productionPasswordProblem(args.value, role) : null;
          return `a real password of role ${role} is required in production (${problem ?? 'missing'})`;
        },
      },
    });
}
