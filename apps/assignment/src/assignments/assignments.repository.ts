import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AssignmentReason, CaseStatus, OPEN_CASE_STATUSES, Priority } from '@casebridge/contracts';
import { insertFromCte, RowInsert } from '@casebridge/common';
import { entitiesFrom } from '../database/rows';
import { HQ_CONSULATE_ID } from '../directory/headquarters';
import { Assignment } from './assignment.entity';
import type { PendingPriorityChange } from './pending-priority-changes.repository';
import type { PendingStatusChange } from './pending-status-changes.repository';
import type { OfficeCandidate } from './routing';

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

/** The changes parked for a case until it was routed, each kind oldest version first. */
export interface ParkedChanges {
  statuses: PendingStatusChange[];
  priorities: PendingPriorityChange[];
}

/** What a case's status and priority changes write: its state, priority and SLA clocks. */
export type LifecycleFields = Pick<
  Assignment,
  | 'state'
  | 'statusVersion'
  | 'priority'
  | 'priorityVersion'
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
  /** Only the cases waiting in the office queue (no caseworker): open ones unless `state` says otherwise. */
  unassigned?: boolean;
  /** Narrows the items and the total, not the counts. */
  state?: CaseStatus;
}

/** A case of a caseworker's own queue with the deadline it runs against now. */
export interface OwnQueueRow {
  assignment: Assignment;
  /** Acceptance until the case is started, then resolution. */
  stage: 'acceptance' | 'resolution';
  dueAt: Date;
}

/** The keyset position in a caseworker's own queue: running clocks first, soonest deadline first. */
export interface OwnQueuePosition {
  paused: boolean;
  dueAt: Date;
  caseId: string;
}

/** A new holder for one case of a bulk move (a handover). */
export interface BulkHolderChange {
  caseId: string;
  caseworkerId: string | null;
  sequence: number;
}

