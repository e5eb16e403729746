import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { EventTypes } from '@casebridge/contracts';
import { AuthUser, insertRows } from '@casebridge/common';
import { OutboxWriter } from '@casebridge/messaging';
import { AuditService } from '../audit/audit.service';
import { PassportBlindIndex } from '../crypto/passport-blind-index';
import { CaseKeys } from '../keystore/case-keys.service';
import { Complainant, Employer } from './case-file.entity';
import { CasePresenter } from './case.presenter';
import { CaseErrorCode, caseErrors } from './cases.errors';
import { requestHash } from './canonical-json';
import { CaseResponse } from './dto/case.response';
import { CreateCaseDto } from './dto/create-case.dto';
import { visibleDuplicates } from './duplicate-visibility';
import {
  personalDataSent,
  ReplaySnapshot,
  replayedAnswer,
  sameNonPersonalFields,
  snapshotOf,
} from './idempotent-replay';
import { CaseFileRepository } from './repositories/case-file.repository';
import {
  IdempotencyKeyRepository,
  IdempotencyKeyRow,
} from './repositories/idempotency-key.repository';
import { triagePriority } from './triage';

/** Same passport, host country and category within this many days: a possible duplicate. */
const DUPLICATE_WINDOW_DAYS = 90;

export interface CreateCaseResult {
  case: CaseResponse;
  replayed: boolean;
}

