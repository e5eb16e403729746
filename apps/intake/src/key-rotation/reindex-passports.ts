import type { CaseDataCipher } from '../crypto/envelope-cipher';
import type { PassportBlindIndex } from '../crypto/passport-blind-index';
import type { CaseKeyRepository } from '../keystore/case-key.repository';
import type { CaseKeys } from '../keystore/case-keys.service';
import type { PassportIndexChange, PassportIndexRepository } from './passport-index.repository';
import { paceOf, type RotationProgress } from './rotation-progress';

/** The cipher of each case, or null for a case whose key is destroyed (an erased case). */
export type CaseCiphers = (caseIds: string[]) => Promise<Map<string, CaseDataCipher | null>>;

/** Case ciphers from the key store; destroyed keys answer null instead of failing the batch. */
export function caseCiphers(
  caseKeys: CaseKeys,
  store: Pick<CaseKeyRepository, 'find'>,
): CaseCiphers {
  return async (caseIds) => {
    const destroyed = new Set(
      (await store.find(caseIds)).filter((row) => row.destroyed_at).map((row) => row.case_id),
    );
    const live = await caseKeys.forCases(caseIds.filter((id) => !destroyed.has(id)));
    return new Map(caseIds.map((id) => [id, live.get(id) ?? null]));
  };
}

export interface ReindexProgress extends RotationProgress {
  /** Cases left without an index: key destroyed, or no passport. */
  cleared: number;
}

export interface ReindexOptions {
  cases: Pick<PassportIndexRepository, 'countNotIndexedBy' | 'notIndexedBy' | 'reindex'>;
  ciphers: CaseCiphers;
  blindIndex: PassportBlindIndex;
  batchSize?: number;
  /** Stop after about this many cases (a run in steps); the next run goes on. */
  limit?: number;
  progress?: (p: ReindexProgress) => void;
  signal?: AbortSignal;
  now?: () => number;
}

/**
 * Recomputes the passport index of every case not indexed under the current blind-index key,
 * from the passport number decrypted with the case's own key, a batch at a time. A case whose
 * key is destroyed, or that has no passport, is left without an index. Each row is replaced only
 * if unchanged since read (see PassportIndexRepository.reindex), so that the run may stop and go
 * on, run twice at once, or run while intake serves: intake looks passports up under the former
 * keys too until the run is over. Personal data never leaves this function.
 */
export async function reindexPassports(options: ReindexOptions): Promise<ReindexProgress> {
  const { cases, blindIndex, batchSize = 200, now = Date.now } = options;
  const current = blindIndex.currentKeyId;
  const started = now();
  const progress: ReindexProgress = {
    total: await cases.countNotIndexedBy(current),
    done: 0,
    cleared: 0,
    skipped: 0,
    perSecond: 0,
  };
  options.progress?.(progress);
  let after = '00000000-0000-0000-0000-000000000000';
  while (!options.signal?.aborted) {
    const room = options.limit === undefined ? batchSize : options.limit - progress.done;
    if (room <= 0) break;
    const rows = await cases.notIndexedBy(current, after, Math.min(batchSize, room));
    if (!rows.length) break;
    const ciphers = await options.ciphers(rows.map((r) => r.id));
    const changes: PassportIndexChange[] = rows.map((row) => {
      const cipher = ciphers.get(row.id) ?? null;
      let passportNumber: string | null | undefined = null;
      try {
        if (cipher && row.complainant_enc)
          passportNumber = cipher.decryptJson<{ passportNumber?: string | null }>(
            row.complainant_enc,
            'case_file.complainant_enc',
            row.id,
          ).passportNumber;
      } catch (error) {
        // The case id only: the value is personal data.
        throw new Error(`case ${row.id}: ${(error as Error).message}`);
      }
      return {
        id: row.id,
        formerIndex: row.passport_index,
        formerKeyId: row.passport_index_key_id,
        index: passportNumber ? blindIndex.passportIndex(passportNumber) : null,
        keyId: passportNumber ? current : null,
      };
    });
    const written = await cases.reindex(changes);
    progress.done += written.size;
    progress.skipped += changes.length - written.size;
    progress.cleared += changes.filter((c) => c.index === null && written.has(c.id)).length;
    after = rows[rows.length - 1].id;
    paceOf(progress, started, now());
    options.progress?.(progress);
  }
  return progress;
}
