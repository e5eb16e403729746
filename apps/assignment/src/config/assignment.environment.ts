import { Transform } from 'class-transformer';
import { IsBoolean, IsInt, IsOptional, IsString, Max, Min } from 'class-validator';
import {
  CommonEnvironment,
  devDatabasePassword,
  RealPasswordInProduction,
  toInt,
} from '@casebridge/common';

const toBoolean = ({ value }: { value: unknown }): unknown => {
  if (typeof value !== 'string') return value;
  const v = value.trim().toLowerCase();
  if (v === 'true' || v === '1') return true;
  if (v === 'false' || v === '0') return false;
  return value;
};

/** The longest SLA a setting may name: one year, in seconds. */
const ONE_YEAR_S = 366 * 24 * 3600;

export class AssignmentEnvironment extends CommonEnvironment {
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(65535)
  ASSIGNMENT_PORT = 3002;

  @IsOptional()
  @IsString()
  ASSIGNMENT_DATABASE_URL?: string;

  /** Password of the role casebridge_assignment (development default: the role name). */
  @RealPasswordInProduction('casebridge_assignment')
  ASSIGNMENT_DATABASE_PASSWORD = devDatabasePassword('casebridge_assignment');

  /**
   * Loads the demo directory of consular offices at start-up (insert-if-missing, so an
   * administrator's changes are kept). Defaults to on outside production and off in production,
   * where real cases must never be routed to demo caseworkers.
   */
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean()
  ASSIGNMENT_SEED_DEMO_DIRECTORY?: boolean;

  seedsDemoDirectory(): boolean {
    return this.ASSIGNMENT_SEED_DEMO_DIRECTORY ?? this.NODE_ENV !== 'production';
  }

  // SLA deadlines in seconds from assignment, by priority (SPEC defaults: 4 h / 24 h / 72 h to
  // acceptance, 7 / 30 / 90 days to resolution). Seconds, so tests can use short deadlines.
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(ONE_YEAR_S)
  SLA_ACCEPTANCE_URGENT_S = 4 * 3600;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(ONE_YEAR_S)
  SLA_ACCEPTANCE_HIGH_S = 24 * 3600;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(ONE_YEAR_S)
  SLA_ACCEPTANCE_NORMAL_S = 72 * 3600;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(ONE_YEAR_S)
  SLA_RESOLUTION_URGENT_S = 7 * 24 * 3600;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(ONE_YEAR_S)
  SLA_RESOLUTION_HIGH_S = 30 * 24 * 3600;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(ONE_YEAR_S)
  SLA_RESOLUTION_NORMAL_S = 90 * 24 * 3600;

  /**
   * How often the SLA scheduler looks for deadlines that have passed. Deadlines are hours to
   * months away, so a breach recorded up to 10 s late costs nothing, and an idle service sends
   * well under one query a second.
   */
  @Transform(toInt)
  @IsInt()
  @Min(100)
  @Max(3_600_000)
  SLA_SCAN_INTERVAL_MS = 10_000;
}
