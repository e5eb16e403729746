import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsOptional, Matches, ValidateIf } from 'class-validator';
import { CASEWORKER_ID } from '../../directory/caseworker.entity';

export const HANDOVER_MODES = ['caseworker', 'routing'] as const;
export type HandoverMode = (typeof HANDOVER_MODES)[number];

export class HandoverDto {
  @ApiProperty({
    example: 'routing',
    enum: HANDOVER_MODES,
    description:
      '`caseworker`: every open case to the colleague named in caseworkerId; `routing`: each case by the routing ' +
      'rules within the office (language, fewest open cases, capacity), else to the office queue',
  })
  @IsIn(HANDOVER_MODES, { message: `mode must be one of: ${HANDOVER_MODES.join(', ')}` })
  mode!: HandoverMode;

  @ApiPropertyOptional({
    example: 'ru-mow-02',
    description:
      'Required with mode `caseworker`, not allowed otherwise: an active colleague at the same office',
  })
  @ValidateIf((o: HandoverDto) => o.mode === 'caseworker' || o.caseworkerId !== undefined)
  @Matches(CASEWORKER_ID, {
    message: 'caseworkerId must be 1–64 letters, digits, dots, dashes or underscores',
  })
  caseworkerId?: string;

  @ApiPropertyOptional({
    example: true,
    default: true,
    description: 'Deactivate the caseworker in the same transaction (routing then skips them)',
  })
  @IsOptional()
  @IsBoolean()
  deactivate?: boolean;
}
