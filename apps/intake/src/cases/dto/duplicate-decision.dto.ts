import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';

export const DUPLICATE_DECISION_ACTIONS = ['confirm', 'dismiss'] as const;
export type DuplicateDecisionAction = (typeof DUPLICATE_DECISION_ACTIONS)[number];

export class DuplicateDecisionDto {
  @ApiProperty({
    example: 'confirm',
    enum: DUPLICATE_DECISION_ACTIONS,
    description:
      '`confirm`: the case duplicates possibleDuplicateOf: it is closed (reason `duplicate`), linked both ways and ' +
      'leaves the statistics; `dismiss`: it is a separate complaint',
  })
  @IsIn(DUPLICATE_DECISION_ACTIONS, {
    message: `decision must be one of: ${DUPLICATE_DECISION_ACTIONS.join(', ')}`,
  })
  decision!: DuplicateDecisionAction;

  @ApiPropertyOptional({ example: 1, description: 'The case version you read (or If-Match)' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(2_147_483_647)
  version?: number;
}
