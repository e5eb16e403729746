import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, Matches } from 'class-validator';
import { CASE_CATEGORIES, CaseCategory, CONSULATE_ID_PATTERN } from '@casebridge/contracts';
import { ValidationProblem } from '@casebridge/common';
import { IsCalendarDate } from './is-calendar-date.validator';

/** Filters of every host-country report. Unknown parameters are rejected (400). */
export class ReportQueryDto {
  @ApiPropertyOptional({
    format: 'date',
    example: '2026-01-01',
    description: 'First submission day (UTC), inclusive',
  })
  @IsOptional()
  @IsCalendarDate()
  from?: string;

  @ApiPropertyOptional({
    format: 'date',
    example: '2026-12-31',
    description: 'Last submission day (UTC), inclusive',
  })
  @IsOptional()
  @IsCalendarDate()
  to?: string;

  @ApiPropertyOptional({ enum: CASE_CATEGORIES, example: 'unpaid_wages' })
  @IsOptional()
  @IsIn(CASE_CATEGORIES, { message: `category must be one of: ${CASE_CATEGORIES.join(', ')}` })
  category?: CaseCategory;

  @ApiPropertyOptional({
    example: 'RU-MOW',
    description: 'Only cases currently held by this consulate',
  })
  @IsOptional()
  @Matches(CONSULATE_ID_PATTERN, {
    message: 'consulateId must be a consulate id such as RU-MOW (capitals, digits and dashes)',
  })
  consulateId?: string;
}

export interface ReportFilters {
  from: string | null;
  to: string | null;
  category: CaseCategory | null;
  consulateId: string | null;
}

/** The validated filters; `from` after `to` is a 400 naming both. */
export function toReportFilters(query: ReportQueryDto): ReportFilters {
  if (query.from !== undefined && query.to !== undefined && query.from > query.to) {
    throw new ValidationProblem(
      [{ field: 'to', message: 'to must be on or after from' }],
      'Invalid fields: from, to.',
    );
  }
  return {
    from: query.from ?? null,
    to: query.to ?? null,
    category: query.category ?? null,
    consulateId: query.consulateId ?? null,
  };
}
