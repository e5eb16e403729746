import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { AssignmentReason, CaseStatus, Priority } from '@casebridge/contracts';
import { Assignment } from './assignment.entity';

/** A case as routing first places it (state assigned, status version 1, sequence 1). */
export interface RoutedAssignment {
  caseId: string;
  hostCountry: string;
  hostCity: string | null;
  priority: Priority;
  preferredLanguage: string;
  consulateId: string;
  caseworkerId: string | null;
  reason: AssignmentReason;
  submittedAt: Date;
  routedAt: Date;
  acceptanceDueAt: Date;
  resolutionDueAt: Date;
}

/** A new holder of a case, from reassignment or transfer. */
export interface HolderChange {
  consulateId: string;
  caseworkerId: string | null;
  reason: AssignmentReason;
  sequence: number;
  at: Date;
}

/** What a case's status changes write: its state and its SLA clocks. */
export type LifecycleFields = Pick<
  Assignment,
  | 'state'
  | 'statusVersion'
  | 'pausedAt'
  | 'acceptanceDueAt'
  | 'acceptanceMetAt'
  | 'resolutionDueAt'
  | 'resolutionMetAt'
  | 'resolutionBreachedAt'
  | 'resolutionCycle'
  | 'updatedAt'
>;

export interface QueueFilter {
  /** null: every consulate. */
  consulateId: string | null;
  caseworkerId?: string;
  /** Narrows the items and the total, not the counts. */
  state?: CaseStatus;
}

/** The keyset position after which a page of the queue starts. */
export interface QueuePosition {
  routedAt: Date;
  caseId: string;
}

export interface StateCountRow {
  state: string;
  count: string;
}

export interface QueueRows {
  counts: StateCountRow[];
  total: number;
  /** Oldest first, at most `take`. */
  rows: Assignment[];
}

/**
 * The SQL on the assignment table for routing, lifecycle tracking, reassignment, transfer and
 * queues. Callers pass the manager of their transaction. Lock order, to rule out deadlocks: an
 * assignment row first, then caseworker rows in id order (CaseworkersRepository.lockStaff).
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

  /**
   * lockCase, and whether the case is routed already, in one round trip. The check reads the
   * snapshot taken before the lock was granted, so a routing that committed meanwhile goes
   * unseen here; insertRouted's primary key then refuses the second one, as in any race.
   */
  async lockCaseAndIsRouted(manager: EntityManager, caseId: string): Promise<boolean> {
    // Two columns, not an AND: both are always evaluated, so the lock is always taken.
    const [{ routed }] = await manager.query<{ routed: boolean }[]>(
      `SELECT pg_advisory_xact_lock(hashtextextended($1, 0)) AS locked,
              EXISTS (SELECT 1 FROM assignment WHERE case_id = $1::uuid) AS routed`,
      [caseId],
    );
    return routed;
  }

  lockAssignment(manager: EntityManager, caseId: string): Promise<Assignment | null> {
    return manager.findOne(Assignment, { where: { caseId }, lock: { mode: 'pessimistic_write' } });
  }

  findById(manager: EntityManager, caseId: string): Promise<Assignment | null> {
    return manager.findOneBy(Assignment, { caseId });
  }

  getById(manager: EntityManager, caseId: string): Promise<Assignment> {
    return manager.findOneByOrFail(Assignment, { caseId });
  }

  exists(manager: EntityManager, caseId: string): Promise<boolean> {
    return manager.existsBy(Assignment, { caseId });
  }

  /** Inserts a routed case; false when it was routed already (the primary key decides a race). */
  async insertRouted(manager: EntityManager, a: RoutedAssignment): Promise<boolean> {
    const inserted = await manager.query<{ case_id: string }[]>(
      `INSERT INTO assignment (
         case_id, host_country, host_city, priority, preferred_language, consulate_id, caseworker_id,
         state, status_version, reason, sequence, submitted_at, routed_at, assigned_at,
         acceptance_due_at, resolution_due_at, resolution_cycle, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, 'assigned', 1, $8, 1, $9, $10, $10, $11, $12, 1, $10)
       ON CONFLICT (case_id) DO NOTHING RETURNING case_id`,
      [
        a.caseId,
        a.hostCountry,
        a.hostCity,
        a.priority,
        a.preferredLanguage,
        a.consulateId,
        a.caseworkerId,
        a.reason,
        a.submittedAt,
        a.routedAt,
        a.acceptanceDueAt,
        a.resolutionDueAt,
      ],
    );
    return inserted.length > 0;
  }

  async updateHolder(manager: EntityManager, caseId: string, to: HolderChange): Promise<void> {
    await manager.update(
      Assignment,
      { caseId },
      {
        consulateId: to.consulateId,
        caseworkerId: to.caseworkerId,
        reason: to.reason,
        sequence: to.sequence,
        assignedAt: to.at,
        updatedAt: to.at,
      },
    );
  }

  async updateLifecycle(
    manager: EntityManager,
    caseId: string,
    fields: LifecycleFields,
  ): Promise<void> {
    await manager.update(Assignment, { caseId }, fields);
  }

  /** Counts by state, the filtered total and one page of a queue (keyset on routedAt, caseId). */
  async queue(
    manager: EntityManager,
    filter: QueueFilter,
    after: QueuePosition | null,
    take: number,
  ): Promise<QueueRows> {
    const scope = manager.createQueryBuilder(Assignment, 'a');
    if (filter.consulateId !== null)
      scope.andWhere('a.consulateId = :consulateId', { consulateId: filter.consulateId });
    if (filter.caseworkerId !== undefined)
      scope.andWhere('a.caseworkerId = :caseworkerId', { caseworkerId: filter.caseworkerId });

    const counts = await scope
      .clone()
      .select('a.state', 'state')
      .addSelect('count(*)', 'count')
      .groupBy('a.state')
      .getRawMany<StateCountRow>();

    const filtered = scope.clone();
    if (filter.state !== undefined) filtered.andWhere('a.state = :state', { state: filter.state });
    const total = await filtered.clone().getCount();

    const page = filtered
      .clone()
      .orderBy('a.routedAt', 'ASC')
      .addOrderBy('a.caseId', 'ASC')
      .limit(take);
    if (after !== null) {
      page.andWhere('(a.routedAt, a.caseId) > (:routedAt, :caseId)', {
        routedAt: after.routedAt,
        caseId: after.caseId,
      });
    }
    return { counts, total, rows: await page.getMany() };
  }
}
