import { ApiProperty } from '@nestjs/swagger';
import { AssignmentReason, CASE_STATUSES, CaseStatus, Priority } from '@casebridge/contracts';
import type { Assignment } from '../assignment.entity';
import type { AssignmentHistoryRow, HistoryVia } from '../assignment-history.repository';

export class SlaClockResponse {
  @ApiProperty({
    example: '2026-03-02T13:00:00.000Z',
    description: 'Deadline (moves later by the time spent paused, once resumed)',
  })
  dueAt!: string;
  @ApiProperty({
    type: String,
    example: '2026-03-02T10:12:00.000Z',
    nullable: true,
    description: 'When the deadline was met',
  })
  metAt!: string | null;
  @ApiProperty({
    type: String,
    example: null,
    nullable: true,
    description: 'When the deadline was found missed (an escalation)',
  })
  breachedAt!: string | null;
}

export class ResolutionClockResponse extends SlaClockResponse {
  @ApiProperty({
    example: 1,
    description: 'Run of the resolution clock: it restarts when a case is reopened',
  })
  cycle!: number;
}

export class SlaResponse {
  @ApiProperty({
    type: String,
    example: null,
    nullable: true,
    description: 'Set while the case awaits a third party: both clocks are paused',
  })
  pausedAt!: string | null;
  @ApiProperty({ type: SlaClockResponse }) acceptance!: SlaClockResponse;
  @ApiProperty({ type: ResolutionClockResponse }) resolution!: ResolutionClockResponse;
}

/** An assignment as the API shows it. Fields are listed one by one: a new column never leaks. */
export class AssignmentResponse {
  @ApiProperty({ format: 'uuid', example: '3f1c1a52-2f55-4c9e-9c1e-0a3e5f1b2c3d' }) caseId!: string;
  @ApiProperty({ example: 'RU' }) hostCountry!: string;
  @ApiProperty({ type: String, example: 'Kazan', nullable: true }) hostCity!: string | null;
  @ApiProperty({ example: 'high', enum: ['urgent', 'high', 'normal'] }) priority!: Priority;
  @ApiProperty({ example: 'uz' }) preferredLanguage!: string;
  @ApiProperty({ example: 'RU-KZN' }) consulateId!: string;
  @ApiProperty({
    type: String,
    example: 'ru-kzn-01',
    nullable: true,
    description: "null: the case waits in the office's queue",
  })
  caseworkerId!: string | null;
  @ApiProperty({
    example: 'in_progress',
    enum: CASE_STATUSES,
    description: "The case's status as last reported by intake",
  })
  state!: CaseStatus;
  @ApiProperty({ example: 'auto', enum: ['auto', 'reassigned', 'transferred', 'no_coverage'] })
  reason!: AssignmentReason;
  @ApiProperty({ example: 1, description: 'Increases with every reassignment or transfer' })
  sequence!: number;
  @ApiProperty({ example: '2026-03-02T08:59:58.000Z' }) submittedAt!: string;
  @ApiProperty({ example: '2026-03-02T09:00:00.000Z' }) routedAt!: string;
  @ApiProperty({
    example: '2026-03-02T09:00:00.000Z',
    description: 'Since when the current holder holds the case',
  })
  assignedAt!: string;
  @ApiProperty({ type: SlaResponse }) sla!: SlaResponse;
}

export class AssignmentHistoryEntry {
  @ApiProperty({ example: 2 }) sequence!: number;
  @ApiProperty({ example: 'RU-KZN' }) consulateId!: string;
  @ApiProperty({ type: String, example: 'ru-kzn-02', nullable: true }) caseworkerId!: string | null;
  @ApiProperty({
    example: 'transferred',
    enum: ['auto', 'reassigned', 'transferred', 'no_coverage'],
  })
  reason!: AssignmentReason;
  @ApiProperty({ type: String, example: 'complainant_relocated', nullable: true }) transferReason!:
    string | null;
  @ApiProperty({
    example: 'consul-ru-mow',
    description: 'Staff user id, or `routing` for the automatic assignment',
  })
  actorId!: string;
  @ApiProperty({ example: '2026-03-04T11:20:00.000Z' }) at!: string;
  @ApiProperty({
    example: null,
    nullable: true,
    type: String,
    enum: ['claim', 'handover'],
    description:
      '`claim`: the caseworker took the case from the office queue; `handover`: moved with all open cases of a leaving caseworker',
  })
  via!: HistoryVia | null;
}

export class AssignmentDetailResponse extends AssignmentResponse {
  @ApiProperty({
    type: AssignmentHistoryEntry,
    isArray: true,
    description: 'Every holder of the case, oldest first',
  })
  history!: AssignmentHistoryEntry[];
}

