import { ApiProperty } from '@nestjs/swagger';
import { IsIn } from 'class-validator';
import { LEGAL_HOLD_REASONS, LegalHoldReason } from '@casebridge/contracts';

export class SetLegalHoldDto {
  @ApiProperty({ enum: LEGAL_HOLD_REASONS, example: 'litigation' })
  @IsIn(LEGAL_HOLD_REASONS)
  reason!: LegalHoldReason;
}

export class LegalHoldResponse {
  @ApiProperty({ format: 'uuid' }) caseId!: string;
  @ApiProperty({ type: String, nullable: true, description: 'null: no hold' })
  reason!: string | null;
  @ApiProperty({ type: String, nullable: true }) since!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'Staff user id (token `sub`)' })
  by!: string | null;
}
