import { spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { MasterKeyRing } from '../../apps/intake/src/crypto/envelope-cipher';
import { CaseBody, makeCase, seededRandom } from '../support/cases';
import { keyStoreClient, query, resetDatabase, resetTopics } from '../support/infra';
import { disconnectTestProducer } from '../support/kafka';
import { Caller, ServiceClient } from '../support/service-client';
import { ServiceProcess, startServiceProcess } from '../support/service-process';

/**
 * Issue 15, point 5: `npm run intake:rotate-keys` rewraps every case key under a new master key
 * and recomputes every passport index under a new blind-index key while intake runs,
 * restartable, after which the former keys can be removed.
 */

const ROOT = join(__dirname, '..', '..');
const officer: Caller = { role: 'intake_officer' };
const random = seededRandom(15_05);
let counter = 70_000;

const formerKey = randomBytes(32);
const newKey = randomBytes(32);
const formerMasterKeys = new MasterKeyRing('mk1', formerKey);
const formerIndexKey = randomBytes(32).toString('base64');
const newIndexKey = randomBytes(32).toString('base64');
/** Synthetic key-store rows (no case of their own) that make the rotation long enough to time. */
const SYNTHETIC_KEYS = 3000;

const before = {
  INTAKE_ENCRYPTION_KEY: formerKey.toString('base64'),
  INTAKE_ENCRYPTION_KEY_ID: 'mk1',
  INTAKE_BLIND_INDEX_KEY: formerIndexKey,
  INTAKE_BLIND_INDEX_KEY_ID: 'bi1',
};
const during = {
  INTAKE_ENCRYPTION_KEY: newKey.toString('base64'),
  INTAKE_ENCRYPTION_KEY_ID: 'mk2',
  INTAKE_PREVIOUS_ENCRYPTION_KEYS: `mk1:${formerKey.toString('base64')}`,
  INTAKE_BLIND_INDEX_KEY: newIndexKey,
  INTAKE_BLIND_INDEX_KEY_ID: 'bi2',
  INTAKE_PREVIOUS_BLIND_INDEX_KEYS: `bi1:${formerIndexKey}`,
};
const after = {
  ...during,
  INTAKE_PREVIOUS_ENCRYPTION_KEYS: '',
  INTAKE_PREVIOUS_BLIND_INDEX_KEYS: '',
};

interface Run {
  code: number | null;
  output: string;
}

/** Runs the built command with intake's configuration; `onLine` may interrupt it. */
function rotateKeys(
  env: Record<string, string>,
  args: string[] = [],
  onLine?: (line: string, stop: () => void) => void,
): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [join(ROOT, 'dist', 'apps', 'intake', 'src', 'key-rotation', 'main.js'), ...args],
      { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    let pending = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
      pending += chunk.toString('utf8');
      const lines = pending.split('\n');
      pending = lines.pop()!;
      for (const line of lines) onLine?.(line, () => child.kill('SIGINT'));
    });
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, output }));
  });
}

async function masterKeyIds(): Promise<Record<string, number>> {
  const keys = await keyStoreClient();
  try {
    const { rows } = await keys.query<{ id: string | null; n: string }>(
      `SELECT coalesce(master_key_id, 'destroyed') AS id, count(*) AS n FROM case_key GROUP BY 1`,
    );
    return Object.fromEntries(rows.map((r) => [r.id, Number(r.n)]));
  } finally {
    await keys.end();
  }
}

async function indexKeyIds(): Promise<Record<string, number>> {
  const rows = await query<{ id: string; n: string }>(
    'intake',
    `SELECT coalesce(passport_index_key_id, 'none') AS id, count(*) AS n FROM case_file GROUP BY 1`,
  );
  return Object.fromEntries(rows.map((r) => [r.id, Number(r.n)]));
}

