import { CaseDataCipher, MasterKeyRing } from '../crypto/envelope-cipher';
import { CaseKeyCache } from './case-key-cache';
import type { CaseKeyRepository, CaseKeyRow } from './case-key.repository';

/** A case whose data key is missing from the key store, or destroyed. Names only the case id. */
export class CaseKeyUnavailableError extends Error {
  constructor(readonly caseId: string) {
    super(`no usable data key for case ${caseId}`);
    this.name = 'CaseKeyUnavailableError';
  }
}

/**
 * Each case's own data key: created (and wrapped by the master key) with the case, read back
 * from the key store and unwrapped when its data is read. Keys never leave this process
 * unwrapped and are never logged.
 */
export class CaseKeys {
  constructor(
    private readonly masterKeys: MasterKeyRing,
    private readonly store: CaseKeyRepository,
    private readonly cache: CaseKeyCache,
  ) {}

  /**
   * A new case's key, stored before the case is written (a key without its case is harmless; a
   * case without its key would be unreadable). Repeated for one case id, it answers the stored key.
   */
  async create(caseId: string): Promise<CaseDataCipher> {
    const dataKey = MasterKeyRing.newDataKey();
    const stored = await this.store.insertOrGet(caseId, this.masterKeys.wrap(dataKey, caseId));
    return new CaseDataCipher(this.remember(stored), { masterKeys: this.masterKeys, caseId });
  }

  async forCase(caseId: string): Promise<CaseDataCipher> {
    return (await this.forCases([caseId])).get(caseId)!;
  }

  /** The ciphers of several cases, with one key-store query for those not in memory. */
  async forCases(caseIds: string[]): Promise<Map<string, CaseDataCipher>> {
    const keys = new Map<string, Buffer>();
    const missing: string[] = [];
    for (const id of new Set(caseIds)) {
      const cached = this.cache.get(id);
      if (cached) keys.set(id, cached);
      else missing.push(id);
    }
    const found = await this.store.find(missing);
    for (const row of found) keys.set(row.case_id, this.remember(row));
    // A case without a row was created before keys per case (every newer case's key is stored
    // before the case): it gets its key now, and its former values stay readable until converted.
    // A destroyed key has a row, so an erased case never gets a new one.
    const stored = new Set(found.map((row) => row.case_id));
    for (const id of missing.filter((m) => !stored.has(m))) {
      const row = await this.store.insertOrGet(
        id,
        this.masterKeys.wrap(MasterKeyRing.newDataKey(), id),
      );
      keys.set(id, this.remember(row));
    }
    return new Map(
      [...new Set(caseIds)].map((id) => {
        const key = keys.get(id);
        if (!key) throw new CaseKeyUnavailableError(id);
        return [id, new CaseDataCipher(key, { masterKeys: this.masterKeys, caseId: id })];
      }),
    );
  }

  /**
   * Destroys a case's data key in the key store, then forgets it here: from then on nothing
   * encrypted under it can be read (crypto-shredding). Idempotent; answers when it was destroyed.
   * Another instance may hold the key in its cache until its TTL ends
   * (INTAKE_CASE_KEY_CACHE_TTL_MS); the erasure empties the ciphertexts too, so none is left to
   * read with it.
   */
  async destroy(caseId: string): Promise<Date> {
    const destroyedAt = await this.store.destroy(caseId);
    this.cache.delete(caseId);
    return destroyedAt;
  }

  private remember(row: CaseKeyRow): Buffer {
    if (row.destroyed_at || !row.wrapped_key || !row.master_key_id)
      throw new CaseKeyUnavailableError(row.case_id);
    const key = this.masterKeys.unwrap(
      { wrappedKey: row.wrapped_key, masterKeyId: row.master_key_id },
      row.case_id,
    );
    this.cache.set(row.case_id, key);
    return key;
  }
}
