import { ApiProperty } from '@nestjs/swagger';
import { HANDOVER_MODES, HandoverMode } from './handover.dto';

export class HandoverReceiverResponse {
  @ApiProperty({ example: 'ru-mow-02' }) caseworkerId!: string;
  @ApiProperty({ example: 14 }) cases!: number;
}

export class HandoverMoveResponse {
  @ApiProperty({ format: 'uuid', example: '3f1c1a52-2f55-4c9e-9c1e-0a3e5f1b2c3d' }) caseId!: string;
  @ApiProperty({
    example: 'ru-mow-02',
    nullable: true,
    type: String,
    description: 'null: back in the office queue',
  })
  caseworkerId!: string | null;
}

/** What a handover moved. Fields listed one by one, as stored with the handover. */
export class HandoverResponse {
  @ApiProperty({ example: '42', description: 'The handover record' }) id!: string;
  @ApiProperty({ example: 'ru-mow-03', description: 'The caseworker whose cases moved' })
  caseworkerId!: string;
  @ApiProperty({ example: 'RU-MOW' }) consulateId!: string;
  @ApiProperty({ example: 'routing', enum: HANDOVER_MODES }) mode!: HandoverMode;
  @ApiProperty({ example: true, description: 'Whether the caseworker was deactivated' })
  deactivated!: boolean;
  @ApiProperty({ example: 23, description: 'Open cases moved (one case.assigned each)' })
  moved!: number;
  @ApiProperty({ type: HandoverReceiverResponse, isArray: true })
  toCaseworkers!: HandoverReceiverResponse[];
  @ApiProperty({
    example: 2,
    description: 'Cases no colleague could take: back in the office queue',
  })
  toOfficeQueue!: number;
  @ApiProperty({ type: HandoverMoveResponse, isArray: true, description: 'Soonest deadline first' })
  cases!: HandoverMoveResponse[];
  @ApiProperty({ example: 'consul-ru-mow' }) actorId!: string;
  @ApiProperty({ example: '2026-03-04T11:20:00.000Z' }) at!: string;
  @ApiProperty({
    example: false,
    description:
      'true: a retry with the same Idempotency-Key, answered from the record; nothing moved again',
  })
  replayed!: boolean;
}
