import type { QueryRunner } from 'typeorm';
import { IdempotencyReplaySnapshot1768176000000 } from '../../apps/intake/src/database/migrations/1768176000000-IdempotencyReplaySnapshot';
import { makeCase, seededRandom } from '../support/cases';
import { dbClient, query, resetDatabase, resetTopics, waitFor } from '../support/infra';
import { disconnectTestProducer } from '../support/kafka';
import { ApiResult, Caller, ServiceClient } from '../support/service-client';
import { ServiceProcess, startServiceProcess } from '../support/service-process';
import { waitUntilAllAssigned } from '../support/system';

/** Two partner systems, each with its own service token (its own `sub`). */
const callCentre: Caller = { role: 'integration', sub: 'partner-call-centre' };
const ngo: Caller = { role: 'integration', sub: 'partner-ngo' };
const officer: Caller = { role: 'intake_officer' };
const dpo: Caller = { role: 'data_protection_officer', sub: 'dpo-1' };

const random = seededRandom(1603);
let counter = 160_000;

/**
 * What a partner sends: a Moscow complaint with a name, passport, phone and description, but no
 * e-mail, birth date or employer (so that an answer holding those would hold more than was sent).
 */
function partnerBody(overrides: Record<string, unknown> = {}) {
  const base = makeCase(random, { hostCountry: 'RU', hostCity: 'Moscow' }, counter++);
  return {
    complainant: {
      fullName: base.complainant.fullName,
      passportNumber: base.complainant.passportNumber,
      phone: base.complainant.phone,
      preferredLanguage: 'ru',
      consentToShare: true,
    },
    hostCountry: 'RU',
    hostCity: 'Moscow',
    category: 'unpaid_wages',
    riskIndicators: ['withholding_of_wages'],
    description: base.description,
    amountClaimed: { amount: 1250.5, currency: 'RUB' },
    channel: 'integration',
    ...overrides,
  };
}
type PartnerBody = ReturnType<typeof partnerBody>;

interface CaseAnswer {
  id: string;
  reference: string;
  status: string;
  version: number;
  consulateId: string | null;
  complainant: Record<string, unknown>;
  employer: unknown;
  description: string | null;
  personalDataErasedAt: string | null;
  [field: string]: unknown;
}

/** What intake holds for a case beyond its file: its events, its audit trail, every case. */
async function stored(caseId: string) {
  const [row] = await query<{ cases: string; events: string; keys: string }>(
    'intake',
    `SELECT (SELECT count(*) FROM case_file) AS cases,
            (SELECT count(*) FROM outbox_event WHERE message_key = $1::text) AS events,
            (SELECT count(*) FROM idempotency_key) AS keys`,
    [caseId],
  );
  const audit = await query<{ action: string; actor_id: string }>(
    'intake',
    'SELECT action, actor_id FROM audit_entry WHERE case_id = $1 ORDER BY at, id',
    [caseId],
  );
  return { ...row, audit };
}

