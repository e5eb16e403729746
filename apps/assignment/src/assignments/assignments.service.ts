import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AssignmentReason, EventTypes } from '@casebridge/contracts';
import { AuthUser, decodeCursor, encodeCursor, DEFAULT_PAGE_SIZE } from '@casebridge/common';
import { OutboxWriter } from '@casebridge/messaging';
import { inTransaction } from '../database/transactions';
import type { Caseworker } from '../directory/caseworker.entity';
import { CaseworkersRepository } from '../directory/caseworkers.repository';
import { DirectoryService } from '../directory/directory.service';
import { Assignment } from './assignment.entity';
import { canManageAssignment, canSeeAssignment } from './assignment-access';
import { AssignmentHistoryRepository } from './assignment-history.repository';
import { assignmentErrors, AssignmentErrorCode, assignmentNotFound } from './assignments.errors';
import { AssignmentsRepository, QueuePosition } from './assignments.repository';
import { AssignmentQueueQuery, ReassignDto, TransferDto } from './dto/assignment.dto';
import {
  AssignmentDetailResponse,
  AssignmentQueueResponse,
  toAssignmentResponse,
  toHistoryEntry,
  toStateCounts,
} from './dto/assignment.response';
import { isOpenState } from './lifecycle';
import { chooseCaseworker } from './routing';

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
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    let after: QueuePosition | null = null;
    if (query.cursor !== undefined) {
      const [routedAt, caseId] = decodeCursor(query.cursor, ['timestamp', 'uuid']);
      after = { routedAt: new Date(routedAt), caseId };
    }
    const { counts, total, rows } = await this.assignments.queue(
      this.dataSource.manager,
      { consulateId, caseworkerId: query.caseworkerId, state: query.state },
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
