import type { Pool, PoolClient } from 'pg';
import {
  type CaseDataCipher,
  isCaseKeyCiphertext,
  type MasterKeyRing,
  type PersonalColumn,
} from '../crypto/envelope-cipher';
import type { CaseKeys } from '../keystore/case-keys.service';

export interface RekeyProgress {
  /** Cases that still held a value of the former format when the run began. */
  total: number;
  converted: number;
  /** Values re-encrypted under their case's own key. */
  values: number;
}

export interface RekeyOptions {
  /** The case database, as intake's runtime role. */
  cases: Pool;
  caseKeys: CaseKeys;
  /** The master keys that wrote the former values (current and previous). */
  masterKeys: MasterKeyRing;
  batchSize?: number;
  progress?: (p: RekeyProgress) => void;
  signal?: AbortSignal;
}

/** A case still holding a value of the former format (`v1.`, under the master key). */
const HAS_LEGACY = `(
  c.complainant_enc NOT LIKE 'v2.%' OR c.employer_enc NOT LIKE 'v2.%'
  OR c.description_enc NOT LIKE 'v2.%'
  OR EXISTS (SELECT 1 FROM case_note n WHERE n.case_id = c.id AND n.body_enc NOT LIKE 'v2.%')
  OR EXISTS (SELECT 1 FROM case_status_change s
             WHERE s.case_id = c.id AND s.comment_enc NOT LIKE 'v2.%'))`;

/** Cases still holding a value of the former format (their master key must stay configured). */
export async function countCasesOfFormerFormat(cases: Pool): Promise<number> {
  const { rows } = await cases.query<{ n: string }>(
    `SELECT count(*) AS n FROM case_file c WHERE ${HAS_LEGACY}`,
  );
  return Number(rows[0].n);
}

interface LegacyValue {
  table: 'case_file' | 'case_note' | 'case_status_change';
  column: PersonalColumn;
  rowId: string;
  stored: string;
  /** The associated data the former format used. */
  legacyAad: string;
}

/**
 * Converts every case's personal data of the former format (under the master key itself) to the
 * case's own data key: one transaction per case, holding the case's row lock as intake does when
 * it writes a case. Values already converted are skipped, so an interrupted run restarts where it
 * stopped and a second run changes nothing.
 */
export async function rekeyCases(options: RekeyOptions): Promise<RekeyProgress> {
  const { cases, batchSize = 100 } = options;
  const progress: RekeyProgress = {
    total: await countCasesOfFormerFormat(cases),
    converted: 0,
    values: 0,
  };
  options.progress?.(progress);
  let after = '00000000-0000-0000-0000-000000000000';
  for (;;) {
    if (options.signal?.aborted) break;
    const batch = await cases.query<{ id: string }>(
      `SELECT c.id FROM case_file c WHERE c.id > $1 AND ${HAS_LEGACY} ORDER BY c.id LIMIT $2`,
      [after, batchSize],
    );
    if (!batch.rows.length) break;
    for (const { id } of batch.rows) {
      if (options.signal?.aborted) break;
      const values = await rekeyCase(options, id);
      if (values > 0) {
        progress.converted += 1;
        progress.values += values;
      }
      after = id;
    }
    options.progress?.(progress);
  }
  return progress;
}

async function rekeyCase(options: RekeyOptions, caseId: string): Promise<number> {
  const client = await options.cases.connect();
  try {
    await client.query('BEGIN');
    const legacy = await legacyValues(client, caseId);
    if (!legacy.length) {
      await client.query('COMMIT');
      return 0;
    }
    // The key goes to the key store before any value depends on it (as at case creation); a
    // key stored by an interrupted run is the one used again.
    const cipher: CaseDataCipher = await options.caseKeys.create(caseId);
    for (const v of legacy) {
      const plaintext = options.masterKeys.decryptLegacy(v.stored, v.legacyAad);
      const column = v.column.split('.')[1];
      await client.query(`UPDATE ${v.table} SET ${column} = $1 WHERE id = $2`, [
        cipher.encrypt(plaintext, v.column, v.rowId),
        v.rowId,
      ]);
    }
    await client.query('COMMIT');
    return legacy.length;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    // The case id only: the values are personal data.
    throw new Error(`case ${caseId}: ${(error as Error).message}`);
  } finally {
    client.release();
  }
}

async function legacyValues(client: PoolClient, caseId: string): Promise<LegacyValue[]> {
  const file = await client.query<{
    complainant_enc: string;
    employer_enc: string | null;
    description_enc: string;
  }>(
    'SELECT complainant_enc, employer_enc, description_enc FROM case_file WHERE id = $1 FOR UPDATE',
    [caseId],
  );
  const values: LegacyValue[] = [];
  const row = file.rows[0];
  if (!row) return values;
  for (const column of ['complainant_enc', 'employer_enc', 'description_enc'] as const) {
    const stored = row[column];
    if (stored !== null && !isCaseKeyCiphertext(stored))
      values.push({
        table: 'case_file',
        column: `case_file.${column}`,
        rowId: caseId,
        stored,
        legacyAad: caseId,
      });
  }
  const notes = await client.query<{ id: string; body_enc: string }>(
    "SELECT id, body_enc FROM case_note WHERE case_id = $1 AND body_enc NOT LIKE 'v2.%'",
    [caseId],
  );
  for (const n of notes.rows)
    values.push({
      table: 'case_note',
      column: 'case_note.body_enc',
      rowId: n.id,
      stored: n.body_enc,
      legacyAad: `${caseId}/${n.id}`,
    });
  const comments = await client.query<{ id: string; comment_enc: string }>(
    "SELECT id, comment_enc FROM case_status_change WHERE case_id = $1 AND comment_enc NOT LIKE 'v2.%'",
    [caseId],
  );
  for (const s of comments.rows)
    values.push({
      table: 'case_status_change',
      column: 'case_status_change.comment_enc',
      rowId: s.id,
      stored: s.comment_enc,
      legacyAad: caseId,
    });
  return values;
}