/** The deadline an open case runs against: acceptance until it is met, then resolution. */
const NEXT_DUE_AT = `CASE WHEN acceptance_met_at IS NULL THEN acceptance_due_at ELSE resolution_due_at END`;

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
   * lockCase, whether the case is routed already and the offices routing chooses from (the host
   * country's own and HQ, see routing.ts), in one round trip. The check and the offices read the
   * snapshot taken before the lock was granted, so a routing that committed meanwhile goes
   * unseen here; insertRouted's primary key then refuses the second one, as in any race. (The
   * offices were never read under a lock: a directory change may land just after they are read.)
   */
  async lockCaseForRouting(
    manager: EntityManager,
    caseId: string,
    hostCountry: string,
  ): Promise<{ routed: boolean; offices: OfficeCandidate[] }> {
    // Separate columns, not an AND: all are always evaluated, so the lock is always taken.
    const [{ routed, offices }] = await manager.query<
      { routed: boolean; offices: OfficeCandidate[] }[]
    >(
      `SELECT pg_advisory_xact_lock(hashtextextended($1, 0)) AS locked,
              EXISTS (SELECT 1 FROM assignment WHERE case_id = $1::uuid) AS routed,
              (SELECT coalesce(json_agg(json_build_object(
                        'id', id, 'hostCountry', host_country, 'cities', cities,
                        'isDefaultForCountry', is_default_for_country, 'active', active)), '[]')
               FROM consulate WHERE host_country = $2 OR id = $3) AS offices`,
      [caseId, hostCountry, HQ_CONSULATE_ID],
    );
    return { routed, offices };
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

  /**
   * Writes a routed case in one statement (data-modifying CTEs, atomic as one statement): its
   * assignment row and, only if that row is new, its caseworker's open-case count (+1), its
   * first history entry, the outbox row of its case.assigned event, and the removal of the
   * status and priority changes parked for it, which are returned (oldest version first) to be
   * applied.
   * null when the case was routed already: the primary key decides a race, and nothing else is
   * written. The caseworker row must be locked already (CaseworkersRepository.lockStaff).
   */
  async insertRouted(
    manager: EntityManager,
    a: RoutedAssignment,
    history: RowInsert,
    event: RowInsert,
  ): Promise<ParkedChanges | null> {
    const parameters: unknown[] = [];
    const p = (value: unknown) => `$${parameters.push(value)}`;
    const ctes = [
      `ins AS (INSERT INTO assignment (
         case_id, host_country, host_city, priority, preferred_language, consulate_id, caseworker_id,
         state, status_version, reason, sequence, submitted_at, routed_at, assigned_at,
         acceptance_due_at, resolution_due_at, resolution_cycle, updated_at)
       VALUES (${p(a.caseId)}, ${p(a.hostCountry)}, ${p(a.hostCity)}, ${p(a.priority)},
         ${p(a.preferredLanguage)}, ${p(a.consulateId)}, ${p(a.caseworkerId)}, 'assigned', 1,
         ${p(a.reason)}, 1, ${p(a.submittedAt)}, ${p(a.routedAt)}, ${p(a.routedAt)},
         ${p(a.acceptanceDueAt)}, ${p(a.resolutionDueAt)}, 1, ${p(a.routedAt)})
       ON CONFLICT (case_id) DO NOTHING RETURNING case_id)`,
    ];
    if (a.caseworkerId !== null) {
      ctes.push(
        `workload AS (UPDATE caseworker SET open_cases = GREATEST(open_cases + 1, 0)
         WHERE id = ${p(a.caseworkerId)} AND EXISTS (SELECT 1 FROM ins))`,
      );
    }
    ctes.push(`history AS (${insertFromCte('ins', history, p)})`);
    ctes.push(`event AS (${insertFromCte('ins', event, p)})`);
    ctes.push(
      `pending AS (DELETE FROM pending_status_change
       WHERE case_id = ${p(a.caseId)} AND EXISTS (SELECT 1 FROM ins)
       RETURNING version, to_status, at)`,
    );
    ctes.push(
      `pending_priority AS (DELETE FROM pending_priority_change
       WHERE case_id = ${p(a.caseId)} AND EXISTS (SELECT 1 FROM ins)
       RETURNING version, priority, at)`,
    );
    // No row: not inserted; a status row without a version: inserted, no status change pending.
    // Priority rows come only when inserted (their DELETE needs the new row).
    const rows = await manager.query<
      {
        kind: 'status' | 'priority';
        version: number | null;
        value: string | null;
        at: Date | null;
      }[]
    >(
      `WITH ${ctes.join(',\n')}
       SELECT 'status'::text AS kind, pending.version, pending.to_status AS value, pending.at
       FROM ins LEFT JOIN pending ON true
       UNION ALL
       SELECT 'priority'::text, version, priority, at FROM pending_priority`,
      parameters,
    );
    if (rows.length === 0) return null;
    const parked: ParkedChanges = { statuses: [], priorities: [] };
    for (const r of rows) {
      if (r.version === null || r.value === null || r.at === null) continue;
      if (r.kind === 'status')
        parked.statuses.push({ version: r.version, to: r.value as CaseStatus, at: r.at });
      else parked.priorities.push({ version: r.version, priority: r.value as Priority, at: r.at });
    }
    parked.statuses.sort((x, y) => x.version - y.version);
    parked.priorities.sort((x, y) => x.version - y.version);
    return parked;
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
    if (filter.unassigned === true) scope.andWhere('a.caseworkerId IS NULL');

    const counts = await scope
      .clone()
      .select('a.state', 'state')
      .addSelect('count(*)', 'count')
      .groupBy('a.state')
      .getRawMany<StateCountRow>();

    const filtered = scope.clone();
    if (filter.state !== undefined) filtered.andWhere('a.state = :state', { state: filter.state });
    // The office queue proper: unassigned cases still to be worked (ended ones only when asked).
    else if (filter.unassigned === true)
      filtered.andWhere('a.state IN (:...open)', { open: [...OPEN_CASE_STATUSES] });
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

  /**
   * A page of one caseworker's open cases at their consulate, with the total: cases whose SLA
   * clocks run first (paused ones, awaiting a third party, after them), the soonest deadline
   * first.
   */
  async ownQueue(
    manager: EntityManager,
    caseworkerId: string,
    consulateId: string,
    after: OwnQueuePosition | null,
    take: number,
  ): Promise<{ total: number; rows: OwnQueueRow[] }> {
    const scope = `caseworker_id = $1 AND consulate_id = $2 AND state = ANY($3::text[])`;
    const params: unknown[] = [caseworkerId, consulateId, [...OPEN_CASE_STATUSES]];
    const [{ total }] = await manager.query<{ total: number }[]>(
      `SELECT count(*)::int AS total FROM assignment WHERE ${scope}`,
      params,
    );
    const page = [...params, take];
    let keyset = '';
    if (after !== null) {
      keyset = `AND (paused_at IS NOT NULL, ${NEXT_DUE_AT}, case_id) > ($5::boolean, $6::timestamptz, $7::uuid)`;
      page.push(after.paused, after.dueAt, after.caseId);
    }
    const rows = await manager.query<Record<string, unknown>[]>(
      `SELECT *, ${NEXT_DUE_AT} AS next_due_at FROM assignment
       WHERE ${scope} ${keyset}
       ORDER BY paused_at IS NOT NULL, ${NEXT_DUE_AT}, case_id LIMIT $4`,
      page,
    );
    const entities = entitiesFrom(manager, Assignment, rows);
    return {
      total,
      rows: entities.map((assignment, i) => ({
        assignment,
        stage: assignment.acceptanceMetAt === null ? 'acceptance' : 'resolution',
        dueAt: rows[i].next_due_at as Date,
      })),
    };
  }

  /**
   * Locks the open cases a caseworker holds (except those named), in case-id order, soonest
   * deadline first in the result. `noWait`: fail with 55P03 rather than wait for a locked row.
   */
  async lockOpenHeldBy(
    manager: EntityManager,
    caseworkerId: string,
    except: readonly string[] = [],
    noWait = false,
  ): Promise<Assignment[]> {
    const rows = await manager.query<Record<string, unknown>[]>(
      `SELECT * FROM (
         SELECT * FROM assignment
         WHERE caseworker_id = $1 AND state = ANY($2::text[]) AND case_id <> ALL($3::uuid[])
         ORDER BY case_id FOR UPDATE${noWait ? ' NOWAIT' : ''}) AS held
       ORDER BY ${NEXT_DUE_AT}, case_id`,
      [caseworkerId, [...OPEN_CASE_STATUSES], [...except]],
    );
    return entitiesFrom(manager, Assignment, rows);
  }

  /** New holders for many cases of one consulate in one statement (their rows are locked). */
  async updateHolders(
    manager: EntityManager,
    changes: readonly BulkHolderChange[],
    reason: AssignmentReason,
    at: Date,
  ): Promise<void> {
    if (changes.length === 0) return;
    await manager.query(
      `UPDATE assignment AS a SET caseworker_id = c.caseworker_id, sequence = c.sequence,
         reason = $4, assigned_at = $5, updated_at = $5
       FROM unnest($1::uuid[], $2::text[], $3::int[]) AS c(case_id, caseworker_id, sequence)
       WHERE a.case_id = c.case_id`,
      [
        changes.map((c) => c.caseId),
        changes.map((c) => c.caseworkerId),
        changes.map((c) => c.sequence),
        reason,
        at,
      ],
    );
  }
}
