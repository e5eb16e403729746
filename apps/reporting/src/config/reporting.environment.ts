import { Transform } from 'class-transformer';
import {
  IsBoolean,
  IsInt,
  IsOptional,
  IsString,
  Max,
  Min,
  registerDecorator,
  ValidationArguments,
} from 'class-validator';
import ipaddr from 'ipaddr.js';
import {
  CommonEnvironment,
  devDatabasePassword,
  RealPasswordInProduction,
  toInt,
} from '@casebridge/common';

const toBoolean = ({ value }: { value: unknown }): unknown =>
  value === 'true' || value === '1' ? true : value === 'false' || value === '0' ? false : value;

/** The CIDRs of a comma-separated list (an empty list is none). */
export function cidrList(value: string): string[] {
  return value
    .split(',')
    .map((c) => c.trim())
    .filter((c) => c.length > 0);
}

function IsCidrList(): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isCidrList',
      target: target.constructor,
      propertyName: propertyName as string,
      validator: {
        validate: (value: unknown) =>
          typeof value === 'string' && cidrList(value).every((c) => ipaddr.isValidCIDR(c)),
        defaultMessage: (args?: ValidationArguments) =>
          `${args?.property} must be comma-separated CIDRs such as 10.20.0.0/16,fd00::/8`,
      },
    });
}

function FalseInProduction(): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'falseInProduction',
      target: target.constructor,
      propertyName: propertyName as string,
      validator: {
        validate: (value: unknown, args?: ValidationArguments) =>
          value !== true || (args?.object as { NODE_ENV?: string }).NODE_ENV !== 'production',
        defaultMessage: (args?: ValidationArguments) =>
          `${args?.property} must be false in production (webhooks go over https only)`,
      },
    });
}

export class ReportingEnvironment extends CommonEnvironment {
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(65535)
  REPORTING_PORT = 3003;

  /** Overrides the connection URL built from DATABASE_HOST/PORT and the reporting role. */
  @IsOptional()
  @IsString()
  REPORTING_DATABASE_URL?: string;

  /** Password of the role casebridge_reporting (development default: the role name). */
  @RealPasswordInProduction('casebridge_reporting')
  REPORTING_DATABASE_PASSWORD = devDatabasePassword('casebridge_reporting');

  /**
   * Smallest number of cases a published figure may describe (small-cell suppression,
   * docs/reporting.md#small-cell-suppression); 1 publishes every figure as it is.
   */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(1000)
  REPORT_MIN_CELL_SIZE = 5;

  /**
   * Partitions of the event topics this instance applies at once (docs/performance.md): runs
   * of different partitions take the read model's row locks in one order, so they overlap
   * until the rows they share, and neither deadlocks. The database pool must hold that many
   * connections besides the reports' (DATABASE_POOL_MAX).
   */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(8)
  REPORTING_PARTITIONS_AT_ONCE = 2;

  // Signed webhooks (docs/webhooks.md).

  /** Dispatches events to webhook subscriptions and delivers them (the API works either way). */
  @Transform(toBoolean)
  @IsBoolean()
  WEBHOOKS_ENABLED = true;

  /** `http:` subscription URLs too (development and tests); refused in production. */
  @Transform(toBoolean)
  @IsBoolean()
  @FalseInProduction()
  WEBHOOK_ALLOW_HTTP = false;

  /**
   * Comma-separated CIDRs webhooks may reach although they are not public addresses (e.g. a
   * partner's VPN range); empty: public unicast addresses only.
   */
  @IsCidrList()
  WEBHOOK_ALLOWED_NETWORKS = '';

  /** Longest wait for a receiver's response headers, per attempt. */
  @Transform(toInt)
  @IsInt()
  @Min(100)
  @Max(120_000)
  WEBHOOK_REQUEST_TIMEOUT_MS = 10_000;

  /** Requests in flight at once from this instance, all subscriptions together. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(512)
  WEBHOOK_CONCURRENCY = 32;

  /** Requests in flight at once to one subscription, across every reporting instance. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(64)
  WEBHOOK_SUBSCRIPTION_CONCURRENCY = 4;

  /** The ceiling of the first retry's delay; each next ceiling doubles (full jitter below it). */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  WEBHOOK_RETRY_BASE_MS = 30_000;

  /** The largest ceiling of a retry's delay. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  WEBHOOK_RETRY_MAX_DELAY_MS = 8 * 3600_000;

  /** Attempts of a delivery (the first included) before it is parked. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(100)
  WEBHOOK_MAX_ATTEMPTS = 16;

  /**
   * How often the delivery worker looks for due deliveries while it cannot listen for their
   * commits (LISTEN connection down), or while due deliveries wait for a free slot; otherwise
   * it is woken by the commits and sleeps until the next retry is due.
   */
  @Transform(toInt)
  @IsInt()
  @Min(10)
  @Max(60_000)
  WEBHOOK_POLL_MS = 250;

  /** Days delivered entries stay in the delivery log (parked and pending ones stay until sent). */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(3650)
  WEBHOOK_LOG_RETENTION_DAYS = 30;
}