describe('Key rotation: case keys rewrapped and passport indexes recomputed under new keys while intake runs', () => {
  let intake: ServiceProcess;
  let api: ServiceClient;
  const cases: { id: string; body: CaseBody }[] = [];
  const destroyed = randomUUID();
  const sharedPassport = 'FR7707070';
  /** A case whose key is destroyed (erased): its passport index is cleared, its key never rewrapped. */
  let erased = '';

  function complaint(passportNumber?: string): CaseBody {
    const b = makeCase(random, { hostCountry: 'RU', hostCity: 'Moscow' }, counter++);
    return passportNumber
      ? {
          ...b,
          category: 'unpaid_wages',
          complainant: { ...b.complainant, passportNumber },
        }
      : b;
  }

  async function create(b: CaseBody) {
    const res = await api.call<{ id: string; possibleDuplicateOf: string | null }>(
      officer,
      'POST',
      '/v1/cases',
      b,
    );
    expect(res.status).toBe(201);
    return res.body;
  }

  async function everyCaseReads() {
    for (const c of cases) {
      const read = await api.call<{ complainant: { fullName: string }; description: string }>(
        officer,
        'GET',
        `/v1/cases/${c.id}`,
      );
      expect(read.status).toBe(200);
      expect(read.body.complainant.fullName).toBe(c.body.complainant.fullName);
      expect(read.body.description).toBe(c.body.description);
    }
  }

  async function searchPassport(passportNumber: string): Promise<string[]> {
    const res = await api.call<{ items: { id: string }[] }>(officer, 'POST', '/v1/cases/search', {
      passportNumber,
    });
    expect(res.status).toBe(200);
    return res.body.items.map((i) => i.id).sort();
  }

  async function restart(env: Record<string, string>) {
    await intake?.stop();
    intake = await startServiceProcess('intake', env);
    api = new ServiceClient(intake.url);
  }

  beforeAll(async () => {
    await resetTopics();
    await resetDatabase('intake');
    await restart(before);
    for (let i = 0; i < 6; i++) {
      const b = complaint();
      cases.push({ id: (await create(b)).id, body: b });
    }
    const first = complaint(sharedPassport);
    const firstId = (await create(first)).id;
    cases.push({ id: firstId, body: first });
    const second = complaint(sharedPassport);
    const flagged = await create(second);
    expect(flagged.possibleDuplicateOf).toBe(firstId);
    cases.push({ id: flagged.id, body: second });
    erased = (await create(complaint('ER1500001'))).id;

    // Keys of no case here, under the former master key, and one destroyed (an erased case).
    const keys = await keyStoreClient();
    try {
      const ids = Array.from({ length: SYNTHETIC_KEYS }, () => randomUUID());
      const wrapped = ids.map((id) => formerMasterKeys.wrap(MasterKeyRing.newDataKey(), id));
      await keys.query(
        `INSERT INTO case_key (case_id, wrapped_key, master_key_id)
         SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[])`,
        [ids, wrapped.map((w) => w.wrappedKey), wrapped.map((w) => w.masterKeyId)],
      );
      await keys.query(
        `INSERT INTO case_key (case_id, wrapped_key, master_key_id, destroyed_at)
         VALUES ($1, NULL, NULL, now())`,
        [destroyed],
      );
      await keys.query(
        `UPDATE case_key SET wrapped_key = NULL, master_key_id = NULL, destroyed_at = now()
         WHERE case_id = $1`,
        [erased],
      );
    } finally {
      await keys.end();
    }
    expect(await masterKeyIds()).toEqual({ mk1: SYNTHETIC_KEYS + cases.length, destroyed: 2 });
    expect(await indexKeyIds()).toEqual({ bi1: cases.length + 1 });
    await restart(during);
  }, 180_000);

  afterAll(async () => {
    await intake?.stop();
    await disconnectTestProducer();
  });

  it('keeps reading, finding and matching every case under the new keys with the former ones listed', async () => {
    await everyCaseReads();
    const pair = [cases[6].id, cases[7].id].sort();
    expect(await searchPassport(sharedPassport)).toEqual(pair);
    const third = complaint(sharedPassport);
    const flagged = await create(third);
    expect(flagged.possibleDuplicateOf).toBe(cases[6].id);
    cases.push({ id: flagged.id, body: third });
    expect(await searchPassport(sharedPassport)).toEqual([...pair, flagged.id].sort());
    expect(await indexKeyIds()).toEqual({ bi1: cases.length, bi2: 1 });
  }, 60_000);

  it('stops when interrupted or at its limit, and a further run goes on', async () => {
    const limited = await rotateKeys(during, ['--limit=500', '--batch-size=100']);
    expect(limited.code).toBe(2);
    expect(limited.output).toMatch(
      /rotate-keys: 500\/\d+ case keys rewrapped under master key mk2/,
    );
    expect(limited.output).toMatch(
      /rotate-keys: stopped, \d+ case keys and 0 passport indexes left under former keys/,
    );
    let batches = 0;
    const interrupted = await rotateKeys(during, ['--batch-size=10'], (line, stop) => {
      if (/case keys rewrapped/.test(line) && ++batches === 3) stop();
    });
    expect(interrupted.code).toBe(2);
    expect(interrupted.output).toMatch(/stopping after the current batch/);
    const ids = await masterKeyIds();
    expect(ids.mk2).toBeGreaterThanOrEqual(520);
    expect(ids.mk1).toBeGreaterThan(0);
    await everyCaseReads();
  }, 120_000);

  it('rewraps the rest, printing progress without personal data, and tells the former key can go', async () => {
    const left = (await masterKeyIds()).mk1;
    const started = Date.now();
    const run = await rotateKeys(during);
    const seconds = (Date.now() - started) / 1000;
    expect(run.code).toBe(0);
    expect(run.output).toMatch(new RegExp(`rotate-keys: 0/${left} case keys rewrapped`));
    expect(run.output).toMatch(new RegExp(`rotate-keys: ${left}/${left} case keys rewrapped`));
    expect(run.output).toMatch(/about \d+s left/);
    expect(run.output).toMatch(
      /rotate-keys: done, \d+ case keys rewrapped and \d+ passport indexes/,
    );
    expect(run.output).toMatch(/mk1 can be removed from INTAKE_PREVIOUS_ENCRYPTION_KEYS/);
    expect(run.output).toMatch(/bi1 can be removed from INTAKE_PREVIOUS_BLIND_INDEX_KEYS/);
    for (const c of cases) {
      expect(run.output).not.toContain(c.body.complainant.fullName);
      expect(run.output).not.toContain(c.body.complainant.passportNumber);
    }
    expect(await masterKeyIds()).toEqual({ mk2: SYNTHETIC_KEYS + cases.length, destroyed: 2 });
    // Every index under the new key; the erased case keeps none.
    expect(await indexKeyIds()).toEqual({ bi2: cases.length, none: 1 });
    const [gone] = await query<{ passport_index: string | null }>(
      'intake',
      'SELECT passport_index FROM case_file WHERE id = $1',
      [erased],
    );
    expect(gone.passport_index).toBeNull();
    const paces = [
      ...run.output.matchAll(/case keys rewrapped under master key mk2 \(.*?(\d+)\/s/g),
    ];
    process.stdout.write(
      `key rotation: ${left} case keys rewrapped in ${seconds.toFixed(1)} s (whole command), ` +
        `${Math.round(left / seconds)} keys/s; pace of the rewrap itself ` +
        `${paces[paces.length - 1][1]} keys/s\n`,
    );
    await everyCaseReads();
  }, 120_000);

  it('finds nothing to do when run again, and the destroyed key stays destroyed', async () => {
    const again = await rotateKeys(during);
    expect(again.code).toBe(0);
    expect(again.output).toMatch(/rotate-keys: 0\/0 case keys rewrapped/);
    expect(again.output).toMatch(/rotate-keys: 0\/0 passport indexes recomputed/);
    expect(again.output).toMatch(/rotate-keys: done, 0 case keys rewrapped and 0 passport/);
    const keys = await keyStoreClient();
    try {
      const { rows } = await keys.query(
        'SELECT wrapped_key, master_key_id, destroyed_at IS NOT NULL AS destroyed FROM case_key WHERE case_id = ANY($1::uuid[])',
        [[destroyed, erased]],
      );
      expect(rows).toEqual([
        { wrapped_key: null, master_key_id: null, destroyed: true },
        { wrapped_key: null, master_key_id: null, destroyed: true },
      ]);
    } finally {
      await keys.end();
    }
  }, 60_000);

  it('reads, finds and matches every case once intake runs without the former keys', async () => {
    await restart(after);
    await everyCaseReads();
    expect(await searchPassport(sharedPassport)).toEqual(
      [cases[6].id, cases[7].id, cases[8].id].sort(),
    );
    expect(await searchPassport(cases[0].body.complainant.passportNumber)).toEqual([cases[0].id]);
    const again = await create(complaint(sharedPassport));
    expect(again.possibleDuplicateOf).toBe(cases[6].id);
  }, 120_000);
});
