import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { AssignmentReason, CaseStatus, Priority, SlaStage } from '@casebridge/contracts';

export interface NewSlaBreach {
  caseId: string;
  stage: SlaStage;
  cycle: number;
  consulateId: string;
  caseworkerId: string | null;
  dueAt: Date;
  breachedAt: Date;
}

export interface EscalationFilter {
  /** null: every consulate. */
  consulateId: string | null;
  stage: SlaStage | null;
  /** Keyset: only breaches with a smaller id (older); null for the first page. */
  beforeId: string | null;
}

/** A breach with the current holder and state of its case. */
export interface EscalationRow {
  id: string;
  case_id: string;
  stage: SlaStage;
  cycle: number;
  due_at: Date;
  breached_at: Date;
  breach_consulate_id: string;
  breach_caseworker_id: string | null;
  consulate_id: string;
  caseworker_id: string | null;
  state: CaseStatus;
  priority: Priority;
  host_country: string;
  reason: AssignmentReason;
}

/** The SQL on sla_breach: one row per case, stage and run of the clock. */
@Injectable()
export class SlaBreachesRepository {
  /** Records a breach; false when this case, stage and run already has one. */
  async record(manager: EntityManager, b: NewSlaBreach): Promise<boolean> {
    const inserted = await manager.query<unknown[]>(
      `INSERT INTO sla_breach (case_id, stage, cycle, consulate_id, caseworker_id, due_at, breached_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (case_id, stage, cycle) DO NOTHING RETURNING id`,
      [b.caseId, b.stage, b.cycle, b.consulateId, b.caseworkerId, b.dueAt, b.breachedAt],
    );
    return inserted.length > 0;
  }

  /**
   * Breaches newest first, filtered by the consulate that holds the case now (joined from the
   * assignment row: a transferred case takes its escalations along).
   */
  escalations(
    manager: EntityManager,
    filter: EscalationFilter,
    take: number,
  ): Promise<EscalationRow[]> {
    return manager.query<EscalationRow[]>(
      `SELECT b.id::text AS id, b.case_id, b.stage, b.cycle, b.due_at, b.breached_at,
              b.consulate_id AS breach_consulate_id, b.caseworker_id AS breach_caseworker_id,
              a.consulate_id, a.caseworker_id, a.state, a.priority, a.host_country, a.reason
       FROM sla_breach b JOIN assignment a ON a.case_id = b.case_id
       WHERE ($1::text IS NULL OR a.consulate_id = $1)
         AND ($2::text IS NULL OR b.stage = $2)
         AND ($3::bigint IS NULL OR b.id < $3)
       ORDER BY b.id DESC
       LIMIT $4`,
      [filter.consulateId, filter.stage, filter.beforeId, take],
    );
  }
}
