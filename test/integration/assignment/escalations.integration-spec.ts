import { EventTypes } from '@casebridge/contracts';
import { freePort, query, resetDatabase, resetTopics, waitFor } from '../../support/infra';
import { disconnectTestProducer, produceEvent } from '../../support/kafka';
import { ServiceProcess, startServiceProcess } from '../../support/service-process';
import { ApiResult, Caller, ServiceClient } from '../../support/service-client';
import { submittedCase } from '../../support/events';

/**
 * Acknowledging escalations through the HTTP API. Normal-priority cases must be started within
 * 1 s (and resolved within an hour), so every case routed here breaches acceptance, once, at once.
 */
const SLA_ENV = {
  SLA_ACCEPTANCE_NORMAL_S: '1',
  SLA_RESOLUTION_NORMAL_S: '3600',
  SLA_SCAN_INTERVAL_MS: '200',
};

interface Acknowledgement {
  reason: string;
  actorId: string;
  actorRole: string;
  consulateId: string;
  at: string;
}

interface Escalation {
  id: string;
  caseId: string;
  stage: string;
  heldBy: { consulateId: string };
  acknowledgement: Acknowledgement | null;
}

interface Problem {
  type: string;
  status: number;
  code: string;
  detail: string;
  errors?: { field: string; message: string }[];
  acknowledgement?: Acknowledgement;
}

const MOW_CONSUL: Caller = { role: 'consul', consulateId: 'RU-MOW' };
const SPB_CONSUL: Caller = { role: 'consul', consulateId: 'RU-SPB' };
const ADMIN: Caller = { role: 'admin' };

let service: ServiceProcess;
let api: ServiceClient;
/** Breach id of the acceptance breach of each routed case, by case id. */
const breachOf = new Map<string, string>();

/** Routes fresh Moscow cases and waits until each has breached acceptance; their breach ids. */
async function breachedCases(count: number): Promise<{ caseId: string; breachId: string }[]> {
  const cases = Array.from({ length: count }, () => submittedCase());
  for (const c of cases) await produceEvent(EventTypes.CaseSubmitted, c);
  const ids = cases.map((c) => c.caseId);
  await waitFor(
    `${count} acceptance breaches`,
    async () => {
      const rows = await query<{ id: string; case_id: string }>(
        'assignment',
        "SELECT id::text AS id, case_id FROM sla_breach WHERE stage = 'acceptance' AND case_id = ANY($1::uuid[])",
        [ids],
      );
      for (const r of rows) breachOf.set(r.case_id, r.id);
      return rows.length === count;
    },
    30_000,
    100,
  );
  return ids.map((caseId) => ({ caseId, breachId: breachOf.get(caseId)! }));
}

function acknowledge(
  caller: Caller | null,
  breachId: string,
  body: unknown = { reason: 'caseworker_contacted' },
): Promise<ApiResult<Escalation & Problem>> {
  return api.call<Escalation & Problem>(
    caller,
    'POST',
    `/v1/escalations/${breachId}/acknowledge`,
    body,
  );
}

/** A consul of RU-MOW with a subject of their own (several consuls, deputies, of one office). */
function acknowledgeAs(
  sub: string,
  breachId: string,
  reason = 'caseworker_contacted',
): Promise<ApiResult<Escalation & Problem>> {
  return acknowledge({ ...MOW_CONSUL, sub }, breachId, { reason });
}

async function storedAcknowledgements(breachId: string): Promise<Record<string, unknown>[]> {
  return query(
    'assignment',
    'SELECT reason, actor_id, actor_role, consulate_id FROM sla_breach_acknowledgement WHERE breach_id = $1',
    [breachId],
  );
}

/** Every escalation the caller's list shows (all pages), with the filter. */
async function listed(caller: Caller, filter = ''): Promise<Escalation[]> {
  const items: Escalation[] = [];
  let cursor: string | null = null;
  do {
    const params = [filter, 'limit=200', cursor ? `cursor=${cursor}` : ''].filter(Boolean);
    const res: ApiResult<{ items: Escalation[]; nextCursor: string | null }> = await api.get(
      caller,
      `/v1/escalations?${params.join('&')}`,
    );
    expect(res.status).toBe(200);
    items.push(...res.body.items);
    cursor = res.body.nextCursor;
  } while (cursor);
  return items;
}

