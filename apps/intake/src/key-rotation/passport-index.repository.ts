import type { Pool } from 'pg';

/** A case whose passport index is not under the current blind-index key. */
export interface StalePassportIndex {
  id: string;
  complainant_enc: string | null;
  passport_index: string;
  passport_index_key_id: string | null;
}

/** A case's recomputed index (null with its key id: the case keeps no index). */
export interface PassportIndexChange {
  id: string;
  formerIndex: string;
  formerKeyId: string | null;
  index: string | null;
  keyId: string | null;
}

/** The passport indexes of case_file, as the key rotation reads and rewrites them. */
export class PassportIndexRepository {
  constructor(private readonly pool: Pool) {}

  async countNotIndexedBy(keyId: string): Promise<number> {
    const { rows } = await this.pool.query<{ n: string }>(
      `SELECT count(*) AS n FROM case_file
       WHERE passport_index IS NOT NULL AND passport_index_key_id IS DISTINCT FROM $1`,
      [keyId],
    );
    return Number(rows[0].n);
  }

  async notIndexedBy(keyId: string, afterId: string, limit: number): Promise<StalePassportIndex[]> {
    const { rows } = await this.pool.query<StalePassportIndex>(
      `SELECT id, complainant_enc, passport_index, passport_index_key_id FROM case_file
       WHERE passport_index IS NOT NULL AND passport_index_key_id IS DISTINCT FROM $1 AND id > $2
       ORDER BY id LIMIT $3`,
      [keyId, afterId, limit],
    );
    return rows;
  }

  /**
   * Writes recomputed indexes, each only if the case still holds the index it was read with: a
   * case changed meanwhile (an erasure, another run) keeps what it has. Answers the ids written.
   */
  async reindex(changes: PassportIndexChange[]): Promise<Set<string>> {
    if (!changes.length) return new Set();
    const { rows } = await this.pool.query<{ id: string }>(
      `UPDATE case_file c SET passport_index = v.passport_index, passport_index_key_id = v.key_id
       FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[])
         AS v(id, former_index, former_key_id, passport_index, key_id)
       WHERE c.id = v.id AND c.passport_index = v.former_index
         AND c.passport_index_key_id IS NOT DISTINCT FROM v.former_key_id
       RETURNING c.id`,
      [
        changes.map((c) => c.id),
        changes.map((c) => c.formerIndex),
        changes.map((c) => c.formerKeyId),
        changes.map((c) => c.index),
        changes.map((c) => c.keyId),
      ],
    );
    return new Set(rows.map((r) => r.id));
  }
}
