import { randomBytes, randomUUID } from 'node:crypto';
import { MasterKeyRing, type WrappedCaseKey } from '../crypto/envelope-cipher';
import type { CaseKeyRow } from '../keystore/case-key.repository';
import { rewrapCaseKeys, UnknownMasterKeyError } from './rewrap-case-keys';

const oldKey = randomBytes(32);
const newKey = randomBytes(32);
const before = new MasterKeyRing('k1', oldKey);
const after = new MasterKeyRing('k2', newKey, new Map([['k1', oldKey]]));

/** The case_key table in memory, with the repository's conditional update. */
class FakeStore {
  rows = new Map<string, CaseKeyRow>();
  /** Runs before each conditional update: a concurrent writer. */
  beforeRewrap?: () => void;

  add(caseId: string, ring: MasterKeyRing): Buffer {
    const dataKey = MasterKeyRing.newDataKey();
    const w = ring.wrap(dataKey, caseId);
    this.rows.set(caseId, {
      case_id: caseId,
      wrapped_key: w.wrappedKey,
      master_key_id: w.masterKeyId,
      destroyed_at: null,
    });
    return dataKey;
  }

  destroy(caseId: string): void {
    this.rows.set(caseId, {
      case_id: caseId,
      wrapped_key: null,
      master_key_id: null,
      destroyed_at: new Date(),
    });
  }

  private live(current: string) {
    return [...this.rows.values()]
      .filter((r) => !r.destroyed_at && r.master_key_id !== current)
      .sort((a, b) => a.case_id.localeCompare(b.case_id));
  }

  countNotWrappedBy(current: string) {
    const counts = new Map<string, number>();
    for (const r of this.live(current))
      counts.set(r.master_key_id!, (counts.get(r.master_key_id!) ?? 0) + 1);
    return Promise.resolve(counts);
  }

  notWrappedBy(current: string, afterId: string, limit: number) {
    return Promise.resolve(
      this.live(current)
        .filter((r) => r.case_id > afterId)
        .slice(0, limit) as (CaseKeyRow & { wrapped_key: string; master_key_id: string })[],
    );
  }

  rewrap(keys: { caseId: string; formerMasterKeyId: string; key: WrappedCaseKey }[]) {
    this.beforeRewrap?.();
    let n = 0;
    for (const k of keys) {
      const row = this.rows.get(k.caseId);
      if (!row || row.destroyed_at || row.master_key_id !== k.formerMasterKeyId) continue;
      row.wrapped_key = k.key.wrappedKey;
      row.master_key_id = k.key.masterKeyId;
      n += 1;
    }
    return Promise.resolve(n);
  }
}

function unwrapWith(ring: MasterKeyRing, row: CaseKeyRow): Buffer {
  return ring.unwrap(
    { wrappedKey: row.wrapped_key!, masterKeyId: row.master_key_id! },
    row.case_id,
  );
}

describe('rewrapCaseKeys', () => {
  it('rewraps every key under the former master key with the current one, keeping each data key', async () => {
    const store = new FakeStore();
    const dataKeys = new Map(
      Array.from({ length: 7 }, () => randomUUID()).map((id) => [id, store.add(id, before)]),
    );
    const current = randomUUID();
    dataKeys.set(current, store.add(current, after));
    const lines: string[] = [];
    const done = await rewrapCaseKeys({
      store,
      masterKeys: after,
      batchSize: 3,
      progress: (p) => lines.push(`${p.done}/${p.total}`),
    });
    expect(done).toMatchObject({ total: 7, done: 7, skipped: 0 });
    expect(lines).toEqual(['0/7', '3/7', '6/7', '7/7']);
    const currentOnly = new MasterKeyRing('k2', newKey);
    for (const [id, dataKey] of dataKeys) {
      const row = store.rows.get(id)!;
      expect(row.master_key_id).toBe('k2');
      expect(unwrapWith(currentOnly, row).equals(dataKey)).toBe(true);
    }
    const again = await rewrapCaseKeys({ store, masterKeys: after });
    expect(again).toMatchObject({ total: 0, done: 0 });
  });

  it('never brings a destroyed key back, even one destroyed while its batch is rewrapped', async () => {
    const store = new FakeStore();
    const [gone, erasedMeanwhile, kept] = [randomUUID(), randomUUID(), randomUUID()];
    for (const id of [gone, erasedMeanwhile, kept]) store.add(id, before);
    store.destroy(gone);
    store.beforeRewrap = () => store.destroy(erasedMeanwhile);
    const done = await rewrapCaseKeys({ store, masterKeys: after });
    expect(done).toMatchObject({ total: 2, done: 1, skipped: 1 });
    for (const id of [gone, erasedMeanwhile]) {
      expect(store.rows.get(id)).toMatchObject({ wrapped_key: null, master_key_id: null });
    }
    expect(store.rows.get(kept)!.master_key_id).toBe('k2');
  });

  it('leaves a key another run rewrapped meanwhile as it is', async () => {
    const store = new FakeStore();
    const id = randomUUID();
    const dataKey = store.add(id, before);
    let theirs: string | null = null;
    store.beforeRewrap = () => {
      const row = store.rows.get(id)!;
      row.wrapped_key = after.wrap(dataKey, id).wrappedKey;
      row.master_key_id = 'k2';
      theirs = row.wrapped_key;
    };
    const done = await rewrapCaseKeys({ store, masterKeys: after });
    expect(done).toMatchObject({ done: 0, skipped: 1 });
    expect(store.rows.get(id)!.wrapped_key).toBe(theirs);
  });

  it('stops at its limit or when asked, and a further run finishes what is left', async () => {
    const store = new FakeStore();
    for (let i = 0; i < 10; i++) store.add(randomUUID(), before);
    const first = await rewrapCaseKeys({ store, masterKeys: after, batchSize: 3, limit: 4 });
    expect(first.done).toBe(4);
    const abort = new AbortController();
    const second = await rewrapCaseKeys({
      store,
      masterKeys: after,
      batchSize: 2,
      signal: abort.signal,
      progress: (p) => p.done >= 2 && abort.abort(),
    });
    expect(second).toMatchObject({ total: 6, done: 2 });
    const third = await rewrapCaseKeys({ store, masterKeys: after });
    expect(third).toMatchObject({ total: 4, done: 4 });
    expect([...store.rows.values()].every((r) => r.master_key_id === 'k2')).toBe(true);
  });

  it('estimates the time left from its pace', async () => {
    const store = new FakeStore();
    for (let i = 0; i < 4; i++) store.add(randomUUID(), before);
    let clock = 0;
    const seen: (number | undefined)[] = [];
    await rewrapCaseKeys({
      store,
      masterKeys: after,
      batchSize: 2,
      now: () => (clock += 500),
      progress: (p) => seen.push(p.secondsLeft),
    });
    // 2 keys in 0.5 s: 4/s, the 2 left take about 1 s.
    expect(seen).toEqual([undefined, 1, 0]);
  });

  it('refuses to start while keys are under a master key that is not configured, naming only its id', async () => {
    const store = new FakeStore();
    store.add(randomUUID(), new MasterKeyRing('k0', randomBytes(32)));
    const run = rewrapCaseKeys({ store, masterKeys: after });
    await expect(run).rejects.toBeInstanceOf(UnknownMasterKeyError);
    await expect(rewrapCaseKeys({ store, masterKeys: after })).rejects.toThrow(
      /k0 \(1\).*INTAKE_PREVIOUS_ENCRYPTION_KEYS/,
    );
  });
});
