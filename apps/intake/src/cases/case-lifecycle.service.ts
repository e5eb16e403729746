import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { randomUUID } from 'node:crypto';
import { EventTypes } from '@casebridge/contracts';
import type { CaseAction, CaseStatus } from '@casebridge/contracts';
import { AuthUser, DomainProblem, ValidationProblem } from '@casebridge/common';
import { OutboxWriter } from '@casebridge/messaging';
import { AuditService } from '../audit/audit.service';
import { CaseKeys } from '../keystore/case-keys.service';
import { casePartiesOf, roleActingAs } from './case-access';
import { CasePresenter } from './case.presenter';
import { CaseScope } from './case-scope.service';
import {
  CaseErrorCode,
  caseErrors,
  cipherForWrite,
  personalDataErased,
  staleVersion,
} from './cases.errors';
import { CaseResponse } from './dto/case.response';
import { eventOutcome, TransitionDto } from './dto/transition.dto';
import {
  allowedActions,
  CaseParty,
  nextStatus,
  permittedActions,
  permittingParty,
  REASON_REQUIRED,
} from './lifecycle';
import { CaseFileRepository } from './repositories/case-file.repository';
import { CaseStatusChangeRepository } from './repositories/case-status-change.repository';

/**
 * Staff move a case through its lifecycle (SPEC.md, Intake API), under optimistic concurrency: the
 * holding consulate's staff work it; intake officers may only end (withdraw, reject) a case not
 * yet routed (lifecycle.ts, permittingParty). The row lock orders a transition and the arrival of
 * its case.assigned: whichever commits first, the other sees its result.
 */
@Injectable()
export class CaseLifecycleService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly caseKeys: CaseKeys,
    private readonly outbox: OutboxWriter,
    private readonly audit: AuditService,
    private readonly scope: CaseScope,
    private readonly caseFiles: CaseFileRepository,
    private readonly statusChanges: CaseStatusChangeRepository,
    private readonly presenter: CasePresenter,
  ) {}

  async transition(
    user: AuthUser,
    id: string,
    dto: TransitionDto,
    ifMatch?: number,
  ): Promise<CaseResponse> {
    return this.dataSource.transaction(async (manager) => {
      const c = await this.scope.lock(manager, user, id);
      const stale = staleVersion(dto.version ?? ifMatch, c.version);
      if (stale) throw stale;
      if (dto.action === 'reopen' && c.duplicateDecision === 'confirmed') {
        throw caseErrors.problem(
          CaseErrorCode.InvalidTransition,
          'This case was closed as a confirmed duplicate; work the earlier case instead.',
          { caseStatus: c.status, allowedActions: [] },
        );
      }
      const parties = casePartiesOf(user, c.consulateId);
      const party = permittingParty(c.status, dto.action, parties);
      const to = nextStatus(c.status, dto.action);
      if (!party || !to) throw invalidTransition(c.status, dto.action, parties);
      checkTransitionFields(dto);
      if (dto.comment && c.personalDataErasedAt) throw personalDataErased(c.personalDataErasedAt);
      const from: CaseStatus = c.status;
      const now = new Date();
      c.status = to;
      c.version += 1;
      c.updatedAt = now;
      if (dto.action === 'resolve' && dto.outcome) {
        c.outcomeType = dto.outcome.type;
        c.amountRecovered = dto.outcome.amountRecovered
          ? dto.outcome.amountRecovered.amount.toFixed(2)
          : null;
        c.amountRecoveredCurrency = dto.outcome.amountRecovered?.currency ?? null;
      } else if (dto.action === 'reopen') {
        c.outcomeType = null;
        c.amountRecovered = null;
        c.amountRecoveredCurrency = null;
      }
      await this.caseFiles.save(manager, c);
      const role = roleActingAs(user, party);
      const outcome = dto.action === 'resolve' ? eventOutcome(dto.outcome) : null;
      const changeId = randomUUID();
      await this.statusChanges.insertByUser(manager, {
        id: changeId,
        caseId: c.id,
        from,
        to,
        action: dto.action,
        actorId: user.sub,
        actorRole: role,
        reason: dto.reason ?? null,
        commentEnc: dto.comment
          ? (await cipherForWrite(() => this.caseKeys.forCase(c.id))).encrypt(
              dto.comment,
              'case_status_change.comment_enc',
              changeId,
            )
          : null,
        outcome,
        version: c.version,
        at: now,
      });
      await this.outbox.add(manager, EventTypes.CaseStatusChanged, {
        caseId: c.id,
        hostCountry: c.hostCountry,
        from,
        to,
        at: now.toISOString(),
        actor: { type: 'user', id: user.sub, role },
        version: c.version,
        reason: dto.reason ?? null,
        outcome,
      });
      await this.audit.record(manager, user, 'case.transitioned', c.id);
      return this.presenter.file(manager, user, c);
    });
  }
}

/**
 * 409 naming what the caller may do instead. An action the lifecycle allows but the caller's part
 * in the case does not (an intake officer ending a case already routed) says why.
 */
function invalidTransition(
  status: CaseStatus,
  action: CaseAction,
  parties: readonly CaseParty[],
): DomainProblem {
  const allowed = permittedActions(status, parties);
  const why =
    nextStatus(status, action) !== null
      ? ` by you: intake officers end only cases not yet routed; once routed, the consulate holding the case decides`
      : '';
  const final = allowedActions(status).length === 0;
  return caseErrors.problem(
    CaseErrorCode.InvalidTransition,
    `A ${status} case cannot be '${action}'${why}. Allowed: ${allowed.length ? allowed.join(', ') : final ? 'none (the case is final)' : 'none for you'}.`,
    { caseStatus: status, allowedActions: allowed },
  );
}

/** What the DTO alone cannot check: fields an action needs, or must not carry. */
function checkTransitionFields(dto: TransitionDto): void {
  const errors: { field: string; message: string }[] = [];
  if (dto.action === 'resolve') {
    if (!dto.outcome)
      errors.push({ field: 'outcome', message: 'outcome is required to resolve a case' });
    else if (dto.outcome.type === 'wages_recovered' && !dto.outcome.amountRecovered) {
      errors.push({
        field: 'outcome.amountRecovered',
        message: 'wages_recovered needs the amount and currency recovered',
      });
    }
  } else if (dto.outcome) {
    errors.push({ field: 'outcome', message: `outcome is only for resolve, not ${dto.action}` });
  }
  if (REASON_REQUIRED.has(dto.action) && !dto.reason) {
    errors.push({ field: 'reason', message: `reason is required to ${dto.action} a case` });
  }
  if (errors.length)
    throw new ValidationProblem(
      errors,
      `Invalid fields: ${errors.map((e) => e.field).join(', ')}.`,
    );
}
