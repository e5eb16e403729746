import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AssignmentReason, EventTypes } from '@casebridge/contracts';
import {
  AuthUser,
  decodeCursor,
  encodeCursor,
  DEFAULT_PAGE_SIZE,
  PageQuery,
  ValidationProblem,
} from '@casebridge/common';
import { OutboxWriter } from '@casebridge/messaging';
import { inTransaction } from '../database/transactions';
import type { Caseworker } from '../directory/caseworker.entity';
import { CaseworkersRepository } from '../directory/caseworkers.repository';
import { DirectoryService } from '../directory/directory.service';
import { Assignment } from './assignment.entity';
import { canManageAssignment, canSeeAssignment, isStaffOf } from './assignment-access';
import { AssignmentHistoryRepository, HistoryVia } from './assignment-history.repository';
import { assignmentErrors, AssignmentErrorCode, assignmentNotFound } from './assignments.errors';
import { AssignmentsRepository, OwnQueuePosition, QueuePosition } from './assignments.repository';
import { AssignmentQueueQuery, ReassignDto, TransferDto } from './dto/assignment.dto';
import {
  AssignmentDetailResponse,
  AssignmentQueueResponse,
  OwnQueueResponse,
  toAssignmentResponse,
  toHistoryEntry,
  toStateCounts,
} from './dto/assignment.response';
import { isOpenState } from './lifecycle';
import { chooseCaseworker, speaks } from './routing';

interface Holder {
  consulateId: string;
  caseworkerId: string | null;
}

