import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { AuthUser } from '@casebridge/common';
import { EventTypes, type ErasureReason, type ErasureTrigger } from '@casebridge/contracts';
import { OutboxWriter } from '@casebridge/messaging';
import { AuditService } from '../audit/audit.service';
import { CaseFile } from '../cases/case-file.entity';
import { CaseErrorCode, caseErrors, caseNotFound } from '../cases/cases.errors';
import { CaseFileRepository } from '../cases/repositories/case-file.repository';
import { IdempotencyKeyRepository } from '../cases/repositories/idempotency-key.repository';
import { CaseKeys } from '../keystore/case-keys.service';
import { ErasureResponse } from './dto/erase-personal-data.dto';

/** The reason code of an erasure the retention period caused. */
export const RETENTION_REASON = 'retention_period_ended';

/**
 * Erases a case's personal data (SPEC.md, Personal data lifecycle), in this order:
 * 1. its data key is destroyed in the key store (that is the erasure, crypto-shredding; it is
 *    idempotent and needs no case lock);
 * 2. in one transaction of the case database: the ciphertexts (case, notes, comments) and the
 *    passport blind index are emptied, so is the hash of the body of each Idempotency-Key that
 *    created the case (it derived from its personal data; the key keeps answering, see
 *    docs/retries.md), the case is marked erased (when, reason code, trigger),
 *    the event is put in the outbox and the erasure audited.
 * A crash between the two leaves a case whose key is destroyed but which is not marked: erasing
 * it again (the request repeated, the retention job's next run) finds the key destroyed and
 * completes step 2. An erased case answers its erasure again (200, nothing new, no second event).
 * A case under legal hold is refused (409 legal_hold).
 */
@Injectable()
export class PersonalDataErasureService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly caseKeys: CaseKeys,
    private readonly caseFiles: CaseFileRepository,
    private readonly idempotencyKeys: IdempotencyKeyRepository,
    private readonly outbox: OutboxWriter,
    private readonly audit: AuditService,
  ) {}

  async erase(
    actor: AuthUser,
    caseId: string,
    reason: ErasureReason | typeof RETENTION_REASON,
    trigger: ErasureTrigger,
  ): Promise<ErasureResponse> {
    const found = await this.dataSource.transaction((m) => this.caseFiles.findById(m, caseId));
    if (!found) throw caseNotFound();
    if (found.personalDataErasedAt) return erasureOf(found);
    if (found.legalHoldReason) throw legalHold();
    await this.caseKeys.destroy(caseId);
    return this.dataSource.transaction(async (manager) => {
      const c = await this.caseFiles.findByIdForUpdate(manager, caseId);
      if (!c) throw caseNotFound();
      // A concurrent erasure (another request, the job on another instance) came first.
      if (c.personalDataErasedAt) return erasureOf(c);
      // A hold set between the two steps: the key is destroyed already, so the case side is
      // completed (a hold cannot bring a destroyed key back); the hold stays on record.
      const now = new Date();
      c.complainantEnc = null;
      c.employerEnc = null;
      c.descriptionEnc = null;
      c.passportIndex = null;
      c.personalDataErasedAt = now;
      c.erasureReason = reason;
      c.erasureTrigger = trigger;
      c.version += 1;
      c.updatedAt = now;
      await this.caseFiles.save(manager, c);
      await manager.query('UPDATE case_note SET body_enc = NULL WHERE case_id = $1', [c.id]);
      await manager.query(
        'UPDATE case_status_change SET comment_enc = NULL WHERE case_id = $1 AND comment_enc IS NOT NULL',
        [c.id],
      );
      await this.idempotencyKeys.forgetRequestHashes(manager, c.id);
      await this.outbox.add(manager, EventTypes.CasePersonalDataErased, {
        caseId: c.id,
        hostCountry: c.hostCountry,
        erasedAt: now.toISOString(),
        reason,
        trigger,
        version: c.version,
      });
      await this.audit.record(manager, actor, 'case.personal_data_erased', c.id);
      return erasureOf(c);
    });
  }
}

function legalHold() {
  return caseErrors.problem(
    CaseErrorCode.LegalHold,
    'This case is under legal hold: its personal data may not be erased until the hold is released.',
  );
}

function erasureOf(c: CaseFile): ErasureResponse {
  return {
    caseId: c.id,
    personalDataErasedAt: c.personalDataErasedAt!.toISOString(),
    reason: c.erasureReason!,
    trigger: c.erasureTrigger!,
    version: c.version,
  };
}
