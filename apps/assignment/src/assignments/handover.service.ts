import { createHash } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { CONSULATE_ID_PATTERN, EventTypes } from '@casebridge/contracts';
import { AuthUser, insertRows, RowInsert, ValidationProblem } from '@casebridge/common';
import { OutboxWriter } from '@casebridge/messaging';
import { inTransaction, isUniqueViolation } from '../database/transactions';
import { CASEWORKER_ID } from '../directory/caseworker.entity';
import { CaseworkersRepository } from '../directory/caseworkers.repository';
import { directoryErrors, DirectoryErrorCode } from '../directory/directory.errors';
import { DirectoryService } from '../directory/directory.service';
import { canManageAssignment } from './assignment-access';
import { AssignmentHistoryRepository } from './assignment-history.repository';
import { assignmentErrors, AssignmentErrorCode } from './assignments.errors';
import { AssignmentsRepository } from './assignments.repository';
import { HandoverDto } from './dto/handover.dto';
import { HandoverResponse } from './dto/handover.response';
import { handoverCounts, HandoverTarget, planHandover } from './handover';
import { HandoverRepository, StoredHandover } from './handover.repository';

/** Cases written per statement group: bounded statements, and a progress line per group. */
const CHUNK = 200;
const IDEMPOTENCY_KEY = /^[A-Za-z0-9._:-]{8,128}$/;
const KEY_CONSTRAINT = 'caseworker_handover_idempotency_key';
/** Attempts whose late-case lock does not wait; the last one waits. */
const LATE_LOCK_ATTEMPTS = 5;

/** PostgreSQL lock_not_available: a NOWAIT lock found the row locked. */
function isLockNotAvailable(error: unknown): boolean {
  const e = error as { code?: unknown; driverError?: { code?: unknown } } | null;
  return (e?.code ?? e?.driverError?.code) === '55P03';
}

/**
 * A caseworker leaves (or goes on long leave): their open cases move in one transaction, to a
 * named colleague or back through the routing rules within the office, with one case.assigned
 * per case through the outbox, and the caseworker is deactivated. All or nothing. A retry with
 * the same Idempotency-Key answers from the record; without one, a retry moves only what is
 * still theirs (nothing, once the first request committed).
 */
@Injectable()
export class HandoverService {
  private readonly logger = new Logger(HandoverService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly assignments: AssignmentsRepository,
    private readonly history: AssignmentHistoryRepository,
    private readonly caseworkers: CaseworkersRepository,
    private readonly directory: DirectoryService,
    private readonly handovers: HandoverRepository,
    private readonly outbox: OutboxWriter,
  ) {}

