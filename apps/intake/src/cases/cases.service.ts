import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { CasebridgeEvent, EventTypes } from '@casebridge/contracts';
import { AuthUser, DomainProblem } from '@casebridge/common';
import { OutboxWriter } from '@casebridge/messaging';
import { AuditService } from '../audit/audit.service';
import { PersonalDataCipher } from '../crypto/personal-data-cipher';
import { canAccessCase } from './case-access';
import { CaseFile, Complainant, Employer } from './case-file.entity';
import { requestHash } from './canonical-json';
import { CreateCaseDto } from './dto/create-case.dto';
import { CaseResponse, toCaseResponse } from './dto/case.response';
import { triagePriority } from './triage';

const DUPLICATE_WINDOW_DAYS = 90;

export interface CreateCaseResult {
  case: CaseResponse;
  replayed: boolean;
}

export class CaseNotFound extends DomainProblem {
  constructor() {
    super(404, 'case_not_found', 'Not found', 'No case with this id exists in your scope.');
  }
}

@Injectable()
export class CasesService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly cipher: PersonalDataCipher,
    private readonly outbox: OutboxWriter,
    private readonly audit: AuditService,
  ) {}

  async create(
    user: AuthUser,
    dto: CreateCaseDto,
    idempotencyKey?: string,
  ): Promise<CreateCaseResult> {
    const hash = idempotencyKey ? requestHash(dto) : null;
    try {
      return await this.dataSource.transaction(async (manager) => {
        if (idempotencyKey && hash) {
          const replay = await this.replay(manager, user, idempotencyKey, hash);
          if (replay) return { case: replay, replayed: true };
        }
        const created = await this.insertCase(manager, user, dto);
        if (idempotencyKey && hash) {
          await manager.query(
            'INSERT INTO idempotency_key (caller, key, request_hash, case_id) VALUES ($1, $2, $3, $4)',
            [user.sub, idempotencyKey, hash, created.id],
          );
        }
        return { case: created, replayed: false };
      });
    } catch (error) {
      // Two requests with one key raced: the loser reads what the winner stored.
      const e = error as {
        code?: string;
        constraint?: string;
        driverError?: { constraint?: string };
      };
      if (
        idempotencyKey &&
        hash &&
        e.code === '23505' &&
        (e.constraint ?? e.driverError?.constraint) === 'idempotency_key_pkey'
      ) {
        const replay = await this.dataSource.transaction((m) =>
          this.replay(m, user, idempotencyKey, hash),
        );
        if (replay) return { case: replay, replayed: true };
      }
      throw error;
    }
  }

  private async replay(
    manager: EntityManager,
    user: AuthUser,
    key: string,
    hash: string,
  ): Promise<CaseResponse | null> {
    const [stored] = await manager.query<{ request_hash: string; case_id: string }[]>(
      'SELECT request_hash, case_id FROM idempotency_key WHERE caller = $1 AND key = $2',
      [user.sub, key],
    );
    if (!stored) return null;
    if (stored.request_hash !== hash) {
      throw new DomainProblem(
        409,
        'idempotency_key_reused',
        'Conflict',
        'This Idempotency-Key was already used with a different request body.',
      );
    }
    const existing = await manager.findOneByOrFail(CaseFile, { id: stored.case_id });
    await this.audit.record(manager, user, 'case.idempotent_replay', existing.id);
    return this.present(existing);
  }

  private async insertCase(
    manager: EntityManager,
    user: AuthUser,
    dto: CreateCaseDto,
  ): Promise<CaseResponse> {
    const id = randomUUID();
    const now = new Date();
    const [{ seq }] = await manager.query<{ seq: string }[]>(
      "SELECT nextval('case_reference_seq') AS seq",
    );
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
      ? this.cipher.passportIndex(complainant.passportNumber)
      : null;
    const possibleDuplicateOf = passportIndex
      ? await this.findEarlierDuplicate(manager, passportIndex, dto.hostCountry, dto.category)
      : null;

    const entity = manager.create(CaseFile, {
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
      complainantEnc: this.cipher.encryptJson(complainant, id),
      employerEnc: employer ? this.cipher.encryptJson(employer, id) : null,
      descriptionEnc: this.cipher.encrypt(dto.description, id),
      passportIndex,
      incidentDate: dto.incidentDate ?? null,
      amountClaimed: dto.amountClaimed ? dto.amountClaimed.amount.toFixed(2) : null,
      amountClaimedCurrency: dto.amountClaimed?.currency ?? null,
      outcomeType: null,
      amountRecovered: null,
      amountRecoveredCurrency: null,
      possibleDuplicateOf,
      consulateId: null,
      caseworkerId: null,
      assignmentSequence: 0,
      createdBy: user.sub,
      submittedAt: now,
      updatedAt: now,
      version: 1,
    });
    await manager.insert(CaseFile, entity);
    await this.outbox.add(manager, EventTypes.CaseSubmitted, {
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
    await this.audit.record(manager, user, 'case.created', id);
    return toCaseResponse(entity, complainant, employer, dto.description);
  }

  private async findEarlierDuplicate(
    manager: EntityManager,
    passportIndex: string,
    hostCountry: string,
    category: string,
  ): Promise<string | null> {
    const [row] = await manager.query<{ id: string }[]>(
      `SELECT id FROM case_file
       WHERE passport_index = $1 AND host_country = $2 AND category = $3
         AND submitted_at >= now() - make_interval(days => $4)
       ORDER BY submitted_at ASC, id ASC LIMIT 1`,
      [passportIndex, hostCountry, category, DUPLICATE_WINDOW_DAYS],
    );
    return row?.id ?? null;
  }

  async get(user: AuthUser, id: string): Promise<CaseResponse> {
    return this.dataSource.transaction(async (manager) => {
      const found = await manager.findOneBy(CaseFile, { id });
      if (!found || !canAccessCase(user, found.consulateId)) throw new CaseNotFound();
      await this.audit.record(manager, user, 'case.read', id);
      return this.present(found);
    });
  }

  present(c: CaseFile): CaseResponse {
    return toCaseResponse(
      c,
      this.cipher.decryptJson<Complainant>(c.complainantEnc, c.id),
      c.employerEnc ? this.cipher.decryptJson<Employer>(c.employerEnc, c.id) : null,
      this.cipher.decrypt(c.descriptionEnc, c.id),
    );
  }

  /**
   * Records who holds the case (it scopes consular access) and moves a submitted case to
   * `assigned`. Assignments are applied by sequence: an older one arriving late changes nothing.
   */
  async applyAssignment(
    event: CasebridgeEvent<typeof EventTypes.CaseAssigned>,
    manager: EntityManager,
  ): Promise<void> {
    const a = event.data;
    const found = await manager.findOne(CaseFile, {
      where: { id: a.caseId },
      lock: { mode: 'pessimistic_write' },
    });
    if (!found) throw new Error(`case ${a.caseId} is not known to intake`);
    await manager.query(
      `INSERT INTO case_assignment_change (id, case_id, consulate_id, caseworker_id, reason, sequence, at)
       VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (case_id, sequence) DO NOTHING`,
      [randomUUID(), a.caseId, a.consulateId, a.caseworkerId, a.reason, a.sequence, a.assignedAt],
    );
    if (a.sequence <= found.assignmentSequence) return;
    const now = new Date();
    found.consulateId = a.consulateId;
    found.caseworkerId = a.caseworkerId;
    found.assignmentSequence = a.sequence;
    found.updatedAt = now;
    const from = found.status;
    if (from === 'submitted') {
      found.status = 'assigned';
      found.version += 1;
    }
    await manager.save(found);
    if (from === 'submitted') {
      await manager.query(
        `INSERT INTO case_status_change (id, case_id, from_status, to_status, action, actor_type, actor_id, version, at)
         VALUES ($1, $2, 'submitted', 'assigned', 'assign', 'system', 'assignment', $3, $4)`,
        [randomUUID(), found.id, found.version, now],
      );
      await this.outbox.add(manager, EventTypes.CaseStatusChanged, {
        caseId: found.id,
        hostCountry: found.hostCountry,
        from: 'submitted',
        to: 'assigned',
        at: now.toISOString(),
        actor: { type: 'system', id: 'assignment' },
        version: found.version,
      });
    }
  }
}
