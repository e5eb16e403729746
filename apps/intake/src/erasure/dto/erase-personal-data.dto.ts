import { ApiProperty } from '@nestjs/swagger';
import { IsIn } from 'class-validator';
import { ERASURE_REASONS, ErasureReason, ErasureTrigger } from '@casebridge/contracts';

/** An erasure request: a reason code only (free text could hold personal data). */
export class ErasePersonalDataDto {
  @ApiProperty({ enum: ERASURE_REASONS, example: 'data_subject_request' })
  @IsIn(ERASURE_REASONS)
  reason!: ErasureReason;
}

/** What an erasure did: the same answer for the erasure and any repeat of it. */
export class ErasureResponse {
  @ApiProperty({ format: 'uuid' }) caseId!: string;
  @ApiProperty({ example: '2026-12-02T02:40:00.000Z' }) personalDataErasedAt!: string;
  @ApiProperty({
    example: 'data_subject_request',
    description: 'The reason code (retention_period_ended when retention erased it)',
  })
  reason!: string;
  @ApiProperty({ enum: ['request', 'retention'] }) trigger!: ErasureTrigger;
  @ApiProperty({ example: 5, description: 'The case version after the erasure' })
  version!: number;
}
