import type { Pool } from 'pg';
import type { WrappedCaseKey } from '../crypto/envelope-cipher';

export interface CaseKeyRow {
  case_id: string;
  wrapped_key: string | null;
  master_key_id: string | null;
  destroyed_at: Date | null;
}

/** The case_key table of the key store (its own database, reached with its own role). */
export class CaseKeyRepository {
  constructor(private readonly pool: Pool) {}

  /**
   * Stores a case's wrapped key unless the case has one already, and answers the key the case
   * has (the one just stored, or the earlier one): safe to repeat.
   */
  async insertOrGet(caseId: string, key: WrappedCaseKey): Promise<CaseKeyRow> {
    const { rows } = await this.pool.query<CaseKeyRow>(
      `WITH inserted AS (
         INSERT INTO case_key (case_id, wrapped_key, master_key_id) VALUES ($1, $2, $3)
         ON CONFLICT (case_id) DO NOTHING
         RETURNING case_id, wrapped_key, master_key_id, destroyed_at)
       SELECT * FROM inserted
       UNION ALL
       SELECT case_id, wrapped_key, master_key_id, destroyed_at FROM case_key
       WHERE case_id = $1 AND NOT EXISTS (SELECT 1 FROM inserted)`,
      [caseId, key.wrappedKey, key.masterKeyId],
    );
    return rows[0];
  }

  async find(caseIds: string[]): Promise<CaseKeyRow[]> {
    if (!caseIds.length) return [];
    const { rows } = await this.pool.query<CaseKeyRow>(
      'SELECT case_id, wrapped_key, master_key_id, destroyed_at FROM case_key WHERE case_id = ANY($1::uuid[])',
      [caseIds],
    );
    return rows;
  }

  /** Live keys wrapped by another master key than `currentKeyId`, by master key id. */
  async countNotWrappedBy(currentKeyId: string): Promise<Map<string, number>> {
    const { rows } = await this.pool.query<{ master_key_id: string; n: string }>(
      `SELECT master_key_id, count(*) AS n FROM case_key
       WHERE destroyed_at IS NULL AND master_key_id <> $1 GROUP BY master_key_id`,
      [currentKeyId],
    );
    return new Map(rows.map((r) => [r.master_key_id, Number(r.n)]));
  }

  /** The next live keys wrapped by another master key than `currentKeyId`, after `afterCaseId`. */
  async notWrappedBy(currentKeyId: string, afterCaseId: string, limit: number) {
    const { rows } = await this.pool.query<
      CaseKeyRow & { wrapped_key: string; master_key_id: string }
    >(
      `SELECT case_id, wrapped_key, master_key_id, destroyed_at FROM case_key
       WHERE destroyed_at IS NULL AND master_key_id <> $1 AND case_id > $2
       ORDER BY case_id LIMIT $3`,
      [currentKeyId, afterCaseId, limit],
    );
    return rows;
  }

  /**
   * Replaces wrapped keys, each only if its row still holds the key it was read with (same
   * master key id, not destroyed): a concurrent run or an erasure meanwhile wins. Answers the
   * number of rows replaced.
   */
  async rewrap(
    keys: { caseId: string; formerMasterKeyId: string; key: WrappedCaseKey }[],
  ): Promise<number> {
    if (!keys.length) return 0;
    const result = await this.pool.query(
      `UPDATE case_key k SET wrapped_key = v.wrapped_key, master_key_id = v.master_key_id
       FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[])
         AS v(case_id, former_master_key_id, wrapped_key, master_key_id)
       WHERE k.case_id = v.case_id AND k.master_key_id = v.former_master_key_id
         AND k.destroyed_at IS NULL`,
      [
        keys.map((k) => k.caseId),
        keys.map((k) => k.formerMasterKeyId),
        keys.map((k) => k.key.wrappedKey),
        keys.map((k) => k.key.masterKeyId),
      ],
    );
    return result.rowCount ?? 0;
  }

  /**
   * Destroys a case's key (crypto-shredding): its wrapped key is emptied and destroyed_at set,
   * the row stays so that the case never gets a new key. A case without a row (created before
   * keys per case) gets a destroyed one. Safe to repeat: the first destruction's time stays.
   */
  async destroy(caseId: string): Promise<Date> {
    const { rows } = await this.pool.query<{ destroyed_at: Date }>(
      `INSERT INTO case_key (case_id, wrapped_key, master_key_id, destroyed_at)
       VALUES ($1, NULL, NULL, now())
       ON CONFLICT (case_id) DO UPDATE
         SET wrapped_key = NULL, master_key_id = NULL,
             destroyed_at = COALESCE(case_key.destroyed_at, now())
       RETURNING destroyed_at`,
      [caseId],
    );
    return rows[0].destroyed_at;
  }
}
