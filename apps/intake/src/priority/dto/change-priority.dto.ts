import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';
import {
  PRIORITIES,
  Priority,
  PRIORITY_CHANGE_REASONS,
  PriorityChangeReason,
} from '@casebridge/contracts';

export class ChangePriorityDto {
  @ApiProperty({ example: 'urgent', enum: PRIORITIES })
  @IsIn(PRIORITIES)
  priority!: Priority;

  @ApiProperty({
    example: 'new_risk_information',
    enum: PRIORITY_CHANGE_REASONS,
    description: 'Why the priority changes: a code, never free text (the event carries it)',
  })
  @IsIn(PRIORITY_CHANGE_REASONS)
  reason!: PriorityChangeReason;

  @ApiPropertyOptional({
    example: 3,
    description: 'The version you read; a stale one is 409 (or send If-Match)',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(2_147_483_647)
  version?: number;
}
