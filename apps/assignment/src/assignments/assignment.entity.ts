import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { AssignmentReason, CaseStatus, Priority } from '@casebridge/contracts';

/** Who holds a case, its lifecycle state as learnt from intake's events, and its SLA clocks. */
@Entity('assignment')
export class Assignment {
  @PrimaryColumn('uuid', { name: 'case_id' }) caseId!: string;
  @Column('char', { name: 'host_country', length: 2 }) hostCountry!: string;
  @Column('text', { name: 'host_city', nullable: true }) hostCity!: string | null;
  /** The current priority: the submitted one, or the newest re-triage (by case version). */
  @Column('text') priority!: Priority;
  /** The case version of the last priority change applied (0: none; older ones are ignored). */
  @Column('integer', { name: 'priority_version' }) priorityVersion!: number;
  @Column('text', { name: 'preferred_language' }) preferredLanguage!: string;
  @Column('text', { name: 'consulate_id' }) consulateId!: string;
  @Column('text', { name: 'caseworker_id', nullable: true }) caseworkerId!: string | null;
  @Column('text') state!: CaseStatus;
  /** The case version of the last status change applied (older ones arriving late are ignored). */
  @Column('integer', { name: 'status_version' }) statusVersion!: number;
  @Column('text') reason!: AssignmentReason;
  @Column('integer') sequence!: number;
  @Column('timestamptz', { name: 'submitted_at' }) submittedAt!: Date;
  @Column('timestamptz', { name: 'routed_at' }) routedAt!: Date;
  /** Since when the current holder holds the case. */
  @Column('timestamptz', { name: 'assigned_at' }) assignedAt!: Date;
  @Column('timestamptz', { name: 'acceptance_due_at' }) acceptanceDueAt!: Date;
  @Column('timestamptz', { name: 'acceptance_met_at', nullable: true })
  acceptanceMetAt!: Date | null;
  @Column('timestamptz', { name: 'acceptance_breached_at', nullable: true })
  acceptanceBreachedAt!: Date | null;
  @Column('timestamptz', { name: 'resolution_due_at' }) resolutionDueAt!: Date;
  @Column('timestamptz', { name: 'resolution_met_at', nullable: true })
  resolutionMetAt!: Date | null;
  @Column('timestamptz', { name: 'resolution_breached_at', nullable: true })
  resolutionBreachedAt!: Date | null;
  @Column('integer', { name: 'resolution_cycle' }) resolutionCycle!: number;
  @Column('timestamptz', { name: 'paused_at', nullable: true }) pausedAt!: Date | null;
  @Column('timestamptz', { name: 'updated_at' }) updatedAt!: Date;
}
