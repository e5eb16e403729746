import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { AssignmentReason, CaseStatus, Priority, SlaStage } from '@casebridge/contracts';
import type { AcknowledgementReason } from './escalation-acknowledgement';

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
  /** true: acknowledged only; false: open (not acknowledged) only; null: both. */
  acknowledged: boolean | null;
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
  /** The acknowledgement's columns: all null while the breach is open. */
  ack_reason: AcknowledgementReason | null;
  ack_actor_id: string | null;
  ack_actor_role: string | null;
  ack_consulate_id: string | null;
  ack_at: Date | null;
}

const ESCALATION_COLUMNS = `b.id::text AS id, b.case_id, b.stage, b.cycle, b.due_at, b.breached_at,
       b.consulate_id AS breach_consulate_id, b.caseworker_id AS breach_caseworker_id,
       a.consulate_id, a.caseworker_id, a.state, a.priority, a.host_country, a.reason,
       k.reason AS ack_reason, k.actor_id AS ack_actor_id, k.actor_role AS ack_actor_role,
       k.consulate_id AS ack_consulate_id, k.at AS ack_at`;

const ESCALATIONS = `sla_breach b JOIN assignment a ON a.case_id = b.case_id
       LEFT JOIN sla_breach_acknowledgement k ON k.breach_id = b.id`;

/** The breach and the office holding its case now, as locked for an acknowledgement. */
export interface LockedBreachRow {
  id: string;
  case_id: string;
  stage: SlaStage;
  consulate_id: string;
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
   * assignment row: a transferred case takes its escalations along), each with its
   * acknowledgement if it has one.
   */
  escalations(
    manager: EntityManager,
    filter: EscalationFilter,
    take: number,
  ): Promise<EscalationRow[]> {
    return manager.query<EscalationRow[]>(
      `SELECT ${ESCALATION_COLUMNS}
       FROM ${ESCALATIONS}
       WHERE ($1::text IS NULL OR a.consulate_id = $1)
         AND ($2::text IS NULL OR b.stage = $2)
         AND ($3::bigint IS NULL OR b.id < $3)
         AND ($4::boolean IS NULL OR (k.breach_id IS NOT NULL) = $4)
       ORDER BY b.id DESC
       LIMIT $5`,
      [filter.consulateId, filter.stage, filter.beforeId, filter.acknowledged, take],
    );
  }

  async escalation(manager: EntityManager, id: string): Promise<EscalationRow | null> {
    const [row] = await manager.query<EscalationRow[]>(
      `SELECT ${ESCALATION_COLUMNS} FROM ${ESCALATIONS} WHERE b.id = $1`,
      [id],
    );
    return row ?? null;
  }

  /**
   * The breach, locked against concurrent acknowledgements, with its case's holder share-locked
   * so that a transfer cannot move the case between the scope check and the commit. Null when
   * there is no such breach. (Its acknowledgement is read by a later statement: rows another
   * transaction committed while this one waited for the lock are only visible to those.)
   */
  async lockForAcknowledgement(
    manager: EntityManager,
    id: string,
  ): Promise<LockedBreachRow | null> {
    const [row] = await manager.query<LockedBreachRow[]>(
      `SELECT b.id::text AS id, b.case_id, b.stage, a.consulate_id
       FROM sla_breach b JOIN assignment a ON a.case_id = b.case_id
       WHERE b.id = $1
       FOR UPDATE OF b FOR SHARE OF a`,
      [id],
    );
    return row ?? null;
  }
}
