import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { DuplicateDecision, EventTypes, OPEN_CASE_STATUSES } from '@casebridge/contracts';
import { AuthUser } from '@casebridge/common';
import { OutboxWriter } from '@casebridge/messaging';
import { AuditService } from '../audit/audit.service';
import { actingRole, canAccessCase } from './case-access';
import { CasePresenter } from './case.presenter';
import { CaseScope } from './case-scope.service';
import { CaseErrorCode, caseErrors, staleVersion } from './cases.errors';
import { CaseResponse } from './dto/case.response';
import { DuplicateDecisionDto } from './dto/duplicate-decision.dto';
import { CaseFileRepository } from './repositories/case-file.repository';
import { CaseLinkRepository } from './repositories/case-link.repository';
import { CaseStatusChangeRepository } from './repositories/case-status-change.repository';

/**
 * Staff decide whether a case flagged `possibleDuplicateOf` is the earlier complaint again. A
 * confirmed duplicate is closed (reason `duplicate`), linked both ways to the earlier case and
 * published, so that reporting counts the complaint once; a dismissed one stays a case of its
 * own. Decided once: the decision is the case's, audited, under optimistic concurrency.
 */
@Injectable()
export class DuplicateDecisionService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly outbox: OutboxWriter,
    private readonly audit: AuditService,
    private readonly scope: CaseScope,
    private readonly caseFiles: CaseFileRepository,
    private readonly statusChanges: CaseStatusChangeRepository,
    private readonly links: CaseLinkRepository,
    private readonly presenter: CasePresenter,
  ) {}

  async decide(
    user: AuthUser,
    id: string,
    dto: DuplicateDecisionDto,
    ifMatch?: number,
  ): Promise<CaseResponse> {
    return this.dataSource.transaction(async (manager) => {
      const c = await this.scope.lock(manager, user, id);
      const stale = staleVersion(dto.version ?? ifMatch, c.version);
      if (stale) throw stale;
      // Only a flag the caller may see (SPEC.md, Access): to a consul of another office the
      // earlier case, and so the flag, does not exist.
      const earlier = c.possibleDuplicateOf;
      const holders = earlier
        ? await this.caseFiles.holders(manager, [earlier])
        : new Map<string, string | null>();
      if (
        earlier === null ||
        !holders.has(earlier) ||
        !canAccessCase(user, holders.get(earlier) ?? null)
      ) {
        throw caseErrors.problem(
          CaseErrorCode.NotAPossibleDuplicate,
          'This case is not flagged as a possible duplicate of a case in your scope.',
        );
      }
      if (c.duplicateDecision !== null) {
        throw caseErrors.problem(
          CaseErrorCode.DuplicateAlreadyDecided,
          `This possible duplicate was already ${c.duplicateDecision}.`,
          { duplicateDecision: c.duplicateDecision },
        );
      }
      const confirm = dto.decision === 'confirm';
      if (confirm && !OPEN_CASE_STATUSES.includes(c.status)) {
        throw caseErrors.problem(
          CaseErrorCode.InvalidTransition,
          `A ${c.status} case is final; a duplicate can be confirmed only while the case is open.`,
          { caseStatus: c.status },
        );
      }
      const decision: DuplicateDecision = confirm ? 'confirmed' : 'dismissed';
      const now = new Date();
      const from = c.status;
      const role = actingRole(user);
      const actor = { type: 'user' as const, id: user.sub, role };
      c.version += 1;
      c.updatedAt = now;
      c.duplicateDecision = decision;
      c.duplicateDecidedAt = now;
      c.duplicateDecidedBy = user.sub;
      if (confirm) c.status = 'closed';
      await this.caseFiles.save(manager, c);
      if (confirm) {
        await this.statusChanges.insertByUser(manager, {
          caseId: c.id,
          from,
          to: 'closed',
          action: 'confirm_duplicate',
          actorId: user.sub,
          actorRole: role,
          reason: 'duplicate',
          commentEnc: null,
          outcome: null,
          version: c.version,
          at: now,
        });
        await this.links.linkDuplicate(manager, c.id, earlier, now);
        await this.outbox.add(manager, EventTypes.CaseStatusChanged, {
          caseId: c.id,
          hostCountry: c.hostCountry,
          from,
          to: 'closed',
          at: now.toISOString(),
          actor,
          version: c.version,
          reason: 'duplicate',
          outcome: null,
        });
      }
      await this.outbox.add(manager, EventTypes.CaseDuplicateDecided, {
        caseId: c.id,
        hostCountry: c.hostCountry,
        duplicateOf: earlier,
        decision,
        at: now.toISOString(),
        actor,
        version: c.version,
      });
      await this.audit.record(manager, user, 'case.duplicate_decided', c.id);
      return this.presenter.file(manager, user, c);
    });
  }
}
