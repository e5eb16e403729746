import { Transform } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, Min } from 'class-validator';
import {
  CommonEnvironment,
  devDatabasePassword,
  RealPasswordInProduction,
  toInt,
} from '@casebridge/common';

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
}
