import { PageQuery } from '@casebridge/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsOptional, Matches } from 'class-validator';
import { CASE_STATUSES, CaseStatus, CONSULATE_ID_PATTERN } from '@casebridge/contracts';
import { CASEWORKER_ID } from '../../directory/caseworker.entity';

/** Why a case moves to another office. Codes, not free text: they may travel in reports and events. */
export const TRANSFER_REASONS = [
  'complainant_relocated',
  'outside_consular_district',
  'language_needs',
  'workload',
  'specialist_expertise',
  'host_authority_location',
  'other',
] as const;
export type TransferReason = (typeof TRANSFER_REASONS)[number];

export class ReassignDto {
  @ApiProperty({
    example: 'ru-mow-02',
    description: 'An active caseworker of the consulate holding the case, below their maxOpenCases',
  })
  @Matches(CASEWORKER_ID, {
    message: 'caseworkerId must be 1–64 letters, digits, dots, dashes or underscores',
  })
  caseworkerId!: string;
}

export class TransferDto {
  @ApiProperty({ example: 'RU-KZN', description: 'The active consulate that takes the case over' })
  @Matches(CONSULATE_ID_PATTERN, {
    message: 'consulateId must be 2–32 capital letters, digits or dashes, e.g. RU-MOW',
  })
  consulateId!: string;

  @ApiProperty({ example: 'complainant_relocated', enum: TRANSFER_REASONS })
  @IsIn(TRANSFER_REASONS, { message: `reason must be one of: ${TRANSFER_REASONS.join(', ')}` })
  reason!: TransferReason;
}

export class AssignmentQueueQuery extends PageQuery {
  @ApiPropertyOptional({
    example: 'RU-MOW',
    description: 'Consular staff: defaults to (and must be) their own consulate',
  })
  @IsOptional()
  @Matches(CONSULATE_ID_PATTERN, {
    message: 'consulateId must be 2–32 capital letters, digits or dashes, e.g. RU-MOW',
  })
  consulateId?: string;

  @ApiPropertyOptional({ example: 'ru-mow-01' })
  @IsOptional()
  @Matches(CASEWORKER_ID, {
    message: 'caseworkerId must be 1–64 letters, digits, dots, dashes or underscores',
  })
  caseworkerId?: string;

  @ApiPropertyOptional({ example: 'in_progress', enum: CASE_STATUSES })
  @IsOptional()
  @IsIn(CASE_STATUSES, { message: `state must be one of: ${CASE_STATUSES.join(', ')}` })
  state?: CaseStatus;

  @ApiPropertyOptional({
    example: true,
    type: Boolean,
    description:
      'true: only the cases waiting in the office queue (no caseworker), the ones a caseworker may claim: open ones unless `state` names another',
  })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) =>
    value === 'true' ? true : value === 'false' ? false : value,
  )
  @IsBoolean({ message: 'unassigned must be true or false' })
  unassigned?: boolean;
}