/** Registers complaints: triage, encryption, the duplicate flag and Idempotency-Key replays. */
@Injectable()
export class CaseIntakeService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly blindIndex: PassportBlindIndex,
    private readonly caseKeys: CaseKeys,
    private readonly outbox: OutboxWriter,
    private readonly audit: AuditService,
    private readonly caseFiles: CaseFileRepository,
    private readonly idempotencyKeys: IdempotencyKeyRepository,
    private readonly presenter: CasePresenter,
  ) {}

  /**
   * Registers a complaint in two round trips: one statement reads the next reference number and
   * the earlier case it may duplicate, one statement writes the case, its `case.submitted` outbox
   * row, its audit entry and its Idempotency-Key together (atomic as a single statement). A key
   * already stored answers with the answer it was first given (see replay); two requests racing
   * with one key collide on its primary key, and the loser, having written nothing, answers as a
   * replay.
   */
  async create(
    user: AuthUser,
    dto: CreateCaseDto,
    idempotencyKey?: string,
  ): Promise<CreateCaseResult> {
    const key = idempotencyKey ? { key: idempotencyKey, hash: requestHash(dto) } : null;
    if (key) {
      const replay = await this.replayIfStored(user, key.key, key.hash, dto);
      if (replay) return { case: replay, replayed: true };
    }
    try {
      return { case: await this.insertCase(user, dto, key), replayed: false };
    } catch (error) {
      if (key && this.idempotencyKeys.isKeyTaken(error)) {
        const replay = await this.replayIfStored(user, key.key, key.hash, dto);
        if (replay) return { case: replay, replayed: true };
      }
      throw error;
    }
  }

  private async replayIfStored(
    user: AuthUser,
    key: string,
    hash: string,
    dto: CreateCaseDto,
  ): Promise<CaseResponse | null> {
    // Keys are per caller (the token's sub): another client's key of the same text is another key.
    const stored = await this.idempotencyKeys.find(this.dataSource.manager, user.sub, key);
    if (!stored) return null;
    return this.dataSource.transaction((manager) => this.replay(manager, user, stored, hash, dto));
  }

  /**
   * The first answer again (docs/retries.md), whatever happened to the case since (routed,
   * reassigned, closed, erased): its scope is not checked, for the caller learns nothing they
   * were not told at creation. Its personal fields are those of the retry's body, which is the
   * first body (same hash): never what staff added or corrected since, never more than the caller
   * sent. Once the case's personal data is erased the request's hash is gone with it: only the
   * fields that are not personal data can be compared, and the answer has its personal fields
   * null.
   */
  private async replay(
    manager: EntityManager,
    user: AuthUser,
    stored: IdempotencyKeyRow,
    hash: string,
    dto: CreateCaseDto,
  ): Promise<CaseResponse> {
    const snapshot = stored.response;
    const same =
      stored.request_hash !== null
        ? stored.request_hash === hash
        : sameNonPersonalFields(snapshot, dto);
    if (!same) {
      throw caseErrors.problem(
        CaseErrorCode.IdempotencyKeyReused,
        'This Idempotency-Key was already used with a different request body.',
      );
    }
    const existing = await this.caseFiles.findByIdOrFail(manager, stored.case_id);
    const erased = stored.request_hash === null || existing.personalDataErasedAt !== null;
    await this.audit.record(manager, user, 'case.idempotent_replay', existing.id);
    return replayedAnswer(
      snapshot,
      erased ? null : personalDataSent(dto),
      existing.personalDataErasedAt,
      await this.duplicateStillShown(manager, user, snapshot),
    );
  }

  /** The creation's `possibleDuplicateOf`, while the caller may still see that earlier case. */
  private async duplicateStillShown(
    manager: EntityManager,
    user: AuthUser,
    snapshot: ReplaySnapshot,
  ): Promise<string | null> {
    const earlier = snapshot.possibleDuplicateOf;
    if (earlier === null) return null;
    const holders = await this.caseFiles.holders(manager, [earlier]);
    const shown = visibleDuplicates(
      user,
      [{ id: snapshot.id, possibleDuplicateOf: earlier }],
      holders,
    );
    return shown.get(snapshot.id) ?? null;
  }

  private async insertCase(
    user: AuthUser,
    dto: CreateCaseDto,
    key: { key: string; hash: string } | null,
  ): Promise<CaseResponse> {
    const manager = this.dataSource.manager;
    const id = randomUUID();
    const now = new Date();
    const riskIndicators = dto.riskIndicators ?? [];
    const complainant: Complainant = {
      fullName: dto.complainant.fullName,
      passportNumber: dto.complainant.passportNumber ?? null,
      dateOfBirth: dto.complainant.dateOfBirth ?? null,
      phone: dto.complainant.phone ?? null,
      email: dto.complainant.email ?? null,
    };
    const employer: Employer | null = dto.employer
      ? {
          name: dto.employer.name,
          address: dto.employer.address ?? null,
          taxId: dto.employer.taxId ?? null,
        }
      : null;
    const passportIndex = complainant.passportNumber
      ? this.blindIndex.passportIndex(complainant.passportNumber)
      : null;
    // The earlier case may still be indexed under a former blind-index key (a rotation).
    const { seq, duplicate } = await this.caseFiles.referenceAndDuplicate(
      manager,
      complainant.passportNumber ? this.blindIndex.passportIndexes(complainant.passportNumber) : [],
      dto.hostCountry,
      dto.category,
      DUPLICATE_WINDOW_DAYS,
    );
    const possibleDuplicateOf = duplicate?.id ?? null;
    // The case's own key goes to the key store first: a key whose case then fails is an orphan
    // (harmless), never a case without its key.
    const cipher = await this.caseKeys.create(id);

    const { entity, row } = this.caseFiles.newRow(manager, {
      id,
      reference: `CB-${now.getUTCFullYear()}-${seq.padStart(6, '0')}`,
      status: 'submitted',
      priority: triagePriority(dto.category, riskIndicators),
      category: dto.category,
      riskIndicators,
      hostCountry: dto.hostCountry,
      hostCity: dto.hostCity ?? null,
      channel: dto.channel,
      preferredLanguage: dto.complainant.preferredLanguage,
      consentToShare: dto.complainant.consentToShare,
      complainantEnc: cipher.encryptJson(complainant, 'case_file.complainant_enc', id),
      employerEnc: employer ? cipher.encryptJson(employer, 'case_file.employer_enc', id) : null,
      descriptionEnc: cipher.encrypt(dto.description, 'case_file.description_enc', id),
      passportIndex,
      passportIndexKeyId: passportIndex ? this.blindIndex.currentKeyId : null,
      incidentDate: dto.incidentDate ?? null,
      amountClaimed: dto.amountClaimed ? dto.amountClaimed.amount.toFixed(2) : null,
      amountClaimedCurrency: dto.amountClaimed?.currency ?? null,
      outcomeType: null,
      amountRecovered: null,
      amountRecoveredCurrency: null,
      possibleDuplicateOf,
      duplicateDecision: null,
      duplicateDecidedAt: null,
      duplicateDecidedBy: null,
      consulateId: null,
      caseworkerId: null,
      assignmentSequence: 0,
      createdBy: user.sub,
      personalDataErasedAt: null,
      erasureReason: null,
      erasureTrigger: null,
      legalHoldReason: null,
      legalHoldAt: null,
      legalHoldBy: null,
      submittedAt: now,
      updatedAt: now,
      version: 1,
    });
    const submitted = this.outbox.row(EventTypes.CaseSubmitted, {
      caseId: id,
      reference: entity.reference,
      hostCountry: entity.hostCountry,
      hostCity: entity.hostCity,
      category: entity.category,
      priority: entity.priority,
      riskIndicators,
      channel: entity.channel,
      preferredLanguage: entity.preferredLanguage,
      submittedAt: now.toISOString(),
      amountClaimed: dto.amountClaimed
        ? { amount: dto.amountClaimed.amount, currency: dto.amountClaimed.currency }
        : null,
      possibleDuplicateOf,
    });
    const answer = this.presenter.created(
      user,
      entity,
      complainant,
      employer,
      dto.description,
      duplicate,
    );
    await insertRows(manager, [
      row,
      submitted.row,
      this.audit.row(user, 'case.created', id),
      ...(key
        ? [this.idempotencyKeys.row(user.sub, key.key, key.hash, id, snapshotOf(answer))]
        : []),
    ]);
    return answer;
  }
}
