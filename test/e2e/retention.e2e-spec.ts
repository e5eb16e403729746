import { CASE_EVENTS_TOPIC, EventTypes } from '@casebridge/contracts';
import { eventSchemaErrors } from '@casebridge/messaging';
import { makeCase, seededRandom } from '../support/cases';
import {
  keyStoreClient,
  query,
  resetDatabase,
  resetTopics,
  sleep,
  waitFor,
} from '../support/infra';
import { assignCase, resetAssignmentSequences } from '../support/intake-client';
import { disconnectTestProducer, readAll } from '../support/kafka';
import { Caller, ServiceClient } from '../support/service-client';
import { ServiceProcess, startServiceProcess } from '../support/service-process';

const RU = 'RU-MOW';
const officer: Caller = { role: 'intake_officer' };
const admin: Caller = { role: 'admin', sub: 'admin-1' };
const consul: Caller = { role: 'consul', consulateId: RU, sub: 'consul-ru' };
const otherConsul: Caller = { role: 'consul', consulateId: 'KZ-ALA' };
const caseworker: Caller = { role: 'caseworker', consulateId: RU };
const dpo: Caller = { role: 'data_protection_officer' };
const random = seededRandom(1502);
let counter = 80_000;

/** Retention of seconds, swept often: an ended case is due almost at once. */
const RETENTION = { INTAKE_RETENTION_PERIOD_SECONDS: '2', INTAKE_RETENTION_SWEEP_MS: '300' };

async function erasedIds(ids: string[]): Promise<string[]> {
  const rows = await query<{ id: string }>(
    'intake',
    'SELECT id FROM case_file WHERE id = ANY($1::uuid[]) AND personal_data_erased_at IS NOT NULL ORDER BY id',
    [ids],
  );
  return rows.map((r) => r.id);
}

