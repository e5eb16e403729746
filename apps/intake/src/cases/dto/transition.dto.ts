import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsObject, IsOptional, IsString, Min, ValidateNested } from 'class-validator';
import {
  CASE_ACTIONS,
  CaseAction,
  OUTCOME_TYPES,
  OutcomeType,
  TRANSITION_REASONS,
  TransitionReason,
} from '@casebridge/contracts';
import { TextLength } from '@casebridge/common';
import { MoneyDto } from './create-case.dto';

export class OutcomeDto {
  @ApiProperty({ example: 'wages_recovered', enum: OUTCOME_TYPES })
  @IsIn(OUTCOME_TYPES)
  type!: OutcomeType;

  @ApiPropertyOptional({ type: MoneyDto, description: 'Required for wages_recovered' })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => MoneyDto)
  amountRecovered?: MoneyDto;
}

/** The outcome as case.status-changed publishes it (what the event schema checks). */
export function eventOutcome(outcome: OutcomeDto | undefined) {
  if (!outcome) return null;
  const { type, amountRecovered } = outcome;
  return {
    type,
    amountRecovered: amountRecovered
      ? { amount: amountRecovered.amount, currency: amountRecovered.currency }
      : null,
  };
}

export class TransitionDto {
  @ApiProperty({ example: 'resolve', enum: CASE_ACTIONS })
  @IsIn(CASE_ACTIONS)
  action!: CaseAction;

  @ApiPropertyOptional({
    example: 'complainant_request',
    enum: TRANSITION_REASONS,
    description: 'Required for withdraw and reject',
  })
  @IsOptional()
  @IsIn(TRANSITION_REASONS)
  reason?: TransitionReason;

  @ApiPropertyOptional({
    example: 'Employer paid in full after the consulate’s letter.',
    description: 'Free text, kept encrypted; never published',
  })
  @IsOptional()
  @IsString()
  @TextLength(1, 2000)
  comment?: string;

  @ApiPropertyOptional({ type: OutcomeDto, description: 'Required for resolve' })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => OutcomeDto)
  outcome?: OutcomeDto;

  @ApiPropertyOptional({
    example: 3,
    description: 'The version you read; a stale one is 409 (or send If-Match)',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  version?: number;
}
