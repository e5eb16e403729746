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