describe('Retention: ended cases’ personal data erased by a job, legal holds suspend it', () => {
  let instances: ServiceProcess[];
  let api: ServiceClient;

  beforeAll(async () => {
    await resetTopics();
    await resetDatabase('intake');
    resetAssignmentSequences();
    // Two instances run the job at once.
    instances = await Promise.all([
      startServiceProcess('intake', RETENTION),
      startServiceProcess('intake', RETENTION),
    ]);
    api = new ServiceClient(instances[0].url);
  });

  afterAll(async () => {
    await Promise.all((instances ?? []).map((i) => i.stop()));
    await disconnectTestProducer();
  });

  async function create(): Promise<string> {
    const b = makeCase(random, { hostCountry: 'RU', hostCity: 'Moscow' }, counter++);
    const res = await api.call<{ id: string }>(officer, 'POST', '/v1/cases', b);
    expect(res.status).toBe(201);
    return res.body.id;
  }

  async function withdraw(id: string): Promise<void> {
    const res = await api.call(officer, 'POST', `/v1/cases/${id}/transitions`, {
      action: 'withdraw',
      reason: 'complainant_request',
    });
    expect(res.status).toBe(200);
  }

  it('lets a consul of the holding consulate or an admin set and release a hold, audited; others are refused', async () => {
    const id = await create();
    await assignCase(id, 'RU', RU);
    await waitFor(
      'the assignment',
      async () =>
        (await api.call<{ status: string }>(consul, 'GET', `/v1/cases/${id}`)).body.status ===
        'assigned',
      30_000,
      200,
    );
    const path = `/v1/cases/${id}/legal-hold`;
    expect((await api.call(null, 'PUT', path, { reason: 'litigation' })).status).toBe(401);
    for (const caller of [officer, caseworker, dpo, { role: 'manager' } as Caller])
      expect((await api.call(caller, 'PUT', path, { reason: 'litigation' })).status).toBe(403);
    expect((await api.call(otherConsul, 'PUT', path, { reason: 'litigation' })).status).toBe(404);
    expect((await api.call(otherConsul, 'DELETE', path)).status).toBe(404);
    expect((await api.call(consul, 'PUT', path, { reason: 'gossip' })).status).toBe(400);
    const set = await api.call(consul, 'PUT', path, { reason: 'litigation' });
    expect(set.status).toBe(200);
    expect(set.body).toMatchObject({ caseId: id, reason: 'litigation', by: 'consul-ru' });
    const refused = await api.call<{ code: string }>(
      dpo,
      'POST',
      `/v1/cases/${id}/personal-data-erasure`,
      { reason: 'data_subject_request' },
    );
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('legal_hold');
    const released = await api.call(admin, 'DELETE', path);
    expect(released.status).toBe(200);
    expect(released.body).toMatchObject({ reason: null, since: null });
    const audit = await query<{ action: string; actor_id: string }>(
      'intake',
      "SELECT action, actor_id FROM audit_entry WHERE case_id = $1 AND action LIKE 'case.legal_hold_%' ORDER BY at",
      [id],
    );
    expect(audit).toEqual([
      { action: 'case.legal_hold_set', actor_id: 'consul-ru' },
      { action: 'case.legal_hold_released', actor_id: 'admin-1' },
    ]);
  });

  it('erases each ended case exactly once across two instances, and neither an open case nor one under hold', async () => {
    const open = await create();
    const held = await create();
    expect(
      (await api.call(admin, 'PUT', `/v1/cases/${held}/legal-hold`, { reason: 'court_order' }))
        .status,
    ).toBe(200);
    await withdraw(held);
    const ended: string[] = [];
    for (let i = 0; i < 6; i++) ended.push(await create());
    for (const id of ended) await withdraw(id);

    await waitFor(
      'the ended cases to be erased',
      async () => (await erasedIds(ended)).length === ended.length,
      60_000,
      300,
    );
    // Several sweeps later, the open and the held case are still whole.
    await sleep(3_000);
    expect(await erasedIds([open, held])).toEqual([]);
    const heldRead = await api.call<{ description: string | null }>(
      officer,
      'GET',
      `/v1/cases/${held}`,
    );
    expect(heldRead.body.description).not.toBeNull();

    await waitFor(
      'one erasure event per ended case',
      async () =>
        (await readAll(CASE_EVENTS_TOPIC)).filter(
          (m) => m.headers.ce_type === EventTypes.CasePersonalDataErased,
        ).length >= ended.length,
      30_000,
      300,
    );
    await sleep(1_000);
    const events = (await readAll(CASE_EVENTS_TOPIC)).filter(
      (m) => m.headers.ce_type === EventTypes.CasePersonalDataErased,
    );
    expect(events.map((m) => m.key).sort()).toEqual([...ended].sort());
    for (const m of events) {
      const data = JSON.parse(m.value!) as Record<string, unknown>;
      expect(eventSchemaErrors(EventTypes.CasePersonalDataErased, data)).toEqual([]);
      expect(data).toMatchObject({ reason: 'retention_period_ended', trigger: 'retention' });
    }
    const audits = await query<{ n: string }>(
      'intake',
      "SELECT count(*) AS n FROM audit_entry WHERE case_id = ANY($1::uuid[]) AND action = 'case.personal_data_erased' AND actor_id = 'retention'",
      [ended],
    );
    expect(Number(audits[0].n)).toBe(ended.length);
    const keys = await keyStoreClient();
    try {
      const { rows } = await keys.query<{ case_id: string; destroyed: boolean }>(
        'SELECT case_id, destroyed_at IS NOT NULL AND wrapped_key IS NULL AS destroyed FROM case_key WHERE case_id = ANY($1::uuid[])',
        [[...ended, open, held]],
      );
      const destroyed = new Map(rows.map((r) => [r.case_id, r.destroyed]));
      for (const id of ended) expect(destroyed.get(id)).toBe(true);
      expect(destroyed.get(open)).toBe(false);
      expect(destroyed.get(held)).toBe(false);
    } finally {
      await keys.end();
    }

    // Released, the held case's retention runs again (it ended long enough ago).
    expect((await api.call(admin, 'DELETE', `/v1/cases/${held}/legal-hold`)).status).toBe(200);
    await waitFor(
      'the released case to be erased',
      async () => (await erasedIds([held])).length === 1,
      30_000,
      300,
    );
    expect(await erasedIds([open])).toEqual([]);
  });
});
