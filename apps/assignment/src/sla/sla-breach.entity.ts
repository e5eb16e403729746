import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { SlaStage } from '@casebridge/contracts';

/** A missed deadline: one row per case, stage and run of the clock (fired exactly once). */
@Entity('sla_breach')
export class SlaBreach {
  @PrimaryColumn('bigint') id!: string;
  @Column('uuid', { name: 'case_id' }) caseId!: string;
  @Column('text') stage!: SlaStage;
  @Column('integer') cycle!: number;
  @Column('text', { name: 'consulate_id' }) consulateId!: string;
  @Column('text', { name: 'caseworker_id', nullable: true }) caseworkerId!: string | null;
  @Column('timestamptz', { name: 'due_at' }) dueAt!: Date;
  @Column('timestamptz', { name: 'breached_at' }) breachedAt!: Date;
}
