import { randomBytes, randomUUID } from 'node:crypto';
import { CaseDataCipher, MasterKeyRing } from '../crypto/envelope-cipher';
import { PassportBlindIndex } from '../crypto/passport-blind-index';
import type { PassportIndexChange, StalePassportIndex } from './passport-index.repository';
import { reindexPassports } from './reindex-passports';

const formerKey = randomBytes(32);
const before = new PassportBlindIndex(formerKey, 'bi1');
const during = new PassportBlindIndex(randomBytes(32), 'bi2', new Map([['bi1', formerKey]]));

interface Row extends StalePassportIndex {
  passport: string | null;
}

/** case_file's passport columns in memory, with the repository's conditional update. */
class FakeCases {
  rows = new Map<string, Row>();
  ciphers = new Map<string, CaseDataCipher | null>();
  beforeReindex?: () => void;

  add(passport: string | null, keyId: string | null = 'bi1', index = before): string {
    const id = randomUUID();
    const cipher = new CaseDataCipher(MasterKeyRing.newDataKey());
    this.ciphers.set(id, cipher);
    this.rows.set(id, {
      id,
      passport,
      complainant_enc: cipher.encryptJson(
        { fullName: 'Aziza Karimova', passportNumber: passport },
        'case_file.complainant_enc',
        id,
      ),
      // A case without a passport number never has an index; one stale anyway tests clearing.
      passport_index: index.passportIndex(passport ?? 'none'),
      passport_index_key_id: keyId,
    });
    return id;
  }

  private stale(keyId: string) {
    return [...this.rows.values()]
      .filter((r) => r.passport_index !== null && r.passport_index_key_id !== keyId)
      .sort((a, b) => a.id.localeCompare(b.id));
  }

  countNotIndexedBy(keyId: string) {
    return Promise.resolve(this.stale(keyId).length);
  }

  notIndexedBy(keyId: string, afterId: string, limit: number) {
    return Promise.resolve(
      this.stale(keyId)
        .filter((r) => r.id > afterId)
        .slice(0, limit)
        .map((r) => ({ ...r })),
    );
  }

  reindex(changes: PassportIndexChange[]) {
    this.beforeReindex?.();
    const written = new Set<string>();
    for (const c of changes) {
      const row = this.rows.get(c.id);
      if (
        !row ||
        row.passport_index !== c.formerIndex ||
        row.passport_index_key_id !== c.formerKeyId
      )
        continue;
      row.passport_index = c.index!;
      row.passport_index_key_id = c.keyId;
      written.add(c.id);
    }
    return Promise.resolve(written);
  }

  lookup = (ids: string[]) =>
    Promise.resolve(new Map(ids.map((id) => [id, this.ciphers.get(id)!])));
}

describe('reindexPassports', () => {
  it('recomputes every index under the current key from the decrypted passport', async () => {
    const cases = new FakeCases();
    const ids = ['AB1000001', 'AB1000002', 'AB1000003', 'AB1000004', 'AB1000005'].map((p) =>
      cases.add(p),
    );
    const legacy = cases.add('AB1000006', null); // indexed before key ids
    const current = cases.add('AB1000007', 'bi2', during);
    const lines: string[] = [];
    const done = await reindexPassports({
      cases,
      ciphers: cases.lookup,
      blindIndex: during,
      batchSize: 2,
      progress: (p) => lines.push(`${p.done}/${p.total}`),
    });
    expect(done).toMatchObject({ total: 6, done: 6, cleared: 0, skipped: 0 });
    expect(lines).toEqual(['0/6', '2/6', '4/6', '6/6']);
    for (const id of [...ids, legacy, current]) {
      const row = cases.rows.get(id)!;
      expect(row.passport_index_key_id).toBe('bi2');
      expect(row.passport_index).toBe(during.passportIndex(row.passport!));
    }
    const again = await reindexPassports({ cases, ciphers: cases.lookup, blindIndex: during });
    expect(again).toMatchObject({ total: 0, done: 0 });
  });

  it('clears the index of a case whose key is destroyed, or that has no passport', async () => {
    const cases = new FakeCases();
    const erased = cases.add('AB2000001');
    cases.ciphers.set(erased, null);
    const none = cases.add(null);
    const kept = cases.add('AB2000002');
    const done = await reindexPassports({ cases, ciphers: cases.lookup, blindIndex: during });
    expect(done).toMatchObject({ total: 3, done: 3, cleared: 2 });
    for (const id of [erased, none])
      expect(cases.rows.get(id)).toMatchObject({
        passport_index: null,
        passport_index_key_id: null,
      });
    expect(cases.rows.get(kept)!.passport_index_key_id).toBe('bi2');
  });

  it('leaves a case changed meanwhile as it is', async () => {
    const cases = new FakeCases();
    const id = cases.add('AB3000001');
    cases.beforeReindex = () => {
      Object.assign(cases.rows.get(id)!, { passport_index: null, passport_index_key_id: null });
    };
    const done = await reindexPassports({ cases, ciphers: cases.lookup, blindIndex: during });
    expect(done).toMatchObject({ done: 0, skipped: 1 });
    expect(cases.rows.get(id)!.passport_index).toBeNull();
  });

  it('stops at its limit or when asked, and a further run finishes what is left', async () => {
    const cases = new FakeCases();
    for (let i = 0; i < 9; i++) cases.add(`AB40000${i}0`);
    const options = { cases, ciphers: cases.lookup, blindIndex: during, batchSize: 2 };
    expect((await reindexPassports({ ...options, limit: 3 })).done).toBe(3);
    const abort = new AbortController();
    const second = await reindexPassports({
      ...options,
      signal: abort.signal,
      progress: (p) => p.done >= 2 && abort.abort(),
    });
    expect(second).toMatchObject({ total: 6, done: 2 });
    expect(await reindexPassports(options)).toMatchObject({ total: 4, done: 4 });
    expect([...cases.rows.values()].every((r) => r.passport_index_key_id === 'bi2')).toBe(true);
  });

  it('names only the case id when a passport cannot be decrypted', async () => {
    const cases = new FakeCases();
    const id = cases.add('AB5000001');
    cases.ciphers.set(id, new CaseDataCipher(MasterKeyRing.newDataKey()));
    const run = reindexPassports({ cases, ciphers: cases.lookup, blindIndex: during });
    await expect(run).rejects.toThrow(`case ${id}:`);
    await expect(
      reindexPassports({ cases, ciphers: cases.lookup, blindIndex: during }),
    ).rejects.not.toThrow(/AB5000001|Karimova/);
  });
});
