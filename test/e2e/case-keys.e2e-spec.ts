import { execFileSync } from 'node:child_process';
import { createCipheriv, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { Client } from 'pg';
import { databasePassword, INTAKE_KEY_STORE, serviceRoles } from '@casebridge/common';
import { DEV_ENCRYPTION_KEY } from '../../apps/intake/src/config/intake.environment';
import { CaseDataCipher, MasterKeyRing } from '../../apps/intake/src/crypto/envelope-cipher';
import { CaseBody, makeCase, seededRandom } from '../support/cases';
import {
  dbClient,
  keyStoreClient,
  query,
  resetDatabase,
  resetTopics,
  testKeyStoreName,
} from '../support/infra';
import { assignCase, resetAssignmentSequences } from '../support/intake-client';
import { disconnectTestProducer } from '../support/kafka';
import { Caller, ServiceClient } from '../support/service-client';
import { ServiceProcess, startServiceProcess } from '../support/service-process';

const ROOT = join(__dirname, '..', '..');
const RU = 'RU-MOW';
const officer: Caller = { role: 'intake_officer' };
const caseworker: Caller = { role: 'caseworker', consulateId: RU };
const random = seededRandom(1515);
let counter = 50_000;
function body(): CaseBody {
  return makeCase(random, { hostCountry: 'RU', hostCity: 'Moscow' }, counter++);
}

/** The test run's master key (the development default, as the services run with). */
const masterKey = Buffer.from(process.env.INTAKE_ENCRYPTION_KEY ?? DEV_ENCRYPTION_KEY, 'base64');
const masterKeyId = process.env.INTAKE_ENCRYPTION_KEY_ID ?? 'dev1';
const masterKeys = new MasterKeyRing(masterKeyId, masterKey);

/** A value of the former format (under the master key, bound to `aad`), as intake wrote it before. */
function v1(plaintext: string, aad: string): string {
  const nonce = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', masterKey, nonce, { authTagLength: 16 });
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const sealed = Buffer.concat([
    cipher.update(plaintext, 'utf8'),
    cipher.final(),
    cipher.getAuthTag(),
  ]);
  return `v1.${masterKeyId}.${nonce.toString('base64')}.${sealed.toString('base64')}`;
}

function rekey(): string {
  return execFileSync(
    process.execPath,
    [join(ROOT, 'dist', 'apps', 'intake', 'src', 'rekey', 'main.js')],
    {
      env: process.env,
      encoding: 'utf8',
    },
  );
}

async function storedKey(caseId: string): Promise<{ wrapped_key: string; master_key_id: string }> {
  const keys = await keyStoreClient();
  try {
    const { rows } = await keys.query<{ wrapped_key: string; master_key_id: string }>(
      'SELECT wrapped_key, master_key_id FROM case_key WHERE case_id = $1',
      [caseId],
    );
    return rows[0];
  } finally {
    await keys.end();
  }
}

describe('Personal data under a key per case, kept in a key store of its own', () => {
  let intake: ServiceProcess;
  let api: ServiceClient;

  beforeAll(async () => {
    await resetTopics();
    await resetDatabase('intake');
    resetAssignmentSequences();
    // No cache: the rekey test replaces keys behind the running service's back.
    intake = await startServiceProcess('intake', { INTAKE_CASE_KEY_CACHE_SIZE: '0' });
    api = new ServiceClient(intake.url);
  });

  afterAll(async () => {
    await intake?.stop();
    await disconnectTestProducer();
  });

  async function createWithNoteAndComment(b: CaseBody) {
    const created = await api.call<{ id: string }>(officer, 'POST', '/v1/cases', b);
    expect(created.status).toBe(201);
    const id = created.body.id;
    await assignCase(id, b.hostCountry, RU);
    const note = await api.call(caseworker, 'POST', `/v1/cases/${id}/notes`, {
      body: `Spoke with ${b.complainant.fullName} at home`,
    });
    expect(note.status).toBe(201);
    const started = await api.call(caseworker, 'POST', `/v1/cases/${id}/transitions`, {
      action: 'start',
      comment: `Called ${b.complainant.phone}`,
    });
    expect(started.status).toBe(200);
    return id;
  }

  it('is ready only with its key store, which its readiness check names', async () => {
    const ready = await fetch(`${intake.url}/health/ready`);
    expect(ready.status).toBe(200);
    expect(JSON.stringify(await ready.json())).toContain('keyStore');
  });

  it('creates and reads a case through the API, with its notes', async () => {
    const b = body();
    const id = await createWithNoteAndComment(b);
    const read = await api.call<{ complainant: { fullName: string }; description: string }>(
      officer,
      'GET',
      `/v1/cases/${id}`,
    );
    expect(read.status).toBe(200);
    expect(read.body.complainant.fullName).toBe(b.complainant.fullName);
    expect(read.body.description).toBe(b.description);
    const notes = await api.call<{ body: string }[]>(caseworker, 'GET', `/v1/cases/${id}/notes`);
    expect(notes.body.map((n) => n.body)).toEqual([`Spoke with ${b.complainant.fullName} at home`]);
  });

  it('stores no plaintext, and the master key alone decrypts nothing: the data key is in the key store only', async () => {
    const b = body();
    const id = await createWithNoteAndComment(b);
    const [row] = await query<Record<string, string>>(
      'intake',
      'SELECT * FROM case_file WHERE id = $1',
      [id],
    );
    const [note] = await query<{ id: string; body_enc: string }>(
      'intake',
      'SELECT id, body_enc FROM case_note WHERE case_id = $1',
      [id],
    );
    const [change] = await query<{ id: string; comment_enc: string }>(
      'intake',
      'SELECT id, comment_enc FROM case_status_change WHERE case_id = $1 AND comment_enc IS NOT NULL',
      [id],
    );
    const stored = JSON.stringify([row, note, change]);
    for (const secret of [b.complainant.fullName, b.complainant.phone, b.description])
      expect(stored).not.toContain(secret);
    for (const value of [
      row.complainant_enc,
      row.description_enc,
      note.body_enc,
      change.comment_enc,
    ])
      expect(value).toMatch(/^v2\./);

    // The master key, as a v1 key or as a data key, opens none of them.
    expect(() => masterKeys.decryptLegacy(row.description_enc, id)).toThrow();
    const asDataKey = new CaseDataCipher(masterKey);
    expect(() => asDataKey.decrypt(row.description_enc, 'case_file.description_enc', id)).toThrow();

    // With the wrapped key from the key store, unwrapped by the master key, everything opens,
    // each value only in its own row and column.
    const wrapped = await storedKey(id);
    expect(wrapped.master_key_id).toBe(masterKeyId);
    const cipher = new CaseDataCipher(
      masterKeys.unwrap(
        { wrappedKey: wrapped.wrapped_key, masterKeyId: wrapped.master_key_id },
        id,
      ),
    );
    expect(cipher.decrypt(row.description_enc, 'case_file.description_enc', id)).toBe(
      b.description,
    );
    expect(
      cipher.decryptJson<{ fullName: string }>(row.complainant_enc, 'case_file.complainant_enc', id)
        .fullName,
    ).toBe(b.complainant.fullName);
    expect(cipher.decrypt(note.body_enc, 'case_note.body_enc', note.id)).toContain(
      b.complainant.fullName,
    );
    expect(cipher.decrypt(change.comment_enc, 'case_status_change.comment_enc', change.id)).toBe(
      `Called ${b.complainant.phone}`,
    );
    expect(() => cipher.decrypt(row.description_enc, 'case_file.complainant_enc', id)).toThrow();
  });

  it('refuses a ciphertext swapped into another case’s row', async () => {
    const first = await api.call<{ id: string }>(officer, 'POST', '/v1/cases', body());
    const second = await api.call<{ id: string }>(officer, 'POST', '/v1/cases', body());
    const owner = await dbClient('intake', 'owner');
    try {
      await owner.query(
        `UPDATE case_file SET description_enc = (SELECT description_enc FROM case_file WHERE id = $1) WHERE id = $2`,
        [first.body.id, second.body.id],
      );
    } finally {
      await owner.end();
    }
    const read = await api.call(officer, 'GET', `/v1/cases/${second.body.id}`);
    expect(read.status).toBe(500);
    expect(JSON.stringify(read.body)).not.toMatch(/v2\./);
  });

  it('keeps the key store out of reach of the case database’s roles', async () => {
    const host = process.env.DATABASE_HOST ?? '127.0.0.1';
    const port = process.env.DATABASE_PORT ?? '5432';
    for (const kind of ['runtime', 'owner'] as const) {
      // Not in the case database (a dump of it holds no key) …
      const own = await dbClient('intake', kind);
      try {
        const { rows } = await own.query<{ found: string | null }>(
          "SELECT to_regclass('case_key')::text AS found",
        );
        expect(rows).toEqual([{ found: null }]);
      } finally {
        await own.end();
      }
      // … and the case database's roles may not connect to the key store.
      const role = serviceRoles('intake')[kind];
      const client = new Client({
        connectionString: `postgres://${role}:${encodeURIComponent(databasePassword(process.env, 'intake', kind))}@${host}:${port}/${testKeyStoreName()}`,
      });
      await expect(client.connect()).rejects.toThrow(/permission denied/);
      await client.end().catch(() => undefined);
    }
    // The key store's runtime role may not delete keys or empty the table.
    const keys = await keyStoreClient();
    try {
      await expect(keys.query('DELETE FROM case_key')).rejects.toThrow(/permission denied/);
      await expect(keys.query('TRUNCATE case_key')).rejects.toThrow(/permission denied/);
    } finally {
      await keys.end();
    }
    expect(INTAKE_KEY_STORE.roles.runtime).not.toBe(serviceRoles('intake').runtime);
  });

  it('reads cases of the former format until the rekey command converts them, and a second run changes nothing', async () => {
    const b = body();
    const id = await createWithNoteAndComment(b);
    // Turn the case back into what the former version stored: every value under the master key
    // itself, bound to the row id, and no key in the key store.
    const owner = await dbClient('intake', 'owner');
    const noteText = `Spoke with ${b.complainant.fullName} at home`;
    try {
      const { fullName, passportNumber, dateOfBirth, phone, email } = b.complainant;
      const complainant = { fullName, passportNumber, dateOfBirth, phone, email };
      await owner.query(
        'UPDATE case_file SET complainant_enc = $1, employer_enc = $2, description_enc = $3 WHERE id = $4',
        [
          v1(JSON.stringify(complainant), id),
          v1(JSON.stringify({ ...b.employer, taxId: null }), id),
          v1(b.description, id),
          id,
        ],
      );
      const note = await owner.query<{ id: string }>(
        'SELECT id FROM case_note WHERE case_id = $1',
        [id],
      );
      await owner.query('UPDATE case_note SET body_enc = $1 WHERE id = $2', [
        v1(noteText, `${id}/${note.rows[0].id}`),
        note.rows[0].id,
      ]);
      await owner.query(
        'UPDATE case_status_change SET comment_enc = $1 WHERE case_id = $2 AND comment_enc IS NOT NULL',
        [v1(`Called ${b.complainant.phone}`, id), id],
      );
    } finally {
      await owner.end();
    }
    const keysOwner = await keyStoreClient('owner');
    try {
      await keysOwner.query('DELETE FROM case_key WHERE case_id = $1', [id]);
    } finally {
      await keysOwner.end();
    }
    // Until converted, the case still reads (its former values with the master key), and it
    // gets its key in the key store on that first read.
    const before = await api.call<{ complainant: { fullName: string }; description: string }>(
      officer,
      'GET',
      `/v1/cases/${id}`,
    );
    expect(before.status).toBe(200);
    expect(before.body.complainant.fullName).toBe(b.complainant.fullName);
    expect(before.body.description).toBe(b.description);
    const notesBefore = await api.call<{ body: string }[]>(
      caseworker,
      'GET',
      `/v1/cases/${id}/notes`,
    );
    expect(notesBefore.body.map((n) => n.body)).toEqual([noteText]);
    const keyOnRead = await storedKey(id);
    expect(keyOnRead).toBeDefined();

    const first = rekey();
    expect(first).toMatch(/rekey: 1\/1 cases converted \(5 values\)/);
    expect(first).toMatch(/rekey: done, 1 cases converted/);
    expect(first).not.toContain(b.complainant.fullName);
    const values = await query<{ v: string }>(
      'intake',
      `SELECT complainant_enc AS v FROM case_file WHERE id = $1
       UNION ALL SELECT description_enc FROM case_file WHERE id = $1
       UNION ALL SELECT body_enc FROM case_note WHERE case_id = $1
       UNION ALL SELECT comment_enc FROM case_status_change WHERE case_id = $1 AND comment_enc IS NOT NULL`,
      [id],
    );
    expect(values).toHaveLength(4);
    for (const { v } of values) expect(v).toMatch(/^v2\./);
    const keyBefore = await storedKey(id);
    expect(keyBefore).toEqual(keyOnRead); // the rekey used the key the read had created

    const second = rekey();
    expect(second).toMatch(/rekey: 0\/0 cases converted/);
    expect(second).toMatch(/rekey: done, 0 cases converted/);
    expect(await storedKey(id)).toEqual(keyBefore);
    expect(
      await query<{ v: string }>(
        'intake',
        `SELECT complainant_enc AS v FROM case_file WHERE id = $1
         UNION ALL SELECT description_enc FROM case_file WHERE id = $1
         UNION ALL SELECT body_enc FROM case_note WHERE case_id = $1
         UNION ALL SELECT comment_enc FROM case_status_change WHERE case_id = $1 AND comment_enc IS NOT NULL`,
        [id],
      ),
    ).toEqual(values);

    const read = await api.call<{ complainant: { fullName: string }; description: string }>(
      officer,
      'GET',
      `/v1/cases/${id}`,
    );
    expect(read.status).toBe(200);
    expect(read.body.complainant.fullName).toBe(b.complainant.fullName);
    expect(read.body.description).toBe(b.description);
    const notes = await api.call<{ body: string }[]>(caseworker, 'GET', `/v1/cases/${id}/notes`);
    expect(notes.body.map((n) => n.body)).toEqual([noteText]);
  });
});