export class StateCounts implements Record<CaseStatus, number> {
  @ApiProperty({ example: 0 }) submitted!: number;
  @ApiProperty({ example: 14 }) assigned!: number;
  @ApiProperty({ example: 22 }) in_progress!: number;
  @ApiProperty({ example: 3 }) awaiting_third_party!: number;
  @ApiProperty({ example: 41 }) resolved!: number;
  @ApiProperty({ example: 57 }) closed!: number;
  @ApiProperty({ example: 2 }) withdrawn!: number;
  @ApiProperty({ example: 1 }) rejected!: number;
}

export class AssignmentQueueResponse {
  @ApiProperty({ type: AssignmentResponse, isArray: true, description: 'Oldest first' })
  items!: AssignmentResponse[];
  @ApiProperty({
    type: StateCounts,
    description: 'Cases by state for the same consulate and caseworker, whatever the state filter',
  })
  counts!: StateCounts;
  @ApiProperty({ example: 140, description: 'Cases matching every filter' }) total!: number;
  @ApiProperty({
    type: String,
    example: null,
    nullable: true,
    description: 'Pass as `cursor` for the next page; null on the last page',
  })
  nextCursor!: string | null;
}

export class NextDeadlineResponse {
  @ApiProperty({
    example: 'acceptance',
    enum: ['acceptance', 'resolution'],
    description: 'Acceptance until the case is started, then resolution',
  })
  stage!: 'acceptance' | 'resolution';
  @ApiProperty({ example: '2026-03-02T13:00:00.000Z' }) dueAt!: string;
  @ApiProperty({
    example: false,
    description: 'Awaiting a third party: the clock is stopped and the deadline moves on resume',
  })
  paused!: boolean;
}

export class OwnAssignmentResponse extends AssignmentResponse {
  @ApiProperty({ type: NextDeadlineResponse }) nextDeadline!: NextDeadlineResponse;
}

export class OwnCaseworkerResponse {
  @ApiProperty({ example: 'ru-mow-01' }) id!: string;
  @ApiProperty({ example: 'RU-MOW' }) consulateId!: string;
  @ApiProperty({ example: true }) active!: boolean;
  @ApiProperty({ example: 12 }) openCases!: number;
  @ApiProperty({ example: 30 }) maxOpenCases!: number;
}

export class OwnQueueResponse {
  @ApiProperty({
    type: OwnCaseworkerResponse,
    description: 'The directory caseworker linked to your identity',
  })
  caseworker!: OwnCaseworkerResponse;
  @ApiProperty({
    type: OwnAssignmentResponse,
    isArray: true,
    description: 'Your open cases: running clocks first, soonest deadline first; paused ones last',
  })
  items!: OwnAssignmentResponse[];
  @ApiProperty({ example: 12, description: 'Your open cases' }) total!: number;
  @ApiProperty({
    example: null,
    nullable: true,
    type: String,
    description: 'Pass as `cursor` for the next page; null on the last page',
  })
  nextCursor!: string | null;
}

const iso = (d: Date | null): string | null => (d === null ? null : d.toISOString());

export function toAssignmentResponse(a: Assignment): AssignmentResponse {
  return {
    caseId: a.caseId,
    hostCountry: a.hostCountry,
    hostCity: a.hostCity,
    priority: a.priority,
    preferredLanguage: a.preferredLanguage,
    consulateId: a.consulateId,
    caseworkerId: a.caseworkerId,
    state: a.state,
    reason: a.reason,
    sequence: a.sequence,
    submittedAt: a.submittedAt.toISOString(),
    routedAt: a.routedAt.toISOString(),
    assignedAt: a.assignedAt.toISOString(),
    sla: {
      pausedAt: iso(a.pausedAt),
      acceptance: {
        dueAt: a.acceptanceDueAt.toISOString(),
        metAt: iso(a.acceptanceMetAt),
        breachedAt: iso(a.acceptanceBreachedAt),
      },
      resolution: {
        dueAt: a.resolutionDueAt.toISOString(),
        metAt: iso(a.resolutionMetAt),
        breachedAt: iso(a.resolutionBreachedAt),
        cycle: a.resolutionCycle,
      },
    },
  };
}

export function toHistoryEntry(row: AssignmentHistoryRow): AssignmentHistoryEntry {
  return {
    sequence: row.sequence,
    consulateId: row.consulate_id,
    caseworkerId: row.caseworker_id,
    reason: row.reason,
    transferReason: row.transfer_reason,
    actorId: row.actor_id,
    at: row.at.toISOString(),
    via: row.via,
  };
}

export function toStateCounts(rows: readonly { state: string; count: string }[]): StateCounts {
  const counts = Object.fromEntries(CASE_STATUSES.map((s) => [s, 0])) as unknown as StateCounts;
  for (const row of rows) {
    if ((CASE_STATUSES as readonly string[]).includes(row.state))
      counts[row.state as CaseStatus] = Number(row.count);
  }
  return counts;
}
