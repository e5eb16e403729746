import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AssignmentReason, EventTypes } from '@casebridge/contracts';
import {
  AuthUser,
  DomainProblem,
  decodeCursor,
  encodeCursor,
  DEFAULT_PAGE_SIZE,
} from '@casebridge/common';
import { OutboxWriter } from '@casebridge/messaging';
import { inTransaction } from '../database/transactions';
import { Caseworker } from '../directory/caseworker.entity';
import { Consulate } from '../directory/consulate.entity';
import { CaseworkerNotFound, ConsulateNotFound } from '../directory/directory.service';
import { Assignment } from './assignment.entity';
import { canManageAssignment, canSeeAssignment } from './assignment-access';
import { AssignmentsRepository } from './assignments.repository';
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

export class AssignmentNotFound extends DomainProblem {
  constructor() {
    super(
      404,
      'assignment_not_found',
      'Not found',
      'No assignment for this case exists in your scope.',
    );
  }
}

interface Holder {
  consulateId: string;
  caseworkerId: string | null;
}

/** Reads of assignments and queues; reassignment within an office and transfer between offices. */
@Injectable()
export class AssignmentsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly repository: AssignmentsRepository,
    private readonly outbox: OutboxWriter,
  ) {}

  async get(user: AuthUser, caseId: string): Promise<AssignmentDetailResponse> {
    const manager = this.dataSource.manager;
    const found = await manager.findOneBy(Assignment, { caseId });
    if (!found || !canSeeAssignment(user, found.consulateId)) throw new AssignmentNotFound();
    return this.detail(manager, found);
  }

  async queue(user: AuthUser, query: AssignmentQueueQuery): Promise<AssignmentQueueResponse> {
    const consulateId = await this.queueScope(user, query.consulateId);
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const scope = this.dataSource.manager.createQueryBuilder(Assignment, 'a');
    if (consulateId !== null) scope.andWhere('a.consulateId = :consulateId', { consulateId });
    if (query.caseworkerId !== undefined)
      scope.andWhere('a.caseworkerId = :caseworkerId', { caseworkerId: query.caseworkerId });

    const counts = await scope
      .clone()
      .select('a.state', 'state')
      .addSelect('count(*)', 'count')
      .groupBy('a.state')
      .getRawMany<{ state: string; count: string }>();

    const filtered = scope.clone();
    if (query.state !== undefined) filtered.andWhere('a.state = :state', { state: query.state });
    const total = await filtered.clone().getCount();

    const page = filtered
      .clone()
      .orderBy('a.routedAt', 'ASC')
      .addOrderBy('a.caseId', 'ASC')
      .limit(limit + 1);
    if (query.cursor !== undefined) {
      const [routedAt, caseId] = decodeCursor(query.cursor, ['timestamp', 'uuid']);
      page.andWhere('(a.routedAt, a.caseId) > (:routedAt, :caseId)', {
        routedAt: new Date(routedAt),
        caseId,
      });
    }
    const rows = await page.getMany();
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
        throw new DomainProblem(
          409,
          'already_assigned',
          'Conflict',
          `The case is already assigned to ${dto.caseworkerId}.`,
        );
      }
      const locked = await this.repository.lockStaff(manager, null, [
        dto.caseworkerId,
        ...(a.caseworkerId ? [a.caseworkerId] : []),
      ]);
      const target = locked.find(
        (c) => c.id === dto.caseworkerId && c.consulateId === a.consulateId,
      );
      if (!target) throw new CaseworkerNotFound(dto.caseworkerId, a.consulateId);
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
        throw new DomainProblem(
          409,
          'same_consulate',
          'Conflict',
          `The case is already held by ${dto.consulateId}.`,
        );
      }
      const target = await manager.findOneBy(Consulate, { id: dto.consulateId });
      if (!target) throw new ConsulateNotFound(dto.consulateId);
      if (!target.active) {
        throw new DomainProblem(
          409,
          'consulate_inactive',
          'Conflict',
          `Consulate ${dto.consulateId} is inactive and takes no cases.`,
        );
      }
      const locked = await this.repository.lockStaff(
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
    const a = await this.repository.lockAssignment(manager, caseId);
    if (!a || !canManageAssignment(user, a.consulateId)) throw new AssignmentNotFound();
    if (!isOpenState(a.state)) {
      throw new DomainProblem(
        409,
        'case_not_open',
        'Conflict',
        `The case is ${a.state}; only open cases can be reassigned or transferred.`,
      );
    }
    return a;
  }

  private assertCanTakeCase(c: Caseworker): void {
    if (!c.active)
      throw new DomainProblem(
        409,
        'caseworker_inactive',
        'Conflict',
        `Caseworker ${c.id} is inactive.`,
      );
    if (c.openCases >= c.maxOpenCases) {
      throw new DomainProblem(
        409,
        'caseworker_at_capacity',
        'Conflict',
        `Caseworker ${c.id} already holds ${c.openCases} open cases (maximum ${c.maxOpenCases}).`,
      );
    }
  }

  private async detail(manager: EntityManager, a: Assignment): Promise<AssignmentDetailResponse> {
    const history = await this.repository.history(manager, a.caseId);
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
    await this.repository.adjustOpenCases(manager, previous.caseworkerId, -1);
    await this.repository.adjustOpenCases(manager, to.caseworkerId, 1);
    await manager.update(
      Assignment,
      { caseId: a.caseId },
      {
        consulateId: to.consulateId,
        caseworkerId: to.caseworkerId,
        reason,
        sequence,
        assignedAt: now,
        updatedAt: now,
      },
    );
    await this.repository.addHistory(manager, {
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
    return this.detail(manager, await manager.findOneByOrFail(Assignment, { caseId: a.caseId }));
  }

  /**
   * The consulate whose queue the caller may read: admins any (or all, when none is named);
   * consular staff their own only.
   */
  private async queueScope(user: AuthUser, requested: string | undefined): Promise<string | null> {
    if (user.roles.includes('admin')) {
      if (requested === undefined) return null;
      if (!(await this.dataSource.manager.existsBy(Consulate, { id: requested })))
        throw new ConsulateNotFound(requested);
      return requested;
    }
    const own = user.consulateId;
    if (own === null || (requested !== undefined && requested !== own)) {
      throw new DomainProblem(
        403,
        'outside_consulate',
        'Forbidden',
        "You may only see your own consulate's queue.",
      );
    }
    return own;
  }
}
