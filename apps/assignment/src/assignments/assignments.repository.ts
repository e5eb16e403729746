import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { AssignmentReason, CaseStatus } from '@casebridge/contracts';
import { Caseworker } from '../directory/caseworker.entity';
import { Assignment } from './assignment.entity';
import type { AssignmentHistoryRow } from './dto/assignment.response';

export interface HistoryEntry {
  caseId: string;
  sequence: number;
  consulateId: string;
  caseworkerId: string | null;
  reason: AssignmentReason;
  transferReason: string | null;
  actorId: string;
  actorRole: string | null;
  at: Date;
}

export interface PendingStatusChange {
  version: number;
  to: CaseStatus;
  at: Date;
}

/**
 * The SQL shared by routing, lifecycle tracking and reassignment. Lock order, to rule out
 * deadlocks: an assignment row first, then caseworker rows in id order.
 */
@Injectable()
export class AssignmentsRepository {
  /**
   * Serialises the event handlers of one case (routing, status changes) even when a rebalance
   * lets two instances run them at once, so a status change is never parked as pending after
   * the routing that would have applied it.
   */
  async lockCase(manager: EntityManager, caseId: string): Promise<void> {
    await manager.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [caseId]);
  }

  lockAssignment(manager: EntityManager, caseId: string): Promise<Assignment | null> {
    return manager.findOne(Assignment, { where: { caseId }, lock: { mode: 'pessimistic_write' } });
  }

  /**
   * Locks every caseworker of an office (plus any other ids named) in id order. Routing decides
   * on capacity only while it holds these locks, so concurrent decisions serialise per office
   * and never give a caseworker more than maxOpenCases.
   */
  async lockStaff(
    manager: EntityManager,
    consulateId: string | null,
    alsoIds: readonly string[] = [],
  ): Promise<Caseworker[]> {
    return manager
      .createQueryBuilder(Caseworker, 'c')
      .where('c.consulateId = :consulateId OR c.id = ANY(:alsoIds)', {
        consulateId,
        alsoIds: [...alsoIds],
      })
      .orderBy('c.id', 'ASC')
      .setLock('pessimistic_write')
      .getMany();
  }

  async adjustOpenCases(
    manager: EntityManager,
    caseworkerId: string | null,
    delta: number,
  ): Promise<void> {
    if (caseworkerId === null || delta === 0) return;
    await manager.query(
      'UPDATE caseworker SET open_cases = GREATEST(open_cases + $2, 0) WHERE id = $1',
      [caseworkerId, delta],
    );
  }

  async addHistory(manager: EntityManager, e: HistoryEntry): Promise<void> {
    await manager.query(
      `INSERT INTO assignment_history
         (case_id, sequence, consulate_id, caseworker_id, reason, transfer_reason, actor_id, actor_role, at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [
        e.caseId,
        e.sequence,
        e.consulateId,
        e.caseworkerId,
        e.reason,
        e.transferReason,
        e.actorId,
        e.actorRole,
        e.at,
      ],
    );
  }

  history(manager: EntityManager, caseId: string): Promise<AssignmentHistoryRow[]> {
    return manager.query<AssignmentHistoryRow[]>(
      `SELECT sequence, consulate_id, caseworker_id, reason, transfer_reason, actor_id, at
       FROM assignment_history WHERE case_id = $1 ORDER BY sequence`,
      [caseId],
    );
  }

  async savePending(
    manager: EntityManager,
    caseId: string,
    change: PendingStatusChange,
  ): Promise<void> {
    await manager.query(
      `INSERT INTO pending_status_change (case_id, version, to_status, at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (case_id, version) DO NOTHING`,
      [caseId, change.version, change.to, change.at],
    );
  }

  /** Removes and returns a case's parked status changes, oldest version first. */
  async takePending(manager: EntityManager, caseId: string): Promise<PendingStatusChange[]> {
    const rows = await manager.query<{ version: number; to_status: CaseStatus; at: Date }[]>(
      'SELECT version, to_status, at FROM pending_status_change WHERE case_id = $1 ORDER BY version FOR UPDATE',
      [caseId],
    );
    if (rows.length > 0)
      await manager.query('DELETE FROM pending_status_change WHERE case_id = $1', [caseId]);
    return rows.map((r) => ({ version: r.version, to: r.to_status, at: r.at }));
  }
}