describe('Retries partners can rely on: an Idempotency-Key answers its first answer again', () => {
  let intake: ServiceProcess;
  let assignment: ServiceProcess;
  let api: ServiceClient;

  const submit = (caller: Caller, body: unknown, key: string) =>
    api.call<CaseAnswer>(caller, 'POST', '/v1/cases', body, { 'Idempotency-Key': key });

  /** The retry answers exactly the first answer: status, headers and body; nothing new stored. */
  async function expectReplay(
    caller: Caller,
    body: unknown,
    key: string,
    first: ApiResult<CaseAnswer>,
    expected: CaseAnswer = first.body,
  ): Promise<ApiResult<CaseAnswer>> {
    const before = await stored(first.body.id);
    const again = await submit(caller, body, key);
    expect(again.status).toBe(first.status);
    expect(again.headers.get('location')).toBe(first.headers.get('location'));
    expect(again.headers.get('etag')).toBe(first.headers.get('etag'));
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body).toEqual(expected);
    const after = await stored(first.body.id);
    // No second case, no event, no key; only the audit entry of the replay itself.
    expect({ ...after, audit: after.audit.length }).toEqual({
      ...before,
      audit: before.audit.length + 1,
    });
    expect(after.audit.at(-1)).toEqual({ action: 'case.idempotent_replay', actor_id: caller.sub });
    return again;
  }

  async function act(caller: Caller, id: string, body: Record<string, unknown>) {
    const res = await api.call(caller, 'POST', `/v1/cases/${id}/transitions`, body);
    expect(res.status).toBe(200);
  }

  beforeAll(async () => {
    await resetTopics();
    await resetDatabase('intake');
    await resetDatabase('assignment');
    [intake, assignment] = await Promise.all([
      startServiceProcess('intake', { INTAKE_IDEMPOTENCY_KEY_SWEEP_MS: '300' }),
      startServiceProcess('assignment'),
    ]);
    api = new ServiceClient(intake.url);
  });

  afterAll(async () => {
    await Promise.all([intake?.stop(), assignment?.stop()]);
    await disconnectTestProducer();
  });

  let body: PartnerBody;
  let first: ApiResult<CaseAnswer>;
  const key = 'call-centre:2026-10-02:0001';

  it('answers a retry after assignment routed the case with the original 201, not 404', async () => {
    body = partnerBody();
    first = await submit(callCentre, body, key);
    expect(first.status).toBe(201);
    expect(first.headers.get('location')).toBe(`/v1/cases/${first.body.id}`);
    expect(first.headers.get('etag')).toBe('"1"');
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    await waitUntilAllAssigned([first.body.id]);
    const now = await api.get<CaseAnswer>(officer, `/v1/cases/${first.body.id}`);
    expect(now.body).toMatchObject({ status: 'assigned', consulateId: 'RU-MOW' });

    const again = await expectReplay(callCentre, body, key, first);
    // As it was at creation, with exactly the personal data the partner sent and nothing else.
    expect(again.body).toMatchObject({
      id: first.body.id,
      reference: first.body.reference,
      status: 'submitted',
      consulateId: null,
      caseworkerId: null,
      version: 1,
      complainant: {
        fullName: body.complainant.fullName,
        passportNumber: body.complainant.passportNumber,
        phone: body.complainant.phone,
        email: null,
        dateOfBirth: null,
      },
      employer: null,
      description: body.description,
      personalDataErasedAt: null,
    });
    // Key order does not matter: the same body, written differently.
    const reordered = Object.fromEntries(Object.entries(body).reverse());
    await expectReplay(callCentre, reordered, key, first);
    const [{ n }] = await query<{ n: string }>(
      'intake',
      `SELECT count(*) AS n FROM outbox_event
       WHERE event_type = 'casebridge.case.submitted.v1' AND message_key = $1`,
      [first.body.id],
    );
    expect(n).toBe('1');
  });

  it('still refuses the same key with another body (409 idempotency_key_reused), personal or not', async () => {
    for (const other of [
      { ...body, description: `${body.description} Also my passport was taken.` },
      { ...body, complainant: { ...body.complainant, phone: '+998900000001' } },
      { ...body, category: 'document_confiscation' },
    ]) {
      const res = await submit(callCentre, other, key);
      expect(res.status).toBe(409);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(res.body).toMatchObject({ code: 'idempotency_key_reused' });
      // The refusal names nothing of the case or of either body.
      const text = JSON.stringify(res.body);
      for (const secret of [first.body.id, body.complainant.fullName, body.description])
        expect(text).not.toContain(secret);
    }
  });

  it('keeps keys per client: another partner’s same key is its own request, never a replay', async () => {
    const theirs = partnerBody();
    const created = await submit(ngo, theirs, key);
    expect(created.status).toBe(201);
    expect(created.headers.get('idempotent-replayed')).toBeNull();
    expect(created.body.id).not.toBe(first.body.id);
    expect(created.body.complainant.fullName).toBe(theirs.complainant.fullName);
    // Even the call centre's own body under that key is a new case for the NGO: it learns
    // nothing of the call centre's case.
    const same = await submit(ngo, body, 'ngo-key-0000001');
    expect(same.status).toBe(201);
    expect([first.body.id, created.body.id]).not.toContain(same.body.id);
    // Routing writes its own event into intake's outbox: let it come first, so that the counts
    // around each replay see the replay alone.
    await waitUntilAllAssigned([created.body.id, same.body.id]);
    // Each gets its own first answer back.
    await expectReplay(ngo, theirs, key, created);
    await expectReplay(callCentre, body, key, first);
  });

  it('answers the original after the case was worked and closed (no outcome, no staff data)', async () => {
    const holder: Caller = { role: 'consul', consulateId: 'RU-MOW' };
    await act(holder, first.body.id, { action: 'start' });
    await act(holder, first.body.id, {
      action: 'resolve',
      outcome: { type: 'wages_recovered', amountRecovered: { amount: 900, currency: 'RUB' } },
      comment: 'Employer paid after the consulate called; the worker confirmed by phone.',
    });
    await act(holder, first.body.id, { action: 'close' });
    const now = await api.get<CaseAnswer>(officer, `/v1/cases/${first.body.id}`);
    expect(now.body).toMatchObject({ status: 'closed', outcome: { type: 'wages_recovered' } });

    const again = await expectReplay(callCentre, body, key, first);
    expect(again.body).toMatchObject({ status: 'submitted', outcome: null, version: 1 });
    expect(JSON.stringify(again.body)).not.toContain('Employer paid');
  });

  it('gives an existing key the answer its creation gave (migration), the priority before re-triage', async () => {
    const legacyBody = partnerBody({ category: 'other', riskIndicators: [] });
    const legacyKey = 'call-centre:legacy-0001';
    const legacy = await submit(callCentre, legacyBody, legacyKey);
    expect(legacy.body.priority).toBe('normal');
    await waitUntilAllAssigned([legacy.body.id]);
    const retriaged = await api.call(officer, 'POST', `/v1/cases/${legacy.body.id}/priority`, {
      priority: 'urgent',
      reason: 'new_risk_information',
    });
    expect(retriaged.status).toBe(200);

    // As before the migration: the key row without its answer, then the migration.
    const owner = await dbClient('intake', 'owner');
    try {
      const runner = {
        query: async (sql: string, params?: unknown[]) => (await owner.query(sql, params)).rows,
      } as unknown as QueryRunner;
      const migration = new IdempotencyReplaySnapshot1768176000000();
      await owner.query('ALTER TABLE idempotency_key DROP COLUMN response');
      await migration.up(runner);
    } finally {
      await owner.end();
    }
    await expectReplay(callCentre, legacyBody, legacyKey, legacy);
    await expectReplay(callCentre, body, key, first);
  });

  it('after erasure forgets the body’s hash and still answers: the original without any personal field', async () => {
    const erased = await api.call(dpo, 'POST', `/v1/cases/${first.body.id}/personal-data-erasure`, {
      reason: 'data_subject_request',
    });
    expect(erased.status).toBe(200);
    const [row] = await query<{ request_hash: string | null; response: unknown }>(
      'intake',
      'SELECT request_hash, response FROM idempotency_key WHERE case_id = $1',
      [first.body.id],
    );
    expect(row.request_hash).toBeNull();
    const kept = JSON.stringify(row.response);
    for (const secret of [
      body.complainant.fullName,
      body.complainant.passportNumber,
      body.complainant.phone,
      body.description,
    ])
      expect(kept).not.toContain(secret);

    const erasedAt = (erased.body as { personalDataErasedAt: string }).personalDataErasedAt;
    const withoutPersonalData: CaseAnswer = {
      ...first.body,
      complainant: {
        ...first.body.complainant,
        fullName: null,
        passportNumber: null,
        phone: null,
      },
      description: null,
      personalDataErasedAt: erasedAt,
    };
    const again = await expectReplay(callCentre, body, key, first, withoutPersonalData);
    const text = JSON.stringify(again.body);
    for (const secret of [
      body.complainant.fullName,
      body.complainant.passportNumber,
      body.description,
    ])
      expect(text).not.toContain(secret);
    // Personal fields can no longer be compared; the others still are.
    const otherText = { ...body, description: 'A description nobody can compare any more.' };
    await expectReplay(callCentre, otherText, key, first, withoutPersonalData);
    const otherCategory = await submit(callCentre, { ...body, category: 'other' }, key);
    expect(otherCategory.status).toBe(409);
    expect(otherCategory.body).toMatchObject({ code: 'idempotency_key_reused' });

    // A case erased before the migration loses its hash to it.
    await query('intake', "UPDATE idempotency_key SET request_hash = 'legacy' WHERE case_id = $1", [
      first.body.id,
    ]);
    const owner = await dbClient('intake', 'owner');
    try {
      const runner = {
        query: async (sql: string, params?: unknown[]) => (await owner.query(sql, params)).rows,
      } as unknown as QueryRunner;
      await new IdempotencyReplaySnapshot1768176000000().up(runner);
    } finally {
      await owner.end();
    }
    const [after] = await query<{ request_hash: string | null }>(
      'intake',
      'SELECT request_hash FROM idempotency_key WHERE case_id = $1',
      [first.body.id],
    );
    expect(after.request_hash).toBeNull();
  });

  it('forgets a key after INTAKE_IDEMPOTENCY_KEY_TTL_SECONDS: the same key then creates a new case', async () => {
    const b = partnerBody();
    const expiringKey = 'call-centre:expiring-01';
    const original = await submit(callCentre, b, expiringKey);
    expect(original.status).toBe(201);
    // Eight days old: past the default seven.
    await query(
      'intake',
      "UPDATE idempotency_key SET created_at = now() - interval '8 days' WHERE case_id = $1",
      [original.body.id],
    );
    await waitFor('the expired key to be deleted', async () => {
      const rows = await query('intake', 'SELECT 1 FROM idempotency_key WHERE case_id = $1', [
        original.body.id,
      ]);
      return rows.length === 0;
    });
    const later = await submit(callCentre, b, expiringKey);
    expect(later.status).toBe(201);
    expect(later.headers.get('idempotent-replayed')).toBeNull();
    expect(later.body.id).not.toBe(original.body.id);
    // Keys still within their time are kept.
    const [kept] = await query<{ n: string }>(
      'intake',
      'SELECT count(*) AS n FROM idempotency_key WHERE case_id = $1',
      [first.body.id],
    );
    expect(kept.n).toBe('1');
  });
});