beforeAll(async () => {
  await resetTopics();
  await resetDatabase('assignment');
  service = await startServiceProcess('assignment', SLA_ENV, await freePort());
  api = new ServiceClient(service.url);
});

afterAll(async () => {
  await service?.stop();
  await disconnectTestProducer();
});

describe('Acknowledging escalations', () => {
  it('lets the consul of the office holding the case acknowledge its breach with a reason code', async () => {
    const [{ caseId, breachId }] = await breachedCases(1);
    const before = Date.now();
    const res = await acknowledge(MOW_CONSUL, breachId, { reason: 'waiting_host_authority' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      id: breachId,
      caseId,
      stage: 'acceptance',
      heldBy: { consulateId: 'RU-MOW' },
      acknowledgement: {
        reason: 'waiting_host_authority',
        actorId: 'test-consul-RU-MOW',
        actorRole: 'consul',
        consulateId: 'RU-MOW',
      },
    });
    const at = Date.parse(res.body.acknowledgement.at);
    expect(at).toBeGreaterThanOrEqual(before - 1000);
    expect(at).toBeLessThanOrEqual(Date.now() + 1000);
    expect(await storedAcknowledgements(breachId)).toEqual([
      {
        reason: 'waiting_host_authority',
        actor_id: 'test-consul-RU-MOW',
        actor_role: 'consul',
        consulate_id: 'RU-MOW',
      },
    ]);
    const shown = (await listed(MOW_CONSUL)).find((e) => e.id === breachId);
    expect(shown?.acknowledgement).toEqual(res.body.acknowledgement);
  });

  it('answers a consul of another office 404, exactly as for an escalation that does not exist', async () => {
    const [{ breachId }] = await breachedCases(1);
    const outside = await acknowledge(SPB_CONSUL, breachId);
    const missing = await acknowledge(SPB_CONSUL, '999999999');
    const malformed = await acknowledge(SPB_CONSUL, '01');
    const tooLarge = await acknowledge(SPB_CONSUL, '99999999999999999999');
    for (const res of [outside, missing, malformed, tooLarge]) {
      expect(res.status).toBe(404);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(res.body).toMatchObject({
        status: 404,
        code: 'escalation_not_found',
        detail: outside.body.detail,
      });
      expect(JSON.stringify(res.body)).not.toContain('RU-MOW');
    }
    expect(await storedAcknowledgements(breachId)).toEqual([]);
  });

  it.each<[string, Caller]>([
    ['a caseworker of the holding office', { role: 'caseworker', consulateId: 'RU-MOW' }],
    ['a manager', { role: 'manager' }],
    ['an intake officer', { role: 'intake_officer' }],
    ['an integration', { role: 'integration' }],
  ])('refuses %s with 403', async (_who, caller) => {
    const [{ breachId }] = await breachedCases(1);
    const res = await acknowledge(caller, breachId);
    expect(res.status).toBe(403);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await storedAcknowledgements(breachId)).toEqual([]);
  });

  it('lets an admin acknowledge any escalation, recording the office holding the case', async () => {
    const [{ breachId }] = await breachedCases(1);
    const res = await acknowledge(ADMIN, breachId, { reason: 'workload' });
    expect(res.status).toBe(200);
    expect(res.body.acknowledgement).toMatchObject({
      reason: 'workload',
      actorId: 'test-admin',
      actorRole: 'admin',
      consulateId: 'RU-MOW',
    });
  });

  it('answers 401 without a valid token', async () => {
    const [{ breachId }] = await breachedCases(1);
    expect((await acknowledge(null, breachId)).status).toBe(401);
    const forged = await api.call(
      null,
      'POST',
      `/v1/escalations/${breachId}/acknowledge`,
      { reason: 'other' },
      { Authorization: 'Bearer not.a.token' },
    );
    expect(forged.status).toBe(401);
    expect(await storedAcknowledgements(breachId)).toEqual([]);
  });

  it('refuses a reason outside the codes, a missing reason and unknown fields with 400 naming the field', async () => {
    const [{ breachId }] = await breachedCases(1);
    const cases: [unknown, string][] = [
      [{ reason: 'called him, he will come on Monday' }, 'reason'],
      [{ reason: 'WORKLOAD' }, 'reason'],
      [{ reason: 7 }, 'reason'],
      [{}, 'reason'],
      [{ reason: 'workload', note: 'free text' }, 'note'],
    ];
    for (const [body, field] of cases) {
      const res = await acknowledge(MOW_CONSUL, breachId, body);
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(res.body.errors?.map((e) => e.field)).toContain(field);
    }
    const [reasonError] = (await acknowledge(MOW_CONSUL, breachId, { reason: 'x' })).body.errors!;
    expect(reasonError.message).toContain('caseworker_contacted');
    expect(await storedAcknowledgements(breachId)).toEqual([]);
  });

  it('answers a repeat by the same consul with the same reason with the first acknowledgement, and anyone else 409 naming it', async () => {
    const [{ breachId }] = await breachedCases(1);
    const first = await acknowledgeAs('consul-anna', breachId, 'caseworker_contacted');
    expect(first.status).toBe(200);

    const retry = await acknowledgeAs('consul-anna', breachId, 'caseworker_contacted');
    expect(retry.status).toBe(200);
    expect(retry.body.acknowledgement).toEqual(first.body.acknowledgement);

    const otherReason = await acknowledgeAs('consul-anna', breachId, 'other');
    const deputy = await acknowledgeAs('consul-deputy', breachId, 'caseworker_contacted');
    const admin = await acknowledge(ADMIN, breachId, { reason: 'caseworker_contacted' });
    for (const res of [otherReason, deputy, admin]) {
      expect(res.status).toBe(409);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(res.body).toMatchObject({
        code: 'escalation_already_acknowledged',
        acknowledgement: first.body.acknowledgement,
      });
      expect(res.body.detail).toContain('consul-anna');
    }
    expect(await storedAcknowledgements(breachId)).toEqual([
      {
        reason: 'caseworker_contacted',
        actor_id: 'consul-anna',
        actor_role: 'consul',
        consulate_id: 'RU-MOW',
      },
    ]);
  });

  it('lets exactly one of concurrent acknowledgements win; the others get 409 naming the winner', async () => {
    const breaches = await breachedCases(3);
    for (const { breachId } of breaches) {
      const consuls = Array.from({ length: 8 }, (_, i) => `consul-${i}`);
      const answers = await Promise.all(consuls.map((sub) => acknowledgeAs(sub, breachId)));
      const won = answers.filter((a) => a.status === 200);
      const lost = answers.filter((a) => a.status === 409);
      expect(won).toHaveLength(1);
      expect(lost).toHaveLength(consuls.length - 1);
      const winner = won[0].body.acknowledgement;
      for (const a of lost) expect(a.body.acknowledgement).toEqual(winner);
      const stored = await storedAcknowledgements(breachId);
      expect(stored).toHaveLength(1);
      expect(stored[0].actor_id).toBe(winner.actorId);
    }
  });

  it('follows the case: after a transfer only the new office’s consul may acknowledge it', async () => {
    const [{ caseId, breachId }] = await breachedCases(1);
    const moved = await api.call(ADMIN, 'POST', `/v1/assignments/${caseId}/transfer`, {
      consulateId: 'RU-SPB',
      reason: 'complainant_relocated',
    });
    expect(moved.status).toBe(200);
    expect((await acknowledge(MOW_CONSUL, breachId)).status).toBe(404);
    const res = await acknowledge(SPB_CONSUL, breachId, { reason: 'reassigned' });
    expect(res.status).toBe(200);
    expect(res.body.acknowledgement).toMatchObject({
      actorId: 'test-consul-RU-SPB',
      consulateId: 'RU-SPB',
    });
  });

  it('lists open and acknowledged escalations apart with ?acknowledged=false|true', async () => {
    const [open, done] = await breachedCases(2);
    expect((await acknowledge(MOW_CONSUL, done.breachId, { reason: 'other' })).status).toBe(200);

    const all = await listed(MOW_CONSUL);
    const openOnes = await listed(MOW_CONSUL, 'acknowledged=false');
    const acknowledgedOnes = await listed(MOW_CONSUL, 'acknowledged=true');
    const ids = (items: Escalation[]) => items.map((e) => e.id);

    expect(ids(all)).toEqual(expect.arrayContaining([open.breachId, done.breachId]));
    expect(ids(openOnes)).toContain(open.breachId);
    expect(ids(openOnes)).not.toContain(done.breachId);
    expect(ids(acknowledgedOnes)).toContain(done.breachId);
    expect(ids(acknowledgedOnes)).not.toContain(open.breachId);
    expect(openOnes.every((e) => e.acknowledgement === null)).toBe(true);
    expect(acknowledgedOnes.every((e) => e.acknowledgement !== null)).toBe(true);
    expect(all.find((e) => e.id === open.breachId)?.acknowledgement).toBeNull();
    expect(all.find((e) => e.id === done.breachId)?.acknowledgement?.reason).toBe('other');
    // The two filtered lists partition the whole one.
    expect([...ids(openOnes), ...ids(acknowledgedOnes)].sort()).toEqual(ids(all).sort());
    // Admins filter too, across offices.
    const adminOpen = await listed(ADMIN, 'acknowledged=false');
    expect(ids(adminOpen)).toContain(open.breachId);
    expect(ids(adminOpen)).not.toContain(done.breachId);

    const bad = await api.get<Problem>(MOW_CONSUL, '/v1/escalations?acknowledged=yes');
    expect(bad.status).toBe(400);
    expect(bad.body.errors?.map((e) => e.field)).toContain('acknowledged');
  });

  it('describes every answer of the route in the OpenAPI document', async () => {
    const doc = await api.get<{
      paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
      components: { schemas: Record<string, { properties: Record<string, unknown> }> };
    }>(null, '/docs/openapi.json');
    const route = doc.body.paths['/v1/escalations/{breachId}/acknowledge'].post;
    // Beside the route's own answers, those of every route with a body (413, 415) and every
    // authenticated one (429), and admission control's 503 (libs/common/src/openapi).
    expect(Object.keys(route.responses).sort()).toEqual([
      '200',
      '400',
      '401',
      '403',
      '404',
      '409',
      '413',
      '415',
      '429',
      '503',
    ]);
    expect(Object.keys(doc.body.paths['/v1/escalations'].get.responses).sort()).toEqual([
      '200',
      '400',
      '401',
      '403',
      '404',
      '429',
      '503',
    ]);
    expect(doc.body.components.schemas.AcknowledgeEscalationDto.properties.reason).toMatchObject({
      enum: [
        'caseworker_contacted',
        'complainant_unreachable',
        'waiting_host_authority',
        'reassigned',
        'workload',
        'other',
      ],
    });
    expect(doc.body.components.schemas.EscalationResponse.properties).toHaveProperty(
      'acknowledgement',
    );
  });

  it('keeps acknowledgements as recorded: the database refuses to change or delete one', async () => {
    const [{ breachId }] = await breachedCases(1);
    expect((await acknowledge(MOW_CONSUL, breachId)).status).toBe(200);
    await expect(
      query(
        'assignment',
        "UPDATE sla_breach_acknowledgement SET reason = 'other' WHERE breach_id = $1",
        [breachId],
      ),
    ).rejects.toThrow(/append-only/);
    await expect(
      query('assignment', 'DELETE FROM sla_breach_acknowledgement WHERE breach_id = $1', [
        breachId,
      ]),
    ).rejects.toThrow(/append-only/);
    expect(await storedAcknowledgements(breachId)).toHaveLength(1);
  });
});
