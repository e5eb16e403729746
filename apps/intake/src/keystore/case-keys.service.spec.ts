import { randomBytes } from 'node:crypto';
import { MasterKeyRing, type WrappedCaseKey } from '../crypto/envelope-cipher';
import { CaseKeyCache } from './case-key-cache';
import type { CaseKeyRepository, CaseKeyRow } from './case-key.repository';
import { CaseKeys, CaseKeyUnavailableError } from './case-keys.service';

/** The key store in memory, counting its reads. */
class MemoryKeyStore {
  readonly rows = new Map<string, CaseKeyRow>();
  reads = 0;

  insertOrGet(caseId: string, key: WrappedCaseKey): Promise<CaseKeyRow> {
    if (!this.rows.has(caseId))
      this.rows.set(caseId, {
        case_id: caseId,
        wrapped_key: key.wrappedKey,
        master_key_id: key.masterKeyId,
        destroyed_at: null,
      });
    return Promise.resolve(this.rows.get(caseId)!);
  }

  find(caseIds: string[]): Promise<CaseKeyRow[]> {
    if (caseIds.length) this.reads += 1;
    return Promise.resolve(caseIds.flatMap((id) => this.rows.get(id) ?? []));
  }

  destroy(caseId: string): Promise<Date> {
    const at = this.rows.get(caseId)?.destroyed_at ?? new Date();
    this.rows.set(caseId, {
      case_id: caseId,
      wrapped_key: null,
      master_key_id: null,
      destroyed_at: at,
    });
    return Promise.resolve(at);
  }
}

describe('CaseKeys', () => {
  const master = new MasterKeyRing('m1', randomBytes(32));
  const caseA = '11111111-1111-4111-8111-111111111111';
  const caseB = '22222222-2222-4222-8222-222222222222';

  function keys(cache = new CaseKeyCache(10, 60_000)) {
    const store = new MemoryKeyStore();
    return { store, keys: new CaseKeys(master, store as unknown as CaseKeyRepository, cache) };
  }

  it('stores only the wrapped key, and reads back the key the case was encrypted with', async () => {
    const { store, keys: caseKeys } = keys(new CaseKeyCache(0, 0));
    const cipher = await caseKeys.create(caseA);
    const stored = cipher.encrypt('Dilnoza', 'case_file.description_enc', caseA);
    expect(store.rows.get(caseA)?.master_key_id).toBe('m1');
    const again = await caseKeys.forCase(caseA);
    expect(again.decrypt(stored, 'case_file.description_enc', caseA)).toBe('Dilnoza');
  });

  it('keeps the first key when a case id is created twice (a repeated conversion)', async () => {
    const { keys: caseKeys } = keys(new CaseKeyCache(0, 0));
    const first = await caseKeys.create(caseA);
    const stored = first.encrypt('x', 'case_note.body_enc', 'n1');
    const second = await caseKeys.create(caseA);
    expect(second.decrypt(stored, 'case_note.body_enc', 'n1')).toBe('x');
  });

  it('reads the key store once for keys it holds in memory', async () => {
    const { store, keys: caseKeys } = keys();
    await caseKeys.create(caseA);
    await caseKeys.forCase(caseA);
    await caseKeys.forCase(caseA);
    expect(store.reads).toBe(0);
  });

  it('gives a case from before keys per case its key on first read, and refuses one whose key was destroyed, naming only the case id', async () => {
    const { store, keys: caseKeys } = keys(new CaseKeyCache(0, 0));
    const first = await caseKeys.forCase(caseA);
    expect(store.rows.get(caseA)?.wrapped_key).toEqual(expect.any(String));
    const again = await caseKeys.forCase(caseA);
    const stored = first.encrypt('x', 'case_file.description_enc', caseA);
    expect(again.decrypt(stored, 'case_file.description_enc', caseA)).toBe('x');
    await caseKeys.create(caseB);
    store.rows.set(caseB, {
      case_id: caseB,
      wrapped_key: null,
      master_key_id: null,
      destroyed_at: new Date(),
    });
    await expect(caseKeys.forCase(caseB)).rejects.toThrow(CaseKeyUnavailableError);
    await expect(caseKeys.forCase(caseB)).rejects.toThrow(`no usable data key for case ${caseB}`);
  });

  it('destroys a key in the store and in memory: the case never reads again, nor gets a new key', async () => {
    const cache = new CaseKeyCache(10, 60_000);
    const { store, keys: caseKeys } = keys(cache);
    await caseKeys.create(caseA);
    expect(cache.get(caseA)).toBeDefined();
    const first = await caseKeys.destroy(caseA);
    expect(cache.get(caseA)).toBeUndefined();
    expect(store.rows.get(caseA)?.wrapped_key).toBeNull();
    await expect(caseKeys.forCase(caseA)).rejects.toBeInstanceOf(CaseKeyUnavailableError);
    await expect(caseKeys.create(caseA)).rejects.toBeInstanceOf(CaseKeyUnavailableError);
    expect(await caseKeys.destroy(caseA)).toBe(first);
  });
});
