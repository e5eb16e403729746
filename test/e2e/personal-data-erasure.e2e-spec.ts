import { CASE_EVENTS_TOPIC, EventTypes } from '@casebridge/contracts';
import { eventSchemaErrors } from '@casebridge/messaging';
import { DEV_ENCRYPTION_KEY } from '../../apps/intake/src/config/intake.environment';
import {
  CaseDataCipher,
  MasterKeyRing,
  type PersonalColumn,
} from '../../apps/intake/src/crypto/envelope-cipher';
import { CaseBody, makeCase, seededRandom } from '../support/cases';
import {
  kafkaClient,
  keyStoreClient,
  query,
  resetDatabase,
  resetTopics,
  waitFor,
} from '../support/infra';
import { assignCase, resetAssignmentSequences } from '../support/intake-client';
import { disconnectTestProducer, readAll } from '../support/kafka';
import { waitUntilConsumed } from '../support/read-model-probe';
import { Caller, ServiceClient } from '../support/service-client';
import { ServiceProcess, startServiceProcess } from '../support/service-process';
import { fetchReport, HostCountryReport, waitForReportTotals } from '../support/system';

const RU = 'RU-MOW';
const officer: Caller = { role: 'intake_officer' };
const caseworker: Caller = { role: 'caseworker', consulateId: RU };
const consul: Caller = { role: 'consul', consulateId: RU };
const dpo: Caller = { role: 'data_protection_officer', sub: 'dpo-1' };
const admin: Caller = { role: 'admin' };
const random = seededRandom(1503);
let counter = 70_000;
function body(): CaseBody {
  return makeCase(random, { hostCountry: 'RU', hostCity: 'Moscow' }, counter++);
}

const masterKey = Buffer.from(process.env.INTAKE_ENCRYPTION_KEY ?? DEV_ENCRYPTION_KEY, 'base64');
const masterKeyId = process.env.INTAKE_ENCRYPTION_KEY_ID ?? 'dev1';
const masterKeys = new MasterKeyRing(masterKeyId, masterKey);

interface KeyRow {
  case_id: string;
  wrapped_key: string | null;
  master_key_id: string | null;
  destroyed_at: Date | null;
}

async function keyRows(): Promise<KeyRow[]> {
  const keys = await keyStoreClient();
  try {
    return (
      await keys.query<KeyRow>(
        'SELECT case_id, wrapped_key, master_key_id, destroyed_at FROM case_key',
      )
    ).rows;
  } finally {
    await keys.end();
  }
}

/** Every ciphertext the case database holds for a case: [value, column, row id]. */
interface Sealed {
  value: string;
  column: PersonalColumn;
  rowId: string;
}

async function ciphertexts(caseId: string): Promise<Sealed[]> {
  const rows = await query<{ value: string | null; column: PersonalColumn; row_id: string }>(
    'intake',
    `SELECT complainant_enc AS value, 'case_file.complainant_enc' AS column, id::text AS row_id FROM case_file WHERE id = $1
     UNION ALL SELECT employer_enc, 'case_file.employer_enc', id::text FROM case_file WHERE id = $1
     UNION ALL SELECT description_enc, 'case_file.description_enc', id::text FROM case_file WHERE id = $1
     UNION ALL SELECT body_enc, 'case_note.body_enc', id::text FROM case_note WHERE case_id = $1
     UNION ALL SELECT comment_enc, 'case_status_change.comment_enc', id::text FROM case_status_change WHERE case_id = $1`,
    [caseId],
  );
  return rows
    .filter((r) => r.value !== null)
    .map((r) => ({ value: r.value!, column: r.column, rowId: r.row_id }));
}

/** Every key that remains: the master key itself and each key-store key it unwraps. */
async function remainingCiphers(): Promise<CaseDataCipher[]> {
  const ciphers = [new CaseDataCipher(masterKey)];
  for (const row of await keyRows()) {
    if (!row.wrapped_key || !row.master_key_id) continue;
    const key = masterKeys.unwrap(
      { wrappedKey: row.wrapped_key, masterKeyId: row.master_key_id },
      row.case_id,
    );
    ciphers.push(new CaseDataCipher(key));
  }
  return ciphers;
}

/** Whether any remaining key opens the value (with any case's binding). */
function opens(ciphers: CaseDataCipher[], s: Sealed): boolean {
  for (const cipher of ciphers) {
    try {
      cipher.decrypt(s.value, s.column, s.rowId);
      return true;
    } catch {
      // not this key
    }
  }
  try {
    masterKeys.decryptLegacy(s.value, s.rowId);
    return true;
  } catch {
    return false;
  }
}

