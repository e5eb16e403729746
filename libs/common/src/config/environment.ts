import { plainToInstance, Transform } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  MinLength,
  validateSync,
} from 'class-validator';
import { databasePassword, ServiceRoles, serviceRoles } from '../database/database-roles';
import { DEFAULT_DATABASE_POOL, type DatabasePoolSettings } from '../database/typeorm-options';
import type { AdmissionLimits } from '../http/admission-control';

import {
  KAFKA_SASL_MECHANISMS,
  kafkaSecurityProblems,
  type KafkaSaslMechanism,
} from './kafka-connection';

export * from './kafka-connection';

const emptyAsUnset = ({ value }: { value: unknown }): unknown => (value === '' ? undefined : value);

export const DEV_JWT_SECRET = 'casebridge-development-secret-not-for-production';

/** class-transformer @Transform: a string of digits becomes a number (validators judge the rest). */
export const toInt = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' && /^\s*-?\d+\s*$/.test(value) ? Number(value) : value;

const emptyOrInt = (params: { value: unknown }): unknown => toInt({ value: emptyAsUnset(params) });

/** Settings every service reads. Validated at start-up; the service refuses to start otherwise. */
export class CommonEnvironment {
  @IsIn(['development', 'test', 'production'])
  NODE_ENV: 'development' | 'test' | 'production' = 'development';

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL = 'info';

  /** Comma-separated host:port list. */
  @Matches(/^[^,\s]+:\d+(,[^,\s]+:\d+)*$/, {
    message: 'KAFKA_BROKERS must be host:port[,host:port…]',
  })
  KAFKA_BROKERS = 'localhost:9092';

  // Kafka login and TLS (kafka-connection.ts); an empty variable counts as unset. Outside
  // production the defaults log in to the local broker as the service's own development principal.
  /** SASL mechanism: scram-sha-512, scram-sha-256, plain (TLS only in production) or none. */
  @Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' ? value.trim().toLowerCase() : value,
  )
  @IsIn(KAFKA_SASL_MECHANISMS)
  KAFKA_SASL_MECHANISM: KafkaSaslMechanism = 'scram-sha-512';

  /** Default outside production: the service's name (intake, assignment, reporting). */
  @Transform(emptyAsUnset)
  @IsOptional()
  @IsString()
  KAFKA_SASL_USERNAME?: string;

  /** Default outside production: the development password; required in production. */
  @Transform(emptyAsUnset)
  @IsOptional()
  @IsString()
  KAFKA_SASL_PASSWORD?: string;

  /** TLS to the brokers (`true`/`false`). */
  @Transform(({ value }: { value: unknown }) =>
    value === 'true' || value === '1' ? true : value === 'false' || value === '0' ? false : value,
  )
  @IsBoolean()
  KAFKA_SSL = false;

  /** PEM file of the CA that signed the brokers' certificates (default: the system's CAs). */
  @Transform(emptyAsUnset)
  @IsOptional()
  @IsString()
  KAFKA_SSL_CA_FILE?: string;

  /** PEM client certificate and key, for brokers that authenticate clients by TLS. */
  @Transform(emptyAsUnset)
  @IsOptional()
  @IsString()
  KAFKA_SSL_CERT_FILE?: string;

  @Transform(emptyAsUnset)
  @IsOptional()
  @IsString()
  KAFKA_SSL_KEY_FILE?: string;

  @IsString()
  DATABASE_HOST = '127.0.0.1';

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(65535)
  DATABASE_PORT = 5432;

  /** Appended to each service's database name (`_test` in the test suite). */
  @Matches(/^[a-z0-9_]*$/)
  DATABASE_NAME_SUFFIX = '';

  @IsOptional()
  @IsString()
  @MinLength(16)
  AUTH_JWT_SECRET?: string;

  /** PEM public key: tokens are then verified as RS256. */
  @IsOptional()
  @IsString()
  AUTH_JWT_PUBLIC_KEY?: string;

  /** JWKS endpoint: tokens are then verified as RS256 against the key named by `kid`. */
  @IsOptional()
  @IsString()
  AUTH_JWKS_URL?: string;

  /** Checked when set; required in production. */
  @IsOptional()
  @IsString()
  AUTH_JWT_ISSUER?: string;

  /** Checked when set; required in production. */
  @IsOptional()
  @IsString()
  AUTH_JWT_AUDIENCE?: string;

  /** Longest token lifetime accepted (exp − iat); a token without iat or exp is refused. */
  @Transform(toInt)
  @IsInt()
  @Min(60)
  @Max(7 * 24 * 3600)
  AUTH_JWT_MAX_LIFETIME_SECONDS = 12 * 3600;

  /** How far in the future a token's iat may lie (clocks differ a little). */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(600)
  AUTH_JWT_CLOCK_SKEW_SECONDS = 60;

  /** JWKS: an unknown kid is refused without a fetch this long; unknown kids fetch at most once in it. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(3600)
  AUTH_JWKS_UNKNOWN_KID_SECONDS = 60;

  /** Failed authentications per client address in AUTH_FAILURE_WINDOW_SECONDS before 429. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  AUTH_FAILURE_LIMIT = 20;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(3600)
  AUTH_FAILURE_WINDOW_SECONDS = 60;

  @Matches(/^\d+(b|kb|mb)$/i)
  HTTP_BODY_LIMIT = '256kb';

  /**
   * The base URL clients reach the service at (behind a proxy or load balancer): the `servers`
   * entry of its OpenAPI document. Unset: http://localhost:<the service's port>.
   */
  @Transform(emptyAsUnset)
  @IsOptional()
  @Matches(/^https?:\/\/[^\s/?#]+(\/[^\s?#]*)?$/, {
    message: 'HTTP_PUBLIC_BASE_URL must be an http(s) URL without query or fragment',
  })
  HTTP_PUBLIC_BASE_URL?: string;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  RATE_LIMIT_PER_MINUTE = 600;

  /** Connections in the service's PostgreSQL pool (shared by requests, the outbox relay, consumers). */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(1000)
  DATABASE_POOL_MAX = DEFAULT_DATABASE_POOL.max;

  /**
   * Longest wait for a pool connection (a free one, or a new one to connect) before the query
   * fails, and a request answers 503 with Retry-After. Admission control keeps this wait short;
   * this bounds it when the database itself is slow.
   */
  @Transform(toInt)
  @IsInt()
  @Min(50)
  @Max(60_000)
  DATABASE_POOL_ACQUIRE_TIMEOUT_MS = DEFAULT_DATABASE_POOL.acquireTimeoutMs;

  /** Requests in progress per process before others queue. Default: 2 × DATABASE_POOL_MAX. */
  @Transform(emptyOrInt)
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(100_000)
  HTTP_MAX_IN_FLIGHT?: number;

  /** Requests waiting for admission before others are shed (503). Default: 2 × HTTP_MAX_IN_FLIGHT. */
  @Transform(emptyOrInt)
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(100_000)
  HTTP_MAX_QUEUED?: number;

  /** Longest wait in the admission queue; a request that waited longer is shed (503). */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(60_000)
  HTTP_MAX_QUEUE_WAIT_MS = 1000;

  /** How long an idle keep-alive connection stays open: above the idle timeouts of clients and load balancers. */
  @Transform(toInt)
  @IsInt()
  @Min(1000)
  @Max(600_000)
  HTTP_KEEP_ALIVE_TIMEOUT_MS = 65_000;

  /** How often the outbox relay polls while it cannot LISTEN for commits (PostgreSQL reconnecting). */
  @Transform(toInt)
  @IsInt()
  @Min(5)
  OUTBOX_POLL_MS = 50;

  /** Attempts of a failing message before it goes to the dead-letter topic. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(20)
  CONSUMER_MAX_ATTEMPTS = 5;
}

export class EnvironmentError extends Error {}

/** Validates `raw` into `cls`, or throws listing every invalid variable (never its value). */
export function validateEnvironment<T extends CommonEnvironment>(
  cls: new () => T,
  raw: Record<string, unknown>,
  extraChecks: (env: T) => string[] = () => [],
): T {
  const env = plainToInstance(cls, raw, { exposeDefaultValues: true });
  const errors = validateSync(env, { skipMissingProperties: false, whitelist: false });
  const problems = errors.map(
    (e) => `${e.property}: ${Object.values(e.constraints ?? {}).join('; ')}`,
  );
  if (env.NODE_ENV === 'production') {
    const hasKey = env.AUTH_JWT_PUBLIC_KEY || env.AUTH_JWKS_URL;
    if (!hasKey && (!env.AUTH_JWT_SECRET || env.AUTH_JWT_SECRET === DEV_JWT_SECRET)) {
      problems.push(
        'AUTH_JWT_SECRET: a real secret (or AUTH_JWT_PUBLIC_KEY / AUTH_JWKS_URL) is required in production',
      );
    } else if (!hasKey && (env.AUTH_JWT_SECRET ?? '').length < 32) {
      problems.push('AUTH_JWT_SECRET: must be at least 32 characters in production');
    }
    if (!env.AUTH_JWT_ISSUER) problems.push('AUTH_JWT_ISSUER: required in production');
    if (!env.AUTH_JWT_AUDIENCE) problems.push('AUTH_JWT_AUDIENCE: required in production');
  }
  problems.push(...kafkaSecurityProblems(env));
  if (errors.length === 0) problems.push(...extraChecks(env));
  if (problems.length > 0) {
    throw new EnvironmentError(`Invalid environment variables:\n  ${problems.join('\n  ')}`);
  }
  return env;
}

