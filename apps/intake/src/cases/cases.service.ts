import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { CasebridgeEvent, EventTypes } from '@casebridge/contracts';
import type { CaseStatus } from '@casebridge/contracts';
import {
  AuthUser,
  decodeCursor,
  DomainProblem,
  encodeCursor,
  ValidationProblem,
  DEFAULT_PAGE_SIZE,
} from '@casebridge/common';
import { OutboxWriter } from '@casebridge/messaging';
import { AuditService } from '../audit/audit.service';
import { PersonalDataCipher } from '../crypto/personal-data-cipher';
import { canAccessCase } from './case-access';
import { CaseFile, Complainant, Employer } from './case-file.entity';
import { requestHash } from './canonical-json';
import { CreateCaseDto } from './dto/create-case.dto';
import {
  CaseListResponse,
  CaseResponse,
  HistoryEntryResponse,
  NoteResponse,
  toCaseResponse,
  toCaseSummary,
} from './dto/case.response';
import { ListCasesQuery } from './dto/list-cases.query';
import { CreateNoteDto, TransitionDto } from './dto/transition.dto';
import { allowedActions, nextStatus, REASON_REQUIRED } from './lifecycle';
import { triagePriority } from './triage';

const DUPLICATE_WINDOW_DAYS = 90;

/** Keyset cursor: the last row's (submitted_at, id); only what this API issued is accepted. */
function cursorOf(c: CaseFile): string {
  return encodeCursor([c.submittedAt.toISOString(), c.id]);
}

function parseCursor(raw: string): { s: string; i: string } {
  const [s, i] = decodeCursor(raw, ['timestamp', 'uuid']);
  return { s, i };
}

/** The role a staff member acts in on a case (consul over caseworker when both). */
function actingRole(user: AuthUser): string {
  return (
    user.roles.find((r) => r === 'consul') ??
    user.roles.find((r) => r === 'caseworker') ??
    user.roles[0]
  );
}