  async handover(
    user: AuthUser,
    consulateId: string,
    caseworkerId: string,
    dto: HandoverDto,
    idempotencyKey: string | undefined,
  ): Promise<HandoverResponse> {
    if (idempotencyKey !== undefined && !IDEMPOTENCY_KEY.test(idempotencyKey)) {
      throw new ValidationProblem(
        [{ field: 'Idempotency-Key', message: 'must be 8–128 characters of [A-Za-z0-9._:-]' }],
        'Invalid Idempotency-Key header.',
      );
    }
    if (dto.mode === 'routing' && dto.caseworkerId !== undefined) {
      throw new ValidationProblem(
        [{ field: 'caseworkerId', message: 'is only allowed with mode caseworker' }],
        'Name a caseworker only when every case goes to them.',
      );
    }
    if (dto.caseworkerId === caseworkerId) {
      throw new ValidationProblem(
        [{ field: 'caseworkerId', message: 'must name another caseworker than the one leaving' }],
        'The cases must go to someone else.',
      );
    }
    if (!canManageAssignment(user, consulateId)) {
      throw assignmentErrors.problem(
        AssignmentErrorCode.OutsideConsulate,
        "You may only hand over your own consulate's caseworkers.",
      );
    }
    // The office and its caseworker first, read without locks: nothing of another office is
    // locked, replayed or revealed, and ids that cannot exist never reach SQL.
    if (!CONSULATE_ID_PATTERN.test(consulateId)) {
      throw directoryErrors.problem(
        DirectoryErrorCode.ConsulateNotFound,
        'No consulate with this id exists.',
      );
    }
    await this.directory.assertConsulateExists(consulateId);
    const member =
      CASEWORKER_ID.test(caseworkerId) &&
      (await this.caseworkers.existsAt(this.dataSource.manager, caseworkerId, consulateId));
    if (!member) {
      throw directoryErrors.problem(
        DirectoryErrorCode.CaseworkerNotFound,
        `No such caseworker works at consulate ${consulateId}.`,
      );
    }
    const target: HandoverTarget =
      dto.mode === 'caseworker' && dto.caseworkerId !== undefined
        ? { mode: 'caseworker', caseworkerId: dto.caseworkerId }
        : { mode: 'routing' };
    const deactivate = dto.deactivate ?? true;
    const requestHash = createHash('sha256')
      .update(JSON.stringify([target.mode, dto.caseworkerId ?? null, deactivate]))
      .digest('hex');
    const key = idempotencyKey ?? null;
    try {
      for (let attempt = 1; ; attempt += 1) {
        // The first attempts never wait for a case locked after the office's staff (see move);
        // the last one waits, with PostgreSQL's deadlock detection (and inTransaction's retry)
        // behind it.
        const waitForLateCases = attempt >= LATE_LOCK_ATTEMPTS;
        try {
          return await inTransaction(this.dataSource, async (manager) => {
            if (key !== null) {
              const stored = await this.handovers.findByKey(
                manager,
                consulateId,
                caseworkerId,
                key,
              );
              if (stored) return this.replay(stored, requestHash);
            }
            return this.move(manager, user, consulateId, caseworkerId, target, deactivate, {
              key,
              requestHash,
              waitForLateCases,
            });
          });
        } catch (error) {
          if (waitForLateCases || !isLockNotAvailable(error)) throw error;
          await new Promise((resolve) => setTimeout(resolve, 25 * attempt + Math.random() * 50));
        }
      }
    } catch (error) {
      // The same key sent twice at once: the first commits, the second answers from its record.
      if (key === null || !isUniqueViolation(error, KEY_CONSTRAINT)) throw error;
      const stored = await this.handovers.findByKey(
        this.dataSource.manager,
        consulateId,
        caseworkerId,
        key,
      );
      if (!stored) throw error;
      return this.replay(stored, requestHash);
    }
  }

  private replay(stored: StoredHandover, requestHash: string): HandoverResponse {
    if (stored.requestHash !== requestHash) {
      throw assignmentErrors.problem(
        AssignmentErrorCode.IdempotencyKeyReused,
        'This Idempotency-Key was used for a handover of this caseworker with another body.',
      );
    }
    return { id: stored.id, ...stored.summary, replayed: true };
  }

