import { PageQuery } from '@casebridge/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsOptional, Matches } from 'class-validator';
import {
  ASSIGNMENT_REASONS,
  AssignmentReason,
  CASE_STATUSES,
  CaseStatus,
  Priority,
  SLA_STAGES,
  SlaStage,
  CONSULATE_ID_PATTERN,
} from '@casebridge/contracts';
import {
  Acknowledgement,
  ACKNOWLEDGEMENT_REASONS,
  AcknowledgementReason,
} from '../escalation-acknowledgement';
import type { EscalationRow } from '../sla-breaches.repository';

export class EscalationsQuery extends PageQuery {
  @ApiPropertyOptional({
    example: 'RU-MOW',
    description: 'Admins: one consulate (default all). Consuls: always their own.',
  })
  @IsOptional()
  @Matches(CONSULATE_ID_PATTERN, {
    message: 'consulateId must be 2–32 capital letters, digits or dashes, e.g. RU-MOW',
  })
  consulateId?: string;

  @ApiPropertyOptional({ example: 'acceptance', enum: SLA_STAGES })
  @IsOptional()
  @IsIn(SLA_STAGES, { message: `stage must be one of: ${SLA_STAGES.join(', ')}` })
  stage?: SlaStage;

  @ApiPropertyOptional({
    example: false,
    type: Boolean,
    description: 'true: acknowledged escalations only; false: open ones only (default both)',
  })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) =>
    value === 'true' ? true : value === 'false' ? false : value,
  )
  @IsBoolean({ message: 'acknowledged must be true or false' })
  acknowledged?: boolean;
}

export class AcknowledgeEscalationDto {
  @ApiProperty({ example: 'caseworker_contacted', enum: ACKNOWLEDGEMENT_REASONS })
  @IsIn(ACKNOWLEDGEMENT_REASONS, {
    message: `reason must be one of: ${ACKNOWLEDGEMENT_REASONS.join(', ')}`,
  })
  reason!: AcknowledgementReason;
}

/** Who acknowledged an escalation, why and when. */
export class AcknowledgementResponse {
  @ApiProperty({ example: 'caseworker_contacted', enum: ACKNOWLEDGEMENT_REASONS })
  reason!: AcknowledgementReason;
  @ApiProperty({ example: 'consul-ru-mow', description: 'Staff user id (the token subject)' })
  actorId!: string;
  @ApiProperty({ example: 'consul', description: "The acknowledger's roles, comma-separated" })
  actorRole!: string;
  @ApiProperty({ example: 'RU-MOW', description: 'The office holding the case at the time' })
  consulateId!: string;
  @ApiProperty({ example: '2026-03-02T15:40:00.000Z' }) at!: string;
}

export class HolderResponse {
  @ApiProperty({ example: 'RU-MOW' }) consulateId!: string;
  @ApiProperty({ type: String, example: 'ru-mow-02', nullable: true }) caseworkerId!: string | null;
}

/** A missed SLA deadline of a case the consulate holds now. */
export class EscalationResponse {
  @ApiProperty({ example: '1042' }) id!: string;
  @ApiProperty({ format: 'uuid', example: '3f1c1a52-2f55-4c9e-9c1e-0a3e5f1b2c3d' }) caseId!: string;
  @ApiProperty({ example: 'acceptance', enum: SLA_STAGES }) stage!: SlaStage;
  @ApiProperty({
    example: 1,
    description: 'Run of the clock (the resolution clock restarts on reopen)',
  })
  cycle!: number;
  @ApiProperty({ example: '2026-03-02T13:00:00.000Z' }) dueAt!: string;
  @ApiProperty({ example: '2026-03-02T13:00:01.000Z' }) breachedAt!: string;
  @ApiProperty({ type: HolderResponse, description: 'Who held the case when the deadline passed' })
  breachedWhileHeldBy!: HolderResponse;
  @ApiProperty({ type: HolderResponse, description: 'Who holds it now' }) heldBy!: HolderResponse;
  @ApiProperty({
    example: 'assigned',
    enum: CASE_STATUSES,
    description: "The case's current state",
  })
  state!: CaseStatus;
  @ApiProperty({ example: 'urgent', enum: ['urgent', 'high', 'normal'] }) priority!: Priority;
  @ApiProperty({ example: 'RU' }) hostCountry!: string;
  @ApiProperty({ example: 'auto', enum: ASSIGNMENT_REASONS }) assignmentReason!: AssignmentReason;
  @ApiProperty({
    type: AcknowledgementResponse,
    nullable: true,
    description: 'null while the escalation is open',
  })
  acknowledgement!: AcknowledgementResponse | null;
}

export class EscalationListResponse {
  @ApiProperty({ type: EscalationResponse, isArray: true, description: 'Newest first' })
  items!: EscalationResponse[];
  @ApiProperty({ type: String, example: null, nullable: true }) nextCursor!: string | null;
}

export function toEscalationResponse(r: EscalationRow): EscalationResponse {
  return {
    id: r.id,
    caseId: r.case_id,
    stage: r.stage,
    cycle: r.cycle,
    dueAt: r.due_at.toISOString(),
    breachedAt: r.breached_at.toISOString(),
    breachedWhileHeldBy: {
      consulateId: r.breach_consulate_id,
      caseworkerId: r.breach_caseworker_id,
    },
    heldBy: { consulateId: r.consulate_id, caseworkerId: r.caseworker_id },
    state: r.state,
    priority: r.priority,
    hostCountry: r.host_country.trim(),
    assignmentReason: r.reason,
    acknowledgement: acknowledgementOf(r),
  };
}

export function toAcknowledgementResponse(a: Acknowledgement): AcknowledgementResponse {
  return {
    reason: a.reason,
    actorId: a.actorId,
    actorRole: a.actorRole,
    consulateId: a.consulateId,
    at: a.at.toISOString(),
  };
}

/** The row's acknowledgement (its columns are all set or, from the outer join, all null). */
function acknowledgementOf(r: EscalationRow): AcknowledgementResponse | null {
  const { ack_reason, ack_actor_id, ack_actor_role, ack_consulate_id, ack_at } = r;
  if (ack_reason === null || ack_actor_id === null || ack_actor_role === null) return null;
  if (ack_consulate_id === null || ack_at === null) return null;
  return toAcknowledgementResponse({
    reason: ack_reason,
    actorId: ack_actor_id,
    actorRole: ack_actor_role,
    consulateId: ack_consulate_id,
    at: ack_at,
  });
}