function consularScope(user: AuthUser): string | null {
  return user.roles.includes('intake_officer') ? null : (user.consulateId ?? '-');
}

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
    // The same answer again, but never a file that has since left the caller's scope.
    if (existing.consulateId !== null && !canAccessCase(user, existing.consulateId))
      throw new CaseNotFound();
    await this.audit.record(manager, user, 'case.idempotent_replay', existing.id);
    return this.present(manager, user, existing);
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
    const shown = await this.visibleDuplicates(manager, user, [entity]);
    return toCaseResponse(entity, complainant, employer, dto.description, shown.get(entity.id));
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
      return this.present(manager, user, found);
    });
  }

  private async present(
    manager: EntityManager,
    user: AuthUser,
    c: CaseFile,
  ): Promise<CaseResponse> {
    const shown = await this.visibleDuplicates(manager, user, [c]);
    return toCaseResponse(
      c,
      this.cipher.decryptJson<Complainant>(c.complainantEnc, c.id),
      c.employerEnc ? this.cipher.decryptJson<Employer>(c.employerEnc, c.id) : null,
      this.cipher.decrypt(c.descriptionEnc, c.id),
      shown.get(c.id),
    );
  }

  /**
   * `possibleDuplicateOf` names another case, and so tells that this passport has a case there:
   * it is shown only to callers who may read that earlier case (intake officers and the staff of
   * the consulate holding it), never to an integration or another consulate. Case id → shown id.
   */
  private async visibleDuplicates(
    manager: EntityManager,
    user: AuthUser,
    cases: CaseFile[],
  ): Promise<Map<string, string>> {
    const flagged = cases.filter((c) => c.possibleDuplicateOf !== null);
    const shown = new Map<string, string>();
    if (!flagged.length) return shown;
    const earlierIds = [...new Set(flagged.map((c) => c.possibleDuplicateOf as string))];
    const rows = await manager.query<{ id: string; consulate_id: string | null }[]>(
      'SELECT id, consulate_id FROM case_file WHERE id = ANY($1::uuid[])',
      [earlierIds],
    );
    const holder = new Map(rows.map((r) => [r.id, r.consulate_id]));
    for (const c of flagged) {
      const earlier = c.possibleDuplicateOf as string;
      if (holder.has(earlier) && canAccessCase(user, holder.get(earlier) ?? null))
        shown.set(c.id, earlier);
    }
    return shown;
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

  /** Loads a case for an action, locked, or 404 when it is outside the caller's scope. */
  private async lockInScope(manager: EntityManager, user: AuthUser, id: string): Promise<CaseFile> {
    const found = await manager.findOne(CaseFile, {
      where: { id },
      lock: { mode: 'pessimistic_write' },
    });
    if (!found || !canAccessCase(user, found.consulateId)) throw new CaseNotFound();
    return found;
  }

  private async findInScope(manager: EntityManager, user: AuthUser, id: string): Promise<CaseFile> {
    const found = await manager.findOneBy(CaseFile, { id });
    if (!found || !canAccessCase(user, found.consulateId)) throw new CaseNotFound();
    return found;
  }

  async transition(
    user: AuthUser,
    id: string,
    dto: TransitionDto,
    ifMatch?: number,
  ): Promise<CaseResponse> {
    return this.dataSource.transaction(async (manager) => {
      const c = await this.lockInScope(manager, user, id);
      const expected = dto.version ?? ifMatch;
      if (expected !== undefined && expected !== c.version) {
        throw new DomainProblem(
          409,
          'stale_version',
          'Conflict',
          `The case has changed: you sent version ${expected}, it is at version ${c.version}. Read it again.`,
          {
            currentVersion: c.version,
          },
        );
      }
      const to = nextStatus(c.status, dto.action);
      if (!to) {
        const allowed = allowedActions(c.status);
        throw new DomainProblem(
          409,
          'invalid_transition',
          'Conflict',
          `A ${c.status} case cannot be '${dto.action}'. Allowed: ${allowed.length ? allowed.join(', ') : 'none (the case is final)'}.`,
          { caseStatus: c.status, allowedActions: allowed },
        );
      }
      this.checkTransitionFields(dto);
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
      await manager.save(c);
      const role = actingRole(user);
      const changeId = randomUUID();
      const outcome =
        dto.action === 'resolve' && dto.outcome
          ? {
              type: dto.outcome.type,
              amountRecovered: dto.outcome.amountRecovered
                ? {
                    amount: dto.outcome.amountRecovered.amount,
                    currency: dto.outcome.amountRecovered.currency,
                  }
                : null,
            }
          : null;
      await manager.query(
        `INSERT INTO case_status_change (id, case_id, from_status, to_status, action, actor_type, actor_id, actor_role, reason, comment_enc, outcome, version, at)
         VALUES ($1, $2, $3, $4, $5, 'user', $6, $7, $8, $9, $10, $11, $12)`,
        [
          changeId,
          c.id,
          from,
          to,
          dto.action,
          user.sub,
          role,
          dto.reason ?? null,
          dto.comment ? this.cipher.encrypt(dto.comment, c.id) : null,
          outcome ? JSON.stringify(outcome) : null,
          c.version,
          now,
        ],
      );
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
      return this.present(manager, user, c);
    });
  }

  private checkTransitionFields(dto: TransitionDto): void {
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

  async list(user: AuthUser, q: ListCasesQuery): Promise<CaseListResponse> {
    const limit = q.limit ?? DEFAULT_PAGE_SIZE;
    const cursor = q.cursor ? parseCursor(q.cursor) : null;
    return this.dataSource.transaction(async (manager) => {
      const qb = manager.createQueryBuilder(CaseFile, 'c');
      const scope = consularScope(user);
      if (scope !== null) qb.andWhere('c.consulate_id = :scope', { scope });
      if (q.consulateId)
        qb.andWhere('c.consulate_id = :consulateId', { consulateId: q.consulateId });
      if (q.status) qb.andWhere('c.status = :status', { status: q.status });
      if (q.hostCountry)
        qb.andWhere('c.host_country = :hostCountry', { hostCountry: q.hostCountry });
      if (q.category) qb.andWhere('c.category = :category', { category: q.category });
      if (q.priority) qb.andWhere('c.priority = :priority', { priority: q.priority });
      if (q.caseworkerId)
        qb.andWhere('c.caseworker_id = :caseworkerId', { caseworkerId: q.caseworkerId });
      if (q.submittedFrom)
        qb.andWhere('c.submitted_at >= :from', { from: new Date(q.submittedFrom) });
      if (q.submittedTo) qb.andWhere('c.submitted_at < :to', { to: new Date(q.submittedTo) });
      if (cursor) {
        qb.andWhere(
          '(c.submitted_at, c.id) < (CAST(:cursorAt AS timestamptz), CAST(:cursorId AS uuid))',
          {
            cursorAt: cursor.s,
            cursorId: cursor.i,
          },
        );
      }
      const rows = await qb
        .orderBy('c.submittedAt', 'DESC')
        .addOrderBy('c.id', 'DESC')
        .limit(limit + 1)
        .getMany();
      const items = rows.slice(0, limit);
      const shown = await this.visibleDuplicates(manager, user, items);
      await this.audit.record(manager, user, 'case.listed', null);
      return {
        items: items.map((c) => toCaseSummary(c, shown.get(c.id))),
        nextCursor: rows.length > limit ? cursorOf(items[items.length - 1]) : null,
      };
    });
  }

  async addNote(user: AuthUser, id: string, dto: CreateNoteDto): Promise<NoteResponse> {
    return this.dataSource.transaction(async (manager) => {
      const c = await this.lockInScope(manager, user, id);
      const noteId = randomUUID();
      const now = new Date();
      const role = actingRole(user);
      await manager.query(
        'INSERT INTO case_note (id, case_id, author_id, author_role, body_enc, created_at) VALUES ($1, $2, $3, $4, $5, $6)',
        [noteId, c.id, user.sub, role, this.cipher.encrypt(dto.body, `${c.id}/${noteId}`), now],
      );
      c.updatedAt = now;
      await manager.save(c);
      await this.audit.record(manager, user, 'case.note_added', c.id);
      return {
        id: noteId,
        caseId: c.id,
        authorId: user.sub,
        authorRole: role,
        body: dto.body,
        createdAt: now.toISOString(),
      };
    });
  }

  async listNotes(user: AuthUser, id: string): Promise<NoteResponse[]> {
    return this.dataSource.transaction(async (manager) => {
      const c = await this.findInScope(manager, user, id);
      const rows = await manager.query<
        { id: string; author_id: string; author_role: string; body_enc: string; created_at: Date }[]
      >(
        'SELECT id, author_id, author_role, body_enc, created_at FROM case_note WHERE case_id = $1 ORDER BY created_at, id',
        [c.id],
      );
      await this.audit.record(manager, user, 'case.notes_read', c.id);
      return rows.map((r) => ({
        id: r.id,
        caseId: c.id,
        authorId: r.author_id,
        authorRole: r.author_role,
        body: this.cipher.decrypt(r.body_enc, `${c.id}/${r.id}`),
        createdAt: r.created_at.toISOString(),
      }));
    });
  }

  /** Status changes, assignments, notes added and — for consuls — every read and write of the file. */
  async history(user: AuthUser, id: string): Promise<HistoryEntryResponse[]> {
    return this.dataSource.transaction(async (manager) => {
      const c = await this.findInScope(manager, user, id);
      const entries: HistoryEntryResponse[] = [];
      const changes = await manager.query<
        {
          from_status: string;
          to_status: string;
          action: string;
          actor_id: string;
          actor_role: string | null;
          reason: string | null;
          outcome: unknown;
          version: number;
          at: Date;
        }[]
      >(
        'SELECT from_status, to_status, action, actor_id, actor_role, reason, outcome, version, at FROM case_status_change WHERE case_id = $1',
        [c.id],
      );
      for (const s of changes) {
        entries.push({
          kind: 'status_changed',
          at: s.at.toISOString(),
          actor: s.actor_id,
          actorRole: s.actor_role,
          summary: `${s.from_status} → ${s.to_status}`,
          details: { action: s.action, reason: s.reason, outcome: s.outcome, version: s.version },
        });
      }
      const assignments = await manager.query<
        {
          consulate_id: string;
          caseworker_id: string | null;
          reason: string;
          sequence: number;
          at: Date;
        }[]
      >(
        'SELECT consulate_id, caseworker_id, reason, sequence, at FROM case_assignment_change WHERE case_id = $1',
        [c.id],
      );
      for (const a of assignments) {
        entries.push({
          kind: 'assigned',
          at: a.at.toISOString(),
          actor: 'assignment',
          actorRole: null,
          summary: `assigned to ${a.consulate_id}${a.caseworker_id ? ` / ${a.caseworker_id}` : ' (office queue)'}`,
          details: {
            consulateId: a.consulate_id,
            caseworkerId: a.caseworker_id,
            reason: a.reason,
            sequence: a.sequence,
          },
        });
      }
      const notes = await manager.query<
        { id: string; author_id: string; author_role: string; created_at: Date }[]
      >('SELECT id, author_id, author_role, created_at FROM case_note WHERE case_id = $1', [c.id]);
      for (const n of notes) {
        entries.push({
          kind: 'note_added',
          at: n.created_at.toISOString(),
          actor: n.author_id,
          actorRole: n.author_role,
          summary: 'note added',
          details: { noteId: n.id },
        });
      }
      if (user.roles.includes('consul')) {
        const audit = await manager.query<
          {
            actor_id: string;
            actor_role: string;
            consulate_id: string | null;
            action: string;
            request_id: string | null;
            at: Date;
          }[]
        >(
          'SELECT actor_id, actor_role, consulate_id, action, request_id, at FROM audit_entry WHERE case_id = $1',
          [c.id],
        );
        for (const e of audit) {
          entries.push({
            kind: 'audit',
            at: e.at.toISOString(),
            actor: e.actor_id,
            actorRole: e.actor_role,
            summary: e.action,
            details: { consulateId: e.consulate_id, requestId: e.request_id },
          });
        }
      }
      await this.audit.record(manager, user, 'case.history_read', c.id);
      return entries.sort((a, b) => a.at.localeCompare(b.at));
    });
  }
}
