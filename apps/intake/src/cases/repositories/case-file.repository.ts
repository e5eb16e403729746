import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { RowInsert } from '@casebridge/common';
import { CaseFile } from '../case-file.entity';

/** The filters of a case list, already narrowed to the caller's scope by the service. */
export interface CaseListFilter {
  /** Only cases held by this consulate (the caller's scope); null for every case. */
  scope: string | null;
  reference?: string;
  /**
   * The blind indexes of a passport number under the current and former keys (see
   * PassportBlindIndex.passportIndexes), never the number.
   */
  passportIndexes?: string[];
  consulateId?: string;
  status?: string;
  hostCountry?: string;
  category?: string;
  priority?: string;
  caseworkerId?: string;
  submittedFrom?: Date;
  submittedTo?: Date;
  /** Keyset position: rows strictly before this (submitted_at, id), newest first. */
  before: { submittedAt: string; id: string } | null;
}

/** An earlier case and the consulate holding it (null: not yet assigned). */
export interface EarlierCase {
  id: string;
  consulateId: string | null;
}

/** Which consulate holds a case (null: not yet assigned). */
interface CaseHolderRow {
  id: string;
  consulate_id: string | null;
}

/** The case_file table. Every method runs on the caller's transaction. */
@Injectable()
export class CaseFileRepository {
  private columns?: { table: string; names: string[]; values: (c: CaseFile) => unknown[] };

  findById(manager: EntityManager, id: string): Promise<CaseFile | null> {
    return manager.findOneBy(CaseFile, { id });
  }

  findByIdOrFail(manager: EntityManager, id: string): Promise<CaseFile> {
    return manager.findOneByOrFail(CaseFile, { id });
  }

  /** The row locked until the transaction ends (a transition, a note, an assignment). */
  findByIdForUpdate(manager: EntityManager, id: string): Promise<CaseFile | null> {
    return manager.findOne(CaseFile, { where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  /**
   * What a new complaint needs before its row is written, in one round trip: the next number of
   * its human-readable reference (`CB-2026-000123`) and, when it names a passport, the earliest
   * case with that passport (any of its blind indexes: current and former keys), host country
   * and category submitted in the window (with the consulate holding it, which decides who may
   * be shown the flag).
   */
  async referenceAndDuplicate(
    manager: EntityManager,
    passportIndexes: string[],
    hostCountry: string,
    category: string,
    windowDays: number,
  ): Promise<{ seq: string; duplicate: EarlierCase | null }> {
    if (!passportIndexes.length) {
      const [{ seq }] = await manager.query<{ seq: string }[]>(
        "SELECT nextval('case_reference_seq') AS seq",
      );
      return { seq, duplicate: null };
    }
    const [row] = await manager.query<
      { seq: string; id: string | null; consulate_id: string | null }[]
    >(
      `SELECT nextval('case_reference_seq') AS seq, d.id, d.consulate_id
       FROM (SELECT 1) AS one LEFT JOIN LATERAL (
         SELECT id, consulate_id FROM case_file
         WHERE passport_index = ANY($1::text[]) AND host_country = $2 AND category = $3
           AND submitted_at >= now() - make_interval(days => $4)
         ORDER BY submitted_at ASC, id ASC LIMIT 1
       ) AS d ON true`,
      [passportIndexes, hostCountry, category, windowDays],
    );
    return {
      seq: row.seq,
      duplicate: row.id === null ? null : { id: row.id, consulateId: row.consulate_id },
    };
  }

  /**
   * A new case's row, for insertRows: every column, their list made once from the entity's
   * metadata (TypeORM's insert builder re-derived it for every complaint, the largest ORM cost in
   * intake's profile).
   */
  newRow(manager: EntityManager, fields: CaseFile): { entity: CaseFile; row: RowInsert } {
    const entity = manager.create(CaseFile, fields);
    this.columns ??= (() => {
      const { tablePath, columns } = manager.connection.getMetadata(CaseFile);
      return {
        table: tablePath,
        names: columns.map((c) => c.databaseName),
        values: (c: CaseFile): unknown[] =>
          columns.map((column): unknown => (column.getEntityValue(c) as unknown) ?? null),
      };
    })();
    return {
      entity,
      row: {
        table: this.columns.table,
        columns: this.columns.names,
        values: this.columns.values(entity),
      },
    };
  }

  async save(manager: EntityManager, c: CaseFile): Promise<void> {
    await manager.save(c);
  }

  /** Case id → the consulate holding it, for the cases that exist among `ids`. */
  async holders(manager: EntityManager, ids: string[]): Promise<Map<string, string | null>> {
    const rows = await manager.query<CaseHolderRow[]>(
      'SELECT id, consulate_id FROM case_file WHERE id = ANY($1::uuid[])',
      [ids],
    );
    return new Map(rows.map((r) => [r.id, r.consulate_id]));
  }

  /** Up to `limit` cases matching the filter, newest first (submitted_at, then id). */
  list(manager: EntityManager, f: CaseListFilter, limit: number): Promise<CaseFile[]> {
    const qb = manager.createQueryBuilder(CaseFile, 'c');
    if (f.scope !== null) qb.andWhere('c.consulate_id = :scope', { scope: f.scope });
    if (f.reference) qb.andWhere('c.reference = :reference', { reference: f.reference });
    if (f.passportIndexes)
      qb.andWhere('c.passport_index IN (:...passportIndexes)', {
        passportIndexes: f.passportIndexes,
      });
    if (f.consulateId) qb.andWhere('c.consulate_id = :consulateId', { consulateId: f.consulateId });
    if (f.status) qb.andWhere('c.status = :status', { status: f.status });
    if (f.hostCountry) qb.andWhere('c.host_country = :hostCountry', { hostCountry: f.hostCountry });
    if (f.category) qb.andWhere('c.category = :category', { category: f.category });
    if (f.priority) qb.andWhere('c.priority = :priority', { priority: f.priority });
    if (f.caseworkerId)
      qb.andWhere('c.caseworker_id = :caseworkerId', { caseworkerId: f.caseworkerId });
    if (f.submittedFrom) qb.andWhere('c.submitted_at >= :from', { from: f.submittedFrom });
    if (f.submittedTo) qb.andWhere('c.submitted_at < :to', { to: f.submittedTo });
    if (f.before) {
      qb.andWhere(
        '(c.submitted_at, c.id) < (CAST(:cursorAt AS timestamptz), CAST(:cursorId AS uuid))',
        { cursorAt: f.before.submittedAt, cursorId: f.before.id },
      );
    }
    return qb.orderBy('c.submittedAt', 'DESC').addOrderBy('c.id', 'DESC').limit(limit).getMany();
  }
}
