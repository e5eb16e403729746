import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Matches } from 'class-validator';
import { IsTimestamp, PageQuery } from '@casebridge/common';
import {
  CASE_CATEGORIES,
  CASE_STATUSES,
  CONSULATE_ID_PATTERN,
  COUNTRY_CODES,
  PRIORITIES,
} from '@casebridge/contracts';

/** A case's reference as the system issues it: `CB-<year>-<sequence of six digits or more>`. */
export const CASE_REFERENCE = /^CB-\d{4}-\d{6,12}$/;

export class ListCasesQuery extends PageQuery {
  @ApiPropertyOptional({
    example: 'CB-2026-000123',
    description:
      'Exactly this reference (at most one case); within your scope like every filter, so a case your consulate does not hold is not found',
  })
  @IsOptional()
  @Matches(CASE_REFERENCE, { message: 'reference must be a case reference, e.g. CB-2026-000123' })
  reference?: string;

  @ApiPropertyOptional({ enum: CASE_STATUSES }) @IsOptional() @IsIn(CASE_STATUSES) status?: string;
  @ApiPropertyOptional({ example: 'RU' }) @IsOptional() @IsIn(COUNTRY_CODES) hostCountry?: string;
  @ApiPropertyOptional({ enum: CASE_CATEGORIES })
  @IsOptional()
  @IsIn(CASE_CATEGORIES)
  category?: string;
  @ApiPropertyOptional({ enum: PRIORITIES }) @IsOptional() @IsIn(PRIORITIES) priority?: string;

  @ApiPropertyOptional({ example: 'RU-MOW' })
  @IsOptional()
  @Matches(CONSULATE_ID_PATTERN)
  consulateId?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z0-9._-]{1,64}$/)
  caseworkerId?: string;

  @ApiPropertyOptional({ example: '2026-01-01T00:00:00Z', description: 'Submitted at or after' })
  @IsOptional()
  @IsTimestamp()
  submittedFrom?: string;

  @ApiPropertyOptional({ example: '2026-12-31T23:59:59Z', description: 'Submitted before' })
  @IsOptional()
  @IsTimestamp()
  submittedTo?: string;
}
