import type { MasterKeyRing } from '../crypto/envelope-cipher';
import type { CaseKeyRepository } from '../keystore/case-key.repository';
import { paceOf, type RotationProgress } from './rotation-progress';

export interface RewrapOptions {
  store: Pick<CaseKeyRepository, 'countNotWrappedBy' | 'notWrappedBy' | 'rewrap'>;
  masterKeys: MasterKeyRing;
  batchSize?: number;
  /** Stop after about this many keys (a run in steps); the next run goes on. */
  limit?: number;
  progress?: (p: RotationProgress) => void;
  signal?: AbortSignal;
  now?: () => number;
}

/** Keys under a master key that is not configured: they cannot be rewrapped (nor read). */
export class UnknownMasterKeyError extends Error {
  constructor(readonly counts: Map<string, number>) {
    super(
      `case keys under master keys that are not configured: ${[...counts]
        .map(([id, n]) => `${id} (${n})`)
        .join(', ')}; list them in INTAKE_PREVIOUS_ENCRYPTION_KEYS`,
    );
    this.name = 'UnknownMasterKeyError';
  }
}

/**
 * Rewraps every live case key held under a former master key with the current one, a batch at
 * a time. The data keys themselves do not change, so personal data is not touched and keys
 * intake holds unwrapped in memory stay valid. Each row is replaced only if it still holds the
 * key read (see CaseKeyRepository.rewrap): destroyed keys stay destroyed, and an interrupted or
 * concurrent run never clobbers. A second run finds nothing left.
 */
export async function rewrapCaseKeys(options: RewrapOptions): Promise<RotationProgress> {
  const { store, masterKeys, batchSize = 500, now = Date.now } = options;
  const current = masterKeys.currentKeyId;
  const pending = await store.countNotWrappedBy(current);
  const unknown = new Map([...pending].filter(([id]) => !masterKeys.has(id)));
  if (unknown.size) throw new UnknownMasterKeyError(unknown);
  const started = now();
  const progress: RotationProgress = {
    total: [...pending.values()].reduce((a, b) => a + b, 0),
    done: 0,
    skipped: 0,
    perSecond: 0,
  };
  options.progress?.(progress);
  let after = '00000000-0000-0000-0000-000000000000';
  while (!options.signal?.aborted) {
    const room = options.limit === undefined ? batchSize : options.limit - progress.done;
    if (room <= 0) break;
    const rows = await store.notWrappedBy(current, after, Math.min(batchSize, room));
    if (!rows.length) break;
    const keys = rows.map((row) => {
      try {
        const dataKey = masterKeys.unwrap(
          { wrappedKey: row.wrapped_key, masterKeyId: row.master_key_id },
          row.case_id,
        );
        return {
          caseId: row.case_id,
          formerMasterKeyId: row.master_key_id,
          key: masterKeys.wrap(dataKey, row.case_id),
        };
      } catch (error) {
        // The case id only: nothing of the key.
        throw new Error(`case ${row.case_id}: ${(error as Error).message}`);
      }
    });
    const replaced = await store.rewrap(keys);
    progress.done += replaced;
    progress.skipped += keys.length - replaced;
    after = rows[rows.length - 1].case_id;
    paceOf(progress, started, now());
    options.progress?.(progress);
  }
  return progress;
}