  private async move(
    manager: EntityManager,
    user: AuthUser,
    consulateId: string,
    caseworkerId: string,
    target: HandoverTarget,
    deactivate: boolean,
    request: { key: string | null; requestHash: string; waitForLateCases: boolean },
  ): Promise<HandoverResponse> {
    // Lock order as everywhere: assignment rows first, then the office's caseworkers.
    const cases = await this.assignments.lockOpenHeldBy(manager, caseworkerId);
    const staff = await this.caseworkers.lockStaff(manager, consulateId);
    const leaving = this.directory.requireCaseworkerAt(staff, caseworkerId, consulateId);
    // Cases that became theirs while we waited for the office's locks (routed, claimed or
    // reassigned meanwhile; from now on all of that waits for us). Locking these breaks the
    // order, so it does not wait: a transaction holding one of them may be waiting for the
    // staff rows we hold. NOWAIT fails instead (55P03) and the whole handover is tried again.
    const late = await this.assignments.lockOpenHeldBy(
      manager,
      caseworkerId,
      cases.map((c) => c.caseId),
      !request.waitForLateCases,
    );
    const all = [...cases, ...late];
    if (target.mode === 'caseworker') {
      const receiver = this.directory.requireCaseworkerAt(staff, target.caseworkerId, consulateId);
      if (!receiver.active) {
        throw assignmentErrors.problem(
          AssignmentErrorCode.CaseworkerInactive,
          `Caseworker ${receiver.id} is inactive.`,
        );
      }
      const room = Math.max(receiver.maxOpenCases - receiver.openCases, 0);
      if (all.length > room) {
        throw assignmentErrors.problem(
          AssignmentErrorCode.CaseworkerAtCapacity,
          `Caseworker ${receiver.id} can take ${room} more open cases; ${leaving.id} holds ${all.length}. Nothing was moved.`,
        );
      }
    }
    const moves = planHandover(all, staff, leaving.id, target);
    const now = new Date();
    const byCase = new Map(all.map((a) => [a.caseId, a]));
    for (let start = 0; start < moves.length; start += CHUNK) {
      const chunk = moves.slice(start, start + CHUNK);
      await this.assignments.updateHolders(manager, chunk, 'reassigned', now);
      const rows: RowInsert[] = [];
      for (const m of chunk) {
        const a = byCase.get(m.caseId);
        if (!a) continue;
        rows.push(
          this.history.row({
            caseId: m.caseId,
            sequence: m.sequence,
            consulateId,
            caseworkerId: m.caseworkerId,
            reason: 'reassigned',
            transferReason: null,
            actorId: user.sub,
            actorRole: user.roles.join(','),
            at: now,
            via: 'handover',
          }),
          this.outbox.row(EventTypes.CaseAssigned, {
            caseId: m.caseId,
            hostCountry: a.hostCountry,
            consulateId,
            caseworkerId: m.caseworkerId,
            assignedAt: now.toISOString(),
            reason: 'reassigned',
            previous: { consulateId, caseworkerId: leaving.id },
            sequence: m.sequence,
          }).row,
        );
      }
      if (rows.length > 0) await insertRows(manager, rows);
      if (moves.length > CHUNK) {
        this.logger.log(
          `handover of ${leaving.id}: ${Math.min(start + CHUNK, moves.length)}/${moves.length} cases moved`,
        );
      }
    }
    const deltas = new Map<string, number>([[leaving.id, -moves.length]]);
    for (const m of moves) {
      if (m.caseworkerId !== null)
        deltas.set(m.caseworkerId, (deltas.get(m.caseworkerId) ?? 0) + 1);
    }
    await this.caseworkers.adjustOpenCasesMany(manager, deltas);
    if (deactivate && leaving.active) await this.caseworkers.deactivate(manager, leaving.id, now);
    const summary = {
      caseworkerId: leaving.id,
      consulateId,
      mode: target.mode,
      deactivated: deactivate,
      moved: moves.length,
      ...handoverCounts(moves),
      cases: moves.map((m) => ({ caseId: m.caseId, caseworkerId: m.caseworkerId })),
      actorId: user.sub,
      at: now.toISOString(),
    };
    const id = await this.handovers.insert(manager, {
      caseworkerId: leaving.id,
      consulateId,
      mode: target.mode,
      targetCaseworkerId: target.mode === 'caseworker' ? target.caseworkerId : null,
      deactivated: deactivate,
      summary,
      idempotencyKey: request.key,
      requestHash: request.requestHash,
      actorId: user.sub,
      actorRole: user.roles.join(','),
      at: now,
    });
    this.logger.log(
      `handover of ${leaving.id} at ${consulateId}: ${moves.length} open cases moved (${target.mode}), ${summary.toOfficeQueue} to the office queue`,
    );
    return { id, ...summary, replayed: false };
  }
}