/** The report's figures without the fields that move with time. */
function figures(report: HostCountryReport) {
  return { rows: report.rows, totals: report.totals };
}

describe('Erasure of a complainant’s personal data on request (crypto-shredding)', () => {
  let intake: ServiceProcess;
  let reporting: ServiceProcess;
  let api: ServiceClient;

  beforeAll(async () => {
    await resetTopics();
    await resetDatabase('intake');
    await resetDatabase('reporting');
    resetAssignmentSequences();
    [intake, reporting] = await Promise.all([
      startServiceProcess('intake'),
      startServiceProcess('reporting', { REPORT_MIN_CELL_SIZE: '1' }),
    ]);
    api = new ServiceClient(intake.url);
  });

  afterAll(async () => {
    await Promise.all([intake?.stop(), reporting?.stop()]);
    await disconnectTestProducer();
  });

  async function createWorkedCase(b: CaseBody): Promise<string> {
    const created = await api.call<{ id: string }>(officer, 'POST', '/v1/cases', b);
    expect(created.status).toBe(201);
    const id = created.body.id;
    await assignCase(id, b.hostCountry, RU);
    await waitFor(
      'the case to be assigned',
      async () =>
        (await api.call<{ status: string }>(caseworker, 'GET', `/v1/cases/${id}`)).body.status ===
        'assigned',
      30_000,
      200,
    );
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

  it('is for the data protection officer and admins only, with a reason code', async () => {
    const created = await api.call<{ id: string }>(officer, 'POST', '/v1/cases', body());
    const path = `/v1/cases/${created.body.id}/personal-data-erasure`;
    const valid = { reason: 'data_subject_request' };
    expect((await api.call(null, 'POST', path, valid)).status).toBe(401);
    for (const caller of [officer, caseworker, consul, { role: 'manager' } as Caller]) {
      expect((await api.call(caller, 'POST', path, valid)).status).toBe(403);
    }
    for (const bad of [{}, { reason: 'because' }, { reason: 'other', note: 'x' }]) {
      const res = await api.call(dpo, 'POST', path, bad);
      expect(res.status).toBe(400);
    }
    const missing = await api.call(
      dpo,
      'POST',
      '/v1/cases/00000000-0000-4000-8000-000000000000/personal-data-erasure',
      valid,
    );
    expect(missing.status).toBe(404);
    // Refusals are audited (once the answer is out), as on every case route; nothing was erased.
    await waitFor(
      'the four refusals audited',
      async () => {
        const [refused] = await query<{ n: string }>(
          'intake',
          "SELECT count(*) AS n FROM audit_entry WHERE case_id = $1 AND action = 'case.access_refused'",
          [created.body.id],
        );
        return Number(refused.n) === 4;
      },
      10_000,
      100,
    );
    const [row] = await query<{ personal_data_erased_at: Date | null }>(
      'intake',
      'SELECT personal_data_erased_at FROM case_file WHERE id = $1',
      [created.body.id],
    );
    expect(row.personal_data_erased_at).toBeNull();
    // An admin may erase too.
    const byAdmin = await api.call<{ trigger: string }>(admin, 'POST', path, { reason: 'other' });
    expect(byAdmin.status).toBe(200);
    expect(byAdmin.body.trigger).toBe('request');
  });

  it('destroys the key, empties the case, keeps classifications and figures, publishes one event, and leaves nothing decryptable', async () => {
    const b = body();
    const id = await createWorkedCase(b);
    const otherBody = body();
    const other = await createWorkedCase(otherBody);
    const secrets = [
      b.complainant.fullName,
      b.complainant.phone,
      b.complainant.passportNumber,
      b.complainant.email,
      b.description,
      b.employer.name,
    ];

    // What a dump taken before the erasure would hold.
    const dump = await ciphertexts(id);
    expect(dump.length).toBe(5);
    const keysBefore = await remainingCiphers();
    expect(dump.every((s) => opens(keysBefore, s))).toBe(true);

    const kafkaAdmin = kafkaClient().admin();
    await kafkaAdmin.connect();
    let erasedAt: unknown;
    try {
      await waitForReportTotals(reporting.url, 3, 2);
      await waitUntilConsumed(kafkaAdmin);
      const before = await fetchReport(reporting.url);

      const erased = await api.call<Record<string, unknown>>(
        dpo,
        'POST',
        `/v1/cases/${id}/personal-data-erasure`,
        { reason: 'data_subject_request' },
      );
      expect(erased.status).toBe(200);
      expect(erased.body).toMatchObject({
        caseId: id,
        reason: 'data_subject_request',
        trigger: 'request',
      });
      // Repeated: the same answer, nothing new.
      const again = await api.call(dpo, 'POST', `/v1/cases/${id}/personal-data-erasure`, {
        reason: 'court_order',
      });
      expect(again.status).toBe(200);
      expect(again.body).toEqual(erased.body);
      erasedAt = erased.body.personalDataErasedAt;
      expect(typeof erasedAt).toBe('string');

      await waitFor(
        'the erasure event on the topic',
        async () =>
          (await readAll(CASE_EVENTS_TOPIC)).some(
            (m) => m.headers.ce_type === EventTypes.CasePersonalDataErased && m.key === id,
          ),
        30_000,
        300,
      );
      await waitUntilConsumed(kafkaAdmin);
      // Reporting figures are unchanged: it holds no personal data.
      expect(figures(await fetchReport(reporting.url))).toEqual(figures(before));
    } finally {
      await kafkaAdmin.disconnect();
    }

    // One event, valid against its schema, with no personal data.
    const events = (await readAll(CASE_EVENTS_TOPIC)).filter(
      (m) => m.headers.ce_type === EventTypes.CasePersonalDataErased && m.key === id,
    );
    expect(events.map((m) => m.key)).toEqual([id]);
    const data = JSON.parse(events[0].value!) as Record<string, unknown>;
    expect(eventSchemaErrors(EventTypes.CasePersonalDataErased, data)).toEqual([]);
    expect(data).toMatchObject({
      caseId: id,
      hostCountry: 'RU',
      reason: 'data_subject_request',
      trigger: 'request',
    });
    for (const secret of secrets) expect(events[0].value).not.toContain(secret);

    // Audited, once.
    const audit = await query<{ actor_id: string; actor_role: string }>(
      'intake',
      "SELECT actor_id, actor_role FROM audit_entry WHERE case_id = $1 AND action = 'case.personal_data_erased'",
      [id],
    );
    expect(audit).toEqual([{ actor_id: 'dpo-1', actor_role: 'data_protection_officer' }]);

    // The case reads with its personal data null, its classifications kept.
    const read = await api.call<Record<string, unknown>>(officer, 'GET', `/v1/cases/${id}`);
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({
      id,
      hostCountry: 'RU',
      category: b.category,
      status: 'in_progress',
      employer: null,
      description: null,
      personalDataErasedAt: erasedAt,
      complainant: {
        fullName: null,
        passportNumber: null,
        dateOfBirth: null,
        phone: null,
        email: null,
        preferredLanguage: b.complainant.preferredLanguage,
        consentToShare: b.complainant.consentToShare,
      },
    });
    for (const secret of secrets) expect(JSON.stringify(read.body)).not.toContain(secret);
    const notes = await api.call<{ body: string | null; authorId: string }[]>(
      caseworker,
      'GET',
      `/v1/cases/${id}/notes`,
    );
    expect(notes.status).toBe(200);
    expect(notes.body.map((n) => n.body)).toEqual([null]);
    const history = await api.call(consul, 'GET', `/v1/cases/${id}/history`);
    expect(history.status).toBe(200);
    expect(JSON.stringify(history.body)).toContain('in_progress');
    for (const secret of secrets) expect(JSON.stringify(history.body)).not.toContain(secret);
    const list = await api.call<{ items: { id: string }[] }>(officer, 'GET', '/v1/cases');
    expect(list.status).toBe(200);
    expect(list.body.items.map((i) => i.id)).toContain(id);
    // Its passport no longer finds it (no blind index left).
    const search = await api.call<{ items: unknown[] }>(officer, 'POST', '/v1/cases/search', {
      passportNumber: b.complainant.passportNumber,
    });
    expect(search.status).toBe(200);
    expect(search.body.items).toEqual([]);

    // No personal data can be written to it; status work without it goes on.
    const note = await api.call<{ code: string }>(caseworker, 'POST', `/v1/cases/${id}/notes`, {
      body: 'Another note',
    });
    expect(note.status).toBe(409);
    expect(note.body.code).toBe('personal_data_erased');
    const commented = await api.call<{ code: string }>(
      caseworker,
      'POST',
      `/v1/cases/${id}/transitions`,
      { action: 'await_third_party', comment: 'Waiting for the employer' },
    );
    expect(commented.status).toBe(409);
    expect(commented.body.code).toBe('personal_data_erased');
    const plain = await api.call(caseworker, 'POST', `/v1/cases/${id}/transitions`, {
      action: 'await_third_party',
    });
    expect(plain.status).toBe(200);

    // A new complaint with the same passport is not flagged a duplicate of the erased case.
    const again = await api.call<{ possibleDuplicateOf: string | null }>(
      officer,
      'POST',
      '/v1/cases',
      {
        ...body(),
        complainant: b.complainant,
        category: b.category,
      },
    );
    expect(again.status).toBe(201);
    expect(again.body.possibleDuplicateOf).toBeNull();

    // Proof: the raw tables hold nothing of the case to decrypt, its key row holds no key …
    const [row] = await query<Record<string, unknown>>(
      'intake',
      'SELECT complainant_enc, employer_enc, description_enc, passport_index, erasure_reason, erasure_trigger FROM case_file WHERE id = $1',
      [id],
    );
    expect(row).toEqual({
      complainant_enc: null,
      employer_enc: null,
      description_enc: null,
      passport_index: null,
      erasure_reason: 'data_subject_request',
      erasure_trigger: 'request',
    });
    expect(await ciphertexts(id)).toEqual([]);
    const key = (await keyRows()).find((k) => k.case_id === id)!;
    expect(key.wrapped_key).toBeNull();
    expect(key.master_key_id).toBeNull();
    expect(key.destroyed_at).not.toBeNull();
    // … and the dump taken before opens with none of the keys that remain (the master key,
    // every other case's key), while the other case's data still does.
    const remaining = await remainingCiphers();
    expect(remaining.length).toBeGreaterThan(2);
    expect(dump.filter((s) => opens(remaining, s))).toEqual([]);
    const otherSealed = await ciphertexts(other);
    expect(otherSealed.length).toBe(5);
    expect(otherSealed.every((s) => opens(remaining, s))).toBe(true);
    const otherRead = await api.call<{ complainant: { fullName: string } }>(
      officer,
      'GET',
      `/v1/cases/${other}`,
    );
    expect(otherRead.body.complainant.fullName).toBe(otherBody.complainant.fullName);
  });

  it('completes an erasure interrupted after the key was destroyed, and reads such a case without failing', async () => {
    const b = body();
    const id = await createWorkedCase(b);
    // Step 1 done (the key destroyed), the process gone before step 2.
    const keys = await keyStoreClient();
    try {
      await keys.query(
        'UPDATE case_key SET wrapped_key = NULL, master_key_id = NULL, destroyed_at = now() WHERE case_id = $1',
        [id],
      );
    } finally {
      await keys.end();
    }
    // A fresh instance (no key in memory) reads it without a 5xx, as erased.
    const fresh = await startServiceProcess('intake', { INTAKE_CASE_KEY_CACHE_SIZE: '0' });
    try {
      const freshApi = new ServiceClient(fresh.url);
      const read = await freshApi.call<{ description: string | null }>(
        officer,
        'GET',
        `/v1/cases/${id}`,
      );
      expect(read.status).toBe(200);
      expect(read.body.description).toBeNull();
      const notes = await freshApi.call<{ body: string | null }[]>(
        caseworker,
        'GET',
        `/v1/cases/${id}/notes`,
      );
      expect(notes.status).toBe(200);
      expect(notes.body.map((n) => n.body)).toEqual([null]);
      const note = await freshApi.call(caseworker, 'POST', `/v1/cases/${id}/notes`, {
        body: 'Another note',
      });
      expect(note.status).toBe(409);
      const erased = await freshApi.call(dpo, 'POST', `/v1/cases/${id}/personal-data-erasure`, {
        reason: 'consent_withdrawn',
      });
      expect(erased.status).toBe(200);
    } finally {
      await fresh.stop();
    }
    expect(await ciphertexts(id)).toEqual([]);
    await waitFor(
      'the completed erasure’s event',
      async () =>
        (await readAll(CASE_EVENTS_TOPIC)).filter(
          (m) => m.headers.ce_type === EventTypes.CasePersonalDataErased && m.key === id,
        ).length === 1,
      30_000,
      300,
    );
  });
});