export type ServiceName = 'intake' | 'assignment' | 'reporting';

/**
 * The connection URL of a service's own database, as its runtime role (or as its owner, for
 * migrations), with the password from `<SERVICE>_DATABASE[_OWNER]_PASSWORD`.
 */
export function serviceDatabaseUrl(
  service: ServiceName,
  env: CommonEnvironment,
  override?: string,
  kind: keyof ServiceRoles = 'runtime',
): string {
  if (override) return override;
  const role = serviceRoles(service)[kind];
  const password = encodeURIComponent(
    databasePassword(env as unknown as Record<string, unknown>, service, kind),
  );
  const db = `casebridge_${service}${env.DATABASE_NAME_SUFFIX}`;
  return `postgres://${role}:${password}@${env.DATABASE_HOST}:${env.DATABASE_PORT}/${db}`;
}

/** Admission limits of the HTTP pipeline, with the defaults derived from the pool size. */
export function admissionLimits(env: CommonEnvironment): AdmissionLimits {
  const maxInFlight = env.HTTP_MAX_IN_FLIGHT ?? 2 * env.DATABASE_POOL_MAX;
  return {
    maxInFlight,
    maxQueued: env.HTTP_MAX_QUEUED ?? 2 * maxInFlight,
    maxQueueWaitMs: env.HTTP_MAX_QUEUE_WAIT_MS,
  };
}

/** The service's PostgreSQL pool settings (see postgresOptions). */
export function databasePool(env: CommonEnvironment): DatabasePoolSettings {
  return { max: env.DATABASE_POOL_MAX, acquireTimeoutMs: env.DATABASE_POOL_ACQUIRE_TIMEOUT_MS };
}

export function kafkaBrokers(env: CommonEnvironment): string[] {
  return env.KAFKA_BROKERS.split(',').map((b) => b.trim());
}