/** Reads of assignments and queues; reassignment within an office and transfer between offices. */
@Injectable()
export class AssignmentsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly assignments: AssignmentsRepository,
    private readonly history: AssignmentHistoryRepository,
    private readonly caseworkers: CaseworkersRepository,
    private readonly directory: DirectoryService,
    private readonly outbox: OutboxWriter,
  ) {}

  async get(user: AuthUser, caseId: string): Promise<AssignmentDetailResponse> {
    const manager = this.dataSource.manager;
    const found = await this.assignments.findById(manager, caseId);
    if (!found || !canSeeAssignment(user, found.consulateId)) throw assignmentNotFound();
    return this.detail(manager, found);
  }

  async queue(user: AuthUser, query: AssignmentQueueQuery): Promise<AssignmentQueueResponse> {
    const consulateId = await this.queueScope(user, query.consulateId);
    if (query.unassigned === true && query.caseworkerId !== undefined) {
      throw new ValidationProblem(
        [{ field: 'unassigned', message: 'cannot be combined with caseworkerId' }],
        'Ask for the unassigned cases or for one caseworker, not both.',
      );
    }
    await this.assertMayReadQueue(user, query);
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    let after: QueuePosition | null = null;
    if (query.cursor !== undefined) {
      const [routedAt, caseId] = decodeCursor(query.cursor, ['timestamp', 'uuid']);
      after = { routedAt: new Date(routedAt), caseId };
    }
    const { counts, total, rows } = await this.assignments.queue(
      this.dataSource.manager,
      {
        consulateId,
        caseworkerId: query.caseworkerId,
        unassigned: query.unassigned,
        state: query.state,
      },
      after,
      limit + 1,
    );
    const items = rows.slice(0, limit);
    const last = items[items.length - 1];
    return {
      items: items.map(toAssignmentResponse),
      counts: toStateCounts(counts),
      total,
      nextCursor:
        rows.length > limit && last
          ? encodeCursor([last.routedAt.toISOString(), last.caseId])
          : null,
    };
  }

  /** The caller's own open cases (the caseworker linked to their identity), deadlines first. */
  async ownQueue(user: AuthUser, query: PageQuery): Promise<OwnQueueResponse> {
    const manager = this.dataSource.manager;
    const me = await this.linkedCaseworker(manager, user);
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    let after: OwnQueuePosition | null = null;
    if (query.cursor !== undefined) {
      const [paused, dueAt, caseId] = decodeCursor(query.cursor, ['serial', 'timestamp', 'uuid']);
      if (paused !== '0' && paused !== '1') {
        throw new ValidationProblem([
          { field: 'cursor', message: 'cursor must be the nextCursor of a previous page' },
        ]);
      }
      after = { paused: paused === '1', dueAt: new Date(dueAt), caseId };
    }
    const { total, rows } = await this.assignments.ownQueue(
      manager,
      me.id,
      me.consulateId,
      after,
      limit + 1,
    );
    const items = rows.slice(0, limit);
    const last = items[items.length - 1];
    return {
      caseworker: {
        id: me.id,
        consulateId: me.consulateId,
        active: me.active,
        openCases: me.openCases,
        maxOpenCases: me.maxOpenCases,
      },
      items: items.map((r) => ({
        ...toAssignmentResponse(r.assignment),
        nextDeadline: {
          stage: r.stage,
          dueAt: r.dueAt.toISOString(),
          paused: r.assignment.pausedAt !== null,
        },
      })),
      total,
      nextCursor:
        rows.length > limit && last
          ? encodeCursor([
              last.assignment.pausedAt !== null ? '1' : '0',
              last.dueAt.toISOString(),
              last.assignment.caseId,
            ])
          : null,
    };
  }

  /**
   * The caller takes an unassigned case of their office: they must be an active caseworker of
   * it, speak the complainant's language and be below their maxOpenCases. The assignment row's
   * lock decides between two claims at once: the second finds the case held (409).
   */
  async claim(user: AuthUser, caseId: string): Promise<AssignmentDetailResponse> {
    return inTransaction(this.dataSource, async (manager) => {
      const me = await this.linkedCaseworker(manager, user);
      const a = await this.assignments.lockAssignment(manager, caseId);
      if (!a || !isStaffOf(user, a.consulateId)) throw assignmentNotFound();
      if (!isOpenState(a.state)) {
        throw assignmentErrors.problem(
          AssignmentErrorCode.CaseNotOpen,
          `The case is ${a.state}; only open cases can be claimed.`,
        );
      }
      if (a.caseworkerId === me.id) {
        throw assignmentErrors.problem(
          AssignmentErrorCode.AlreadyAssigned,
          'You already hold this case.',
        );
      }
      if (a.caseworkerId !== null) {
        throw assignmentErrors.problem(
          AssignmentErrorCode.HeldByAnother,
          'Another caseworker holds this case; only cases in the office queue can be claimed (a consul reassigns the others).',
        );
      }
      const [locked] = await this.caseworkers.lockStaff(manager, null, [me.id]);
      const target = this.directory.requireCaseworkerAt(
        locked ? [locked] : [],
        me.id,
        a.consulateId,
      );
      this.assertCanTakeCase(target);
      if (!speaks(target, a.preferredLanguage)) {
        throw assignmentErrors.problem(
          AssignmentErrorCode.LanguageMismatch,
          `The complainant's language is ${a.preferredLanguage}, which your directory entry does not list.`,
        );
      }
      return this.move(
        manager,
        user,
        a,
        { consulateId: a.consulateId, caseworkerId: target.id },
        'reassigned',
        null,
        'claim',
      );
    });
  }

  /**
   * The directory caseworker linked to the caller's identity (token `sub`) at the caller's own
   * consulate; 403 when there is none (an administrator links staff to caseworkers).
   */
  async linkedCaseworker(manager: EntityManager, user: AuthUser): Promise<Caseworker> {
    const found = await this.caseworkers.findByStaffSubject(manager, user.sub);
    if (!found || user.consulateId === null || found.consulateId !== user.consulateId) {
      throw assignmentErrors.problem(
        AssignmentErrorCode.StaffNotLinked,
        `Your staff identity is not linked to a caseworker of ${user.consulateId ?? 'a consulate'}; an administrator links it (the caseworker's staffSubject).`,
      );
    }
    return found;
  }

  async reassign(
    user: AuthUser,
    caseId: string,
    dto: ReassignDto,
  ): Promise<AssignmentDetailResponse> {
    return inTransaction(this.dataSource, async (manager) => {
      const a = await this.lockManageable(manager, user, caseId);
      if (a.caseworkerId === dto.caseworkerId) {
        throw assignmentErrors.problem(
          AssignmentErrorCode.AlreadyAssigned,
          `The case is already assigned to ${dto.caseworkerId}.`,
        );
      }
      const locked = await this.caseworkers.lockStaff(manager, null, [
        dto.caseworkerId,
        ...(a.caseworkerId ? [a.caseworkerId] : []),
      ]);
      const target = this.directory.requireCaseworkerAt(locked, dto.caseworkerId, a.consulateId);
      this.assertCanTakeCase(target);
      return this.move(
        manager,
        user,
        a,
        { consulateId: a.consulateId, caseworkerId: target.id },
        'reassigned',
        null,
      );
    });
  }

  /** Returns the case as transferred, even though a consul of the old office no longer sees it afterwards. */
  async transfer(
    user: AuthUser,
    caseId: string,
    dto: TransferDto,
  ): Promise<AssignmentDetailResponse> {
    return inTransaction(this.dataSource, async (manager) => {
      const a = await this.lockManageable(manager, user, caseId);
      if (a.consulateId === dto.consulateId) {
        throw assignmentErrors.problem(
          AssignmentErrorCode.SameConsulate,
          `The case is already held by ${dto.consulateId}.`,
        );
      }
      const target = await this.directory.requireConsulate(dto.consulateId, manager);
      if (!target.active) {
        throw assignmentErrors.problem(
          AssignmentErrorCode.ConsulateInactive,
          `Consulate ${dto.consulateId} is inactive and takes no cases.`,
        );
      }
      const locked = await this.caseworkers.lockStaff(
        manager,
        target.id,
        a.caseworkerId ? [a.caseworkerId] : [],
      );
      const caseworker = chooseCaseworker(
        locked.filter((c) => c.consulateId === target.id),
        a.preferredLanguage,
      );
      return this.move(
        manager,
        user,
        a,
        { consulateId: target.id, caseworkerId: caseworker?.id ?? null },
        'transferred',
        dto.reason,
      );
    });
  }

  /** The case's row, locked, if the caller may manage it and it is still open. */
  private async lockManageable(
    manager: EntityManager,
    user: AuthUser,
    caseId: string,
  ): Promise<Assignment> {
    const a = await this.assignments.lockAssignment(manager, caseId);
    if (!a || !canManageAssignment(user, a.consulateId)) throw assignmentNotFound();
    if (!isOpenState(a.state)) {
      throw assignmentErrors.problem(
        AssignmentErrorCode.CaseNotOpen,
        `The case is ${a.state}; only open cases can be reassigned or transferred.`,
      );
    }
    return a;
  }

  private assertCanTakeCase(c: Caseworker): void {
    if (!c.active)
      throw assignmentErrors.problem(
        AssignmentErrorCode.CaseworkerInactive,
        `Caseworker ${c.id} is inactive.`,
      );
    if (c.openCases >= c.maxOpenCases) {
      throw assignmentErrors.problem(
        AssignmentErrorCode.CaseworkerAtCapacity,
        `Caseworker ${c.id} already holds ${c.openCases} open cases (maximum ${c.maxOpenCases}).`,
      );
    }
  }

  private async detail(manager: EntityManager, a: Assignment): Promise<AssignmentDetailResponse> {
    const history = await this.history.ofCase(manager, a.caseId);
    return { ...toAssignmentResponse(a), history: history.map(toHistoryEntry) };
  }

  /** Hands the case to a new holder: workload, row, history and case.assigned in one transaction. */
  private async move(
    manager: EntityManager,
    user: AuthUser,
    a: Assignment,
    to: Holder,
    reason: AssignmentReason,
    transferReason: string | null,
    via: HistoryVia | null = null,
  ): Promise<AssignmentDetailResponse> {
    const now = new Date();
    const previous: Holder = { consulateId: a.consulateId, caseworkerId: a.caseworkerId };
    const sequence = a.sequence + 1;
    await this.caseworkers.adjustOpenCases(manager, previous.caseworkerId, -1);
    await this.caseworkers.adjustOpenCases(manager, to.caseworkerId, 1);
    await this.assignments.updateHolder(manager, a.caseId, { ...to, reason, sequence, at: now });
    await this.history.add(manager, {
      caseId: a.caseId,
      sequence,
      consulateId: to.consulateId,
      caseworkerId: to.caseworkerId,
      reason,
      transferReason,
      actorId: user.sub,
      actorRole: user.roles.join(','),
      at: now,
      via,
    });
    await this.outbox.add(manager, EventTypes.CaseAssigned, {
      caseId: a.caseId,
      hostCountry: a.hostCountry,
      consulateId: to.consulateId,
      caseworkerId: to.caseworkerId,
      assignedAt: now.toISOString(),
      reason,
      previous,
      sequence,
    });
    return this.detail(manager, await this.assignments.getById(manager, a.caseId));
  }

  /**
   * SPEC's split of the office queue: a caseworker (who is not also a consul) reads their own
   * queue and the office's unassigned cases; the whole queue, and colleagues' queues, are the
   * consul's.
   */
  private async assertMayReadQueue(user: AuthUser, query: AssignmentQueueQuery): Promise<void> {
    if (user.roles.includes('admin') || user.roles.includes('consul')) return;
    if (query.unassigned === true) return;
    if (query.caseworkerId !== undefined) {
      const me = await this.linkedCaseworker(this.dataSource.manager, user);
      if (me.id === query.caseworkerId) return;
    }
    throw assignmentErrors.problem(
      AssignmentErrorCode.OfficeQueueForConsuls,
      "A caseworker reads their own queue (GET /v1/me/assignments) and the office's unassigned cases (unassigned=true); the whole office queue is the consul's.",
    );
  }

  /**
   * The consulate whose queue the caller may read: admins any (or all, when none is named);
   * consular staff their own only.
   */
  private async queueScope(user: AuthUser, requested: string | undefined): Promise<string | null> {
    if (user.roles.includes('admin')) {
      if (requested === undefined) return null;
      await this.directory.assertConsulateExists(requested);
      return requested;
    }
    const own = user.consulateId;
    if (own === null || (requested !== undefined && requested !== own)) {
      throw assignmentErrors.problem(
        AssignmentErrorCode.OutsideConsulate,
        "You may only see your own consulate's queue.",
      );
    }
    return own;
  }
}
