import { randomUUID } from 'node:crypto';
import {
  ASSIGNMENT_EVENTS_TOPIC,
  CaseAssignedV1,
  CaseStatus,
  CaseSubmittedV1,
  EventTypes,
} from '@casebridge/contracts';
import { decodeEvent } from '@casebridge/messaging';
import { query, resetDatabase, resetTopics, waitFor, freePort } from '../../support/infra';
import { disconnectTestProducer, produceEvent, readAll } from '../../support/kafka';
import { ServiceProcess, startServiceProcess } from '../../support/service-process';
import { Caller, ServiceClient } from '../../support/service-client';
import { submittedCase as submitted } from '../../support/events';

let service: ServiceProcess;
let api: ServiceClient;

const admin: Caller = { role: 'admin' };
const consul = (consulateId: string): Caller => ({ role: 'consul', consulateId });
const caseworker = (consulateId: string): Caller => ({ role: 'caseworker', consulateId });

interface Assignment {
  caseId: string;
  consulateId: string;
  caseworkerId: string | null;
  state: CaseStatus;
  reason: string;
  sequence: number;
  sla: {
    pausedAt: string | null;
    acceptance: { metAt: string | null };
    resolution: { metAt: string | null; cycle: number };
  };
  history: {
    sequence: number;
    consulateId: string;
    caseworkerId: string | null;
    reason: string;
    transferReason: string | null;
  }[];
}

async function route(c: CaseSubmittedV1): Promise<string> {
  await produceEvent(EventTypes.CaseSubmitted, c);
  await waitFor(`case ${c.caseId} to be routed`, async () => {
    const rows = await query('assignment', 'SELECT 1 FROM assignment WHERE case_id = $1', [
      c.caseId,
    ]);
    return rows.length === 1;
  });
  return c.caseId;
}

/** Publishes intake's case.status-changed and waits until the service has consumed it. */
async function changeStatus(
  caseId: string,
  from: CaseStatus,
  to: CaseStatus,
  version: number,
): Promise<void> {
  const id = await produceEvent(EventTypes.CaseStatusChanged, {
    caseId,
    hostCountry: 'RU',
    from,
    to,
    at: new Date().toISOString(),
    actor: { type: 'user', id: 'test-caseworker', role: 'caseworker' },
    version,
  });
  await waitFor(`status change ${from} → ${to} of ${caseId} to be consumed`, async () => {
    const rows = await query('assignment', 'SELECT 1 FROM inbox_message WHERE event_id = $1', [id]);
    return rows.length === 1;
  });
}

async function openCases(caseworkerId: string): Promise<number> {
  const [row] = await query<{ open_cases: number }>(
    'assignment',
    'SELECT open_cases FROM caseworker WHERE id = $1',
    [caseworkerId],
  );
  return row.open_cases;
}

async function assignedEvents(caseId: string): Promise<CaseAssignedV1[]> {
  await waitFor('the outbox to be published', async () => {
    const [row] = await query<{ n: string }>(
      'assignment',
      'SELECT count(*) AS n FROM outbox_event WHERE published_at IS NULL',
    );
    return row.n === '0';
  });
  return (await readAll(ASSIGNMENT_EVENTS_TOPIC))
    .map((m) =>
      decodeEvent({
        key: Buffer.from(m.key ?? ''),
        value: Buffer.from(m.value ?? ''),
        headers: m.headers,
      }),
    )
    .filter((e) => e.type === EventTypes.CaseAssigned && e.subject === caseId)
    .map((e) => e.data as CaseAssignedV1)
    .sort((a, b) => a.sequence - b.sequence);
}

beforeAll(async () => {
  await resetTopics();
  await resetDatabase('assignment');
  service = await startServiceProcess('assignment', {}, await freePort());
  api = new ServiceClient(service.url);
});

afterAll(async () => {
  await service?.stop();
  await disconnectTestProducer();
});

describe('Reading an assignment', () => {
  let caseId: string;
  beforeAll(async () => {
    caseId = await route(submitted({ hostCity: 'Moscow', preferredLanguage: 'uz' }));
  });

  it.each<[string, Caller | null, number]>([
    ['admin', admin, 200],
    ['intake officer', { role: 'intake_officer' }, 200],
    ['consul of the holding consulate', consul('RU-MOW'), 200],
    ['caseworker of the holding consulate', caseworker('RU-MOW'), 200],
    ['consul of another consulate (the case does not exist for them)', consul('RU-SPB'), 404],
    ['caseworker of another consulate', caseworker('KZ-ALA'), 404],
    ['manager (no case data)', { role: 'manager' }, 403],
    ['integration', { role: 'integration' }, 403],
    ['anonymous caller', null, 401],
  ])('%s → %i', async (_who, caller, status) => {
    const res = await api.call(caller, 'GET', `/v1/assignments/${caseId}`);
    expect(res.status).toBe(status);
  });

  it('shows the holder, state, SLA clocks and history', async () => {
    const res = await api.call<Assignment>(admin, 'GET', `/v1/assignments/${caseId}`);
    expect(res.body).toMatchObject({
      caseId,
      consulateId: 'RU-MOW',
      caseworkerId: 'ru-mow-01',
      state: 'assigned',
      reason: 'auto',
      sequence: 1,
      history: [
        {
          sequence: 1,
          consulateId: 'RU-MOW',
          caseworkerId: 'ru-mow-01',
          reason: 'auto',
          transferReason: null,
        },
      ],
    });
  });

  it('answers 404 problem+json for a case that was never routed or an id that is not one', async () => {
    for (const id of [randomUUID(), 'not-a-case-id']) {
      const res = await api.call(admin, 'GET', `/v1/assignments/${id}`);
      expect(res).toMatchObject({
        status: 404,
        body: { code: 'assignment_not_found', status: 404 },
      });
    }
  });
});

describe('Reassigning within a consulate', () => {
  let caseId: string;
  let holder: string;
  beforeAll(async () => {
    caseId = await route(submitted({ hostCity: 'Moscow', preferredLanguage: 'ru' }));
    holder = (await api.call<Assignment>(admin, 'GET', `/v1/assignments/${caseId}`)).body
      .caseworkerId!;
  });

  it('is refused to caseworkers (403) and invisible to consuls of other consulates (404)', async () => {
    expect(
      (
        await api.call(caseworker('RU-MOW'), 'POST', `/v1/assignments/${caseId}/reassign`, {
          caseworkerId: 'ru-mow-02',
        })
      ).status,
    ).toBe(403);
    expect(
      (
        await api.call(consul('RU-SPB'), 'POST', `/v1/assignments/${caseId}/reassign`, {
          caseworkerId: 'ru-spb-01',
        })
      ).status,
    ).toBe(404);
    expect(
      (
        await api.call({ role: 'intake_officer' }, 'POST', `/v1/assignments/${caseId}/reassign`, {
          caseworkerId: 'ru-mow-02',
        })
      ).status,
    ).toBe(403);
  });

  it('rejects bad bodies with 400 naming the field', async () => {
    for (const body of [
      {},
      { caseworkerId: 5 },
      { caseworkerId: 'ru-mow-02', note: 'x' },
      { caseworkerId: 'has spaces' },
    ]) {
      const res = await api.call<{ code: string; errors: { field: string }[] }>(
        consul('RU-MOW'),
        'POST',
        `/v1/assignments/${caseId}/reassign`,
        body,
      );
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('validation_failed');
      expect(res.body.errors.length).toBeGreaterThan(0);
    }
  });

  it('refuses a caseworker of another consulate, an unknown, inactive or full one, or the current holder', async () => {
    const reassign = (caseworkerId: string) =>
      api.call(consul('RU-MOW'), 'POST', `/v1/assignments/${caseId}/reassign`, { caseworkerId });
    expect(await reassign('ru-spb-01')).toMatchObject({
      status: 404,
      body: { code: 'caseworker_not_found' },
    });
    expect(await reassign('nobody-here')).toMatchObject({
      status: 404,
      body: { code: 'caseworker_not_found' },
    });
    expect(await reassign(holder)).toMatchObject({
      status: 409,
      body: { code: 'already_assigned' },
    });

    expect(
      (
        await api.call(admin, 'PATCH', '/v1/consulates/RU-MOW/caseworkers/ru-mow-03', {
          active: false,
        })
      ).status,
    ).toBe(200);
    expect(await reassign('ru-mow-03')).toMatchObject({
      status: 409,
      body: { code: 'caseworker_inactive' },
    });
    expect(
      (
        await api.call(admin, 'PATCH', '/v1/consulates/RU-MOW/caseworkers/ru-mow-03', {
          active: true,
        })
      ).status,
    ).toBe(200);

    const full = await route(submitted({ hostCity: 'Moscow', preferredLanguage: 'kk' })); // ru-mow-04 alone speaks kk
    expect(
      (await api.call<Assignment>(admin, 'GET', `/v1/assignments/${full}`)).body.caseworkerId,
    ).toBe('ru-mow-04');
    expect(
      (
        await api.call(admin, 'PATCH', '/v1/consulates/RU-MOW/caseworkers/ru-mow-04', {
          maxOpenCases: 1,
        })
      ).status,
    ).toBe(200);
    expect(await reassign('ru-mow-04')).toMatchObject({
      status: 409,
      body: { code: 'caseworker_at_capacity' },
    });
  });

  it('moves the case, its workload and publishes case.assigned with the previous holder and the next sequence', async () => {
    const target = holder === 'ru-mow-02' ? 'ru-mow-03' : 'ru-mow-02';
    const before = { holder: await openCases(holder), target: await openCases(target) };
    const res = await api.call<Assignment>(
      consul('RU-MOW'),
      'POST',
      `/v1/assignments/${caseId}/reassign`,
      { caseworkerId: target },
    );
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      consulateId: 'RU-MOW',
      caseworkerId: target,
      reason: 'reassigned',
      sequence: 2,
    });
    expect({ holder: await openCases(holder), target: await openCases(target) }).toEqual({
      holder: before.holder - 1,
      target: before.target + 1,
    });
    const events = await assignedEvents(caseId);
    expect(events.map((e) => [e.sequence, e.reason, e.caseworkerId, e.previous ?? null])).toEqual([
      [1, 'auto', holder, null],
      [2, 'reassigned', target, { consulateId: 'RU-MOW', caseworkerId: holder }],
    ]);
  });

  it('lets an admin reassign anywhere', async () => {
    const kz = await route(
      submitted({ hostCountry: 'KZ', hostCity: 'Almaty', preferredLanguage: 'uz' }),
    );
    const res = await api.call<Assignment>(admin, 'POST', `/v1/assignments/${kz}/reassign`, {
      caseworkerId: 'kz-ala-03',
    });
    expect(res).toMatchObject({
      status: 200,
      body: { consulateId: 'KZ-ALA', caseworkerId: 'kz-ala-03', sequence: 2 },
    });
  });
});

describe('Transferring to another consulate', () => {
  let caseId: string;
  beforeAll(async () => {
    caseId = await route(submitted({ hostCity: 'Tula', preferredLanguage: 'uz' }));
  });

  it('is refused to caseworkers (403) and invisible to consuls of other consulates (404)', async () => {
    const body = { consulateId: 'RU-KZN', reason: 'complainant_relocated' };
    expect(
      (await api.call(caseworker('RU-MOW'), 'POST', `/v1/assignments/${caseId}/transfer`, body))
        .status,
    ).toBe(403);
    expect(
      (await api.call(consul('RU-KZN'), 'POST', `/v1/assignments/${caseId}/transfer`, body)).status,
    ).toBe(404);
  });

  it('refuses an unknown consulate (404), the holding one or an inactive one (409) and an unknown reason (400)', async () => {
    const transfer = (body: unknown) =>
      api.call(consul('RU-MOW'), 'POST', `/v1/assignments/${caseId}/transfer`, body);
    expect(await transfer({ consulateId: 'XX-NONE', reason: 'other' })).toMatchObject({
      status: 404,
      body: { code: 'consulate_not_found' },
    });
    expect(await transfer({ consulateId: 'RU-MOW', reason: 'other' })).toMatchObject({
      status: 409,
      body: { code: 'same_consulate' },
    });
    expect(
      (await api.call(admin, 'PATCH', '/v1/consulates/RU-VVO', { active: false })).status,
    ).toBe(200);
    expect(await transfer({ consulateId: 'RU-VVO', reason: 'other' })).toMatchObject({
      status: 409,
      body: { code: 'consulate_inactive' },
    });
    expect((await api.call(admin, 'PATCH', '/v1/consulates/RU-VVO', { active: true })).status).toBe(
      200,
    );
    const bad = await transfer({ consulateId: 'RU-KZN', reason: 'because I said so' });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ errors: [{ field: 'reason' }] });
  });

  it("hands the case to the new office's best caseworker; the old consul loses it, the new one gains it", async () => {
    const before = await api.call<Assignment>(admin, 'GET', `/v1/assignments/${caseId}`);
    const oldHolder = before.body.caseworkerId!;
    const oldOpen = await openCases(oldHolder);
    const res = await api.call<Assignment>(
      consul('RU-MOW'),
      'POST',
      `/v1/assignments/${caseId}/transfer`,
      {
        consulateId: 'RU-KZN',
        reason: 'complainant_relocated',
      },
    );
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      consulateId: 'RU-KZN',
      caseworkerId: 'ru-kzn-01',
      reason: 'transferred',
      sequence: 2,
    });
    expect(res.body.history[1]).toMatchObject({
      reason: 'transferred',
      transferReason: 'complainant_relocated',
    });
    expect(await openCases(oldHolder)).toBe(oldOpen - 1);

    expect((await api.call(consul('RU-MOW'), 'GET', `/v1/assignments/${caseId}`)).status).toBe(404);
    expect(
      (
        await api.call(consul('RU-MOW'), 'POST', `/v1/assignments/${caseId}/reassign`, {
          caseworkerId: oldHolder,
        })
      ).status,
    ).toBe(404);
    expect((await api.call(consul('RU-KZN'), 'GET', `/v1/assignments/${caseId}`)).status).toBe(200);
    expect((await api.call(caseworker('RU-KZN'), 'GET', `/v1/assignments/${caseId}`)).status).toBe(
      200,
    );

    const events = await assignedEvents(caseId);
    expect(events[1]).toMatchObject({
      sequence: 2,
      reason: 'transferred',
      consulateId: 'RU-KZN',
      caseworkerId: 'ru-kzn-01',
      previous: { consulateId: 'RU-MOW', caseworkerId: oldHolder },
    });
  });

  it('lets an admin transfer between any offices; with no speaker of the language the case waits in the queue', async () => {
    const res = await api.call<Assignment>(admin, 'POST', `/v1/assignments/${caseId}/transfer`, {
      consulateId: 'JP-TYO',
      reason: 'other',
    });
    expect(res).toMatchObject({ status: 200, body: { consulateId: 'JP-TYO', sequence: 3 } });
    const ko = await route(submitted({ hostCity: 'Moscow', preferredLanguage: 'ko' }));
    const queued = await api.call<Assignment>(admin, 'POST', `/v1/assignments/${ko}/transfer`, {
      consulateId: 'DE-BER',
      reason: 'language_needs',
    });
    expect(queued).toMatchObject({
      status: 200,
      body: { consulateId: 'DE-BER', caseworkerId: null },
    });
  });
});

describe('Following the case lifecycle', () => {
  it('frees the caseworker when a case ends, takes capacity again on reopen, ignores stale versions', async () => {
    const caseId = await route(submitted({ hostCity: 'Perm', preferredLanguage: 'uz' }));
    const holder = (await api.call<Assignment>(admin, 'GET', `/v1/assignments/${caseId}`)).body
      .caseworkerId!;
    const open = await openCases(holder);
    await changeStatus(caseId, 'submitted', 'assigned', 2);
    await changeStatus(caseId, 'assigned', 'in_progress', 3);
    await changeStatus(caseId, 'in_progress', 'resolved', 4);
    expect(await openCases(holder)).toBe(open - 1);
    await changeStatus(caseId, 'resolved', 'closed', 5);
    expect(await openCases(holder)).toBe(open - 1);
    // A stale change (an older version redelivered under a new id) changes nothing.
    await changeStatus(caseId, 'assigned', 'in_progress', 3);
    let a = (await api.call<Assignment>(admin, 'GET', `/v1/assignments/${caseId}`)).body;
    expect(a.state).toBe('closed');
    expect(
      await api.call(consul('RU-EKB'), 'POST', `/v1/assignments/${caseId}/reassign`, {
        caseworkerId: 'ru-ekb-03',
      }),
    ).toMatchObject({
      status: 409,
      body: { code: 'case_not_open' },
    });

    await changeStatus(caseId, 'closed', 'in_progress', 6);
    a = (await api.call<Assignment>(admin, 'GET', `/v1/assignments/${caseId}`)).body;
    expect(a).toMatchObject({
      state: 'in_progress',
      sla: { resolution: { metAt: null, cycle: 2 } },
    });
    expect(await openCases(holder)).toBe(open);
  });

  it('applies status changes that arrive before the case is routed, once it is', async () => {
    const early = submitted({ hostCountry: 'KR', hostCity: 'Ansan', preferredLanguage: 'uz' });
    await changeStatus(early.caseId, 'submitted', 'assigned', 2);
    await changeStatus(early.caseId, 'assigned', 'in_progress', 3);
    const pending = await query(
      'assignment',
      'SELECT version FROM pending_status_change WHERE case_id = $1 ORDER BY version',
      [early.caseId],
    );
    expect(pending).toEqual([{ version: 2 }, { version: 3 }]);

    const withdrawn = submitted({ hostCountry: 'KR', hostCity: 'Ansan', preferredLanguage: 'uz' });
    await changeStatus(withdrawn.caseId, 'submitted', 'withdrawn', 2);

    const before = await query<{ total: string }>(
      'assignment',
      "SELECT sum(open_cases) AS total FROM caseworker WHERE consulate_id = 'KR-SEL'",
    );
    await route(early);
    await route(withdrawn);
    const a = (await api.call<Assignment>(admin, 'GET', `/v1/assignments/${early.caseId}`)).body;
    expect(a.state).toBe('in_progress');
    expect(a.sla.acceptance.metAt).not.toBeNull();
    expect(
      (await api.call<Assignment>(admin, 'GET', `/v1/assignments/${withdrawn.caseId}`)).body.state,
    ).toBe('withdrawn');
    // Only the case still open holds a caseworker's capacity.
    const after = await query<{ total: string }>(
      'assignment',
      "SELECT sum(open_cases) AS total FROM caseworker WHERE consulate_id = 'KR-SEL'",
    );
    expect(Number(after[0].total)).toBe(Number(before[0].total) + 1);
    expect(
      await query(
        'assignment',
        'SELECT 1 FROM pending_status_change WHERE case_id = ANY($1::uuid[])',
        [[early.caseId, withdrawn.caseId]],
      ),
    ).toEqual([]);
  });
});

describe('The queue', () => {
  beforeAll(async () => {
    for (let i = 0; i < 5; i += 1)
      await route(submitted({ hostCountry: 'GB', hostCity: 'Leeds', preferredLanguage: 'uz' }));
  });

  it("shows a consul their consulate's queue with counts by state, page by page", async () => {
    const first = await api.call<{
      items: Assignment[];
      counts: Record<string, number>;
      total: number;
      nextCursor: string | null;
    }>(consul('GB-LON'), 'GET', '/v1/assignments?limit=2');
    expect(first.status).toBe(200);
    expect(first.body.total).toBe(5);
    expect(first.body.counts).toMatchObject({ assigned: 5, in_progress: 0, closed: 0 });
    const seen = first.body.items.map((i) => i.caseId);
    let cursor = first.body.nextCursor;
    while (cursor) {
      const page = await api.call<{ items: Assignment[]; nextCursor: string | null }>(
        consul('GB-LON'),
        'GET',
        `/v1/assignments?limit=2&cursor=${cursor}`,
      );
      seen.push(...page.body.items.map((i) => i.caseId));
      cursor = page.body.nextCursor;
    }
    expect(new Set(seen).size).toBe(5);

    const mine = await api.call<{ items: Assignment[]; total: number }>(
      consul('GB-LON'),
      'GET',
      '/v1/assignments?caseworkerId=gb-lon-01',
    );
    expect(mine.body.items.every((i) => i.caseworkerId === 'gb-lon-01')).toBe(true);
    expect(mine.body.total).toBe(3);
    const none = await api.call<{ items: Assignment[]; counts: Record<string, number> }>(
      consul('GB-LON'),
      'GET',
      '/v1/assignments?state=closed',
    );
    expect(none.body.items).toEqual([]);
    expect(none.body.counts.assigned).toBe(5);
  });

  it("keeps consular staff to their own consulate's queue; admins see any", async () => {
    expect(
      (await api.call(consul('GB-LON'), 'GET', '/v1/assignments?consulateId=RU-MOW')).status,
    ).toBe(403);
    // A caseworker reads the office's unassigned cases, not the whole queue (casework.integration-spec.ts).
    expect((await api.call(caseworker('GB-LON'), 'GET', '/v1/assignments')).status).toBe(403);
    expect(
      (await api.call(caseworker('GB-LON'), 'GET', '/v1/assignments?unassigned=true')).status,
    ).toBe(200);
    expect((await api.call({ role: 'manager' }, 'GET', '/v1/assignments')).status).toBe(403);
    expect((await api.call(admin, 'GET', '/v1/assignments?consulateId=GB-LON')).body).toMatchObject(
      {
        total: 5,
      },
    );
    expect(await api.call(admin, 'GET', '/v1/assignments?consulateId=XX-NONE')).toMatchObject({
      status: 404,
      body: { code: 'consulate_not_found' },
    });
    expect((await api.call(admin, 'GET', '/v1/assignments?state=lost')).status).toBe(400);
    expect((await api.call(admin, 'GET', '/v1/assignments?cursor=garbage')).status).toBe(400);
  });
});

describe('The directory', () => {
  it('lets admins add, change and deactivate offices and caseworkers; routing follows', async () => {
    const created = await api.call(admin, 'POST', '/v1/consulates', {
      id: 'RU-NNV',
      name: 'Consulate General of the Republic of Uzbekistan in Nizhny Novgorod',
      hostCountry: 'RU',
      cities: ['Nizhny Novgorod', 'Dzerzhinsk'],
      languages: ['uz', 'ru'],
    });
    expect(created).toMatchObject({
      status: 201,
      body: { id: 'RU-NNV', isDefaultForCountry: false, active: true },
    });
    expect(
      (await api.call(admin, 'POST', '/v1/consulates', { ...created.body, id: 'RU-NN2' })).status,
    ).toBe(400); // createdAt, updatedAt
    const again = await api.call(admin, 'POST', '/v1/consulates', {
      id: 'RU-NNV',
      name: 'Duplicate',
      hostCountry: 'RU',
      cities: [],
      languages: ['uz'],
    });
    expect(again).toMatchObject({ status: 409, body: { code: 'consulate_exists' } });
    expect(
      (
        await api.call(admin, 'POST', '/v1/consulates/RU-NNV/caseworkers', {
          id: 'ru-nnv-01',
          name: 'Nargiza Tursunova',
          languages: ['uz', 'ru'],
          maxOpenCases: 20,
        })
      ).status,
    ).toBe(201);
    expect(
      (
        await api.call(admin, 'POST', '/v1/consulates/RU-NNV/caseworkers', {
          id: 'ru-nnv-01',
          name: 'Again',
          languages: ['uz'],
          maxOpenCases: 20,
        })
      ).body,
    ).toMatchObject({ code: 'caseworker_exists' });
    expect(
      (
        await api.call(admin, 'POST', '/v1/consulates/XX-NONE/caseworkers', {
          id: 'x1',
          name: 'X',
          languages: ['uz'],
          maxOpenCases: 1,
        })
      ).status,
    ).toBe(404);

    const routedThere = await route(submitted({ hostCity: 'Dzerzhinsk', preferredLanguage: 'uz' }));
    expect(
      (await api.call<Assignment>(admin, 'GET', `/v1/assignments/${routedThere}`)).body,
    ).toMatchObject({
      consulateId: 'RU-NNV',
      caseworkerId: 'ru-nnv-01',
    });

    expect(
      (await api.call(admin, 'PATCH', '/v1/consulates/RU-NNV', { active: false })).status,
    ).toBe(200);
    const routedElsewhere = await route(
      submitted({ hostCity: 'Dzerzhinsk', preferredLanguage: 'uz' }),
    );
    expect(
      (await api.call<Assignment>(admin, 'GET', `/v1/assignments/${routedElsewhere}`)).body
        .consulateId,
    ).toBe('RU-MOW');
    // Deactivation is not deletion: the office and its cases stay.
    expect(
      (await api.call<Assignment>(admin, 'GET', `/v1/assignments/${routedThere}`)).body.consulateId,
    ).toBe('RU-NNV');
    expect((await api.call(admin, 'GET', '/v1/consulates/RU-NNV')).body).toMatchObject({
      active: false,
    });
    expect((await api.call(admin, 'DELETE', '/v1/consulates/RU-NNV')).status).toBe(404);
  });

  it("moves a country's default to the office made default", async () => {
    expect(
      (await api.call(admin, 'PATCH', '/v1/consulates/KZ-ALA', { isDefaultForCountry: true }))
        .status,
    ).toBe(200);
    const kz = await api.call<{ id: string; isDefaultForCountry: boolean }[]>(
      admin,
      'GET',
      '/v1/consulates?hostCountry=KZ',
    );
    expect(kz.body.filter((c) => c.isDefaultForCountry).map((c) => c.id)).toEqual(['KZ-ALA']);
    const uncovered = await route(
      submitted({ hostCountry: 'KZ', hostCity: 'Aktau', preferredLanguage: 'uz' }),
    );
    // Aktau is in the embassy's district list, so the city rule still wins over the default.
    expect(
      (await api.call<Assignment>(admin, 'GET', `/v1/assignments/${uncovered}`)).body.consulateId,
    ).toBe('KZ-AST');
    const nowhere = await route(
      submitted({ hostCountry: 'KZ', hostCity: 'Zhezkazgan', preferredLanguage: 'uz' }),
    );
    expect(
      (await api.call<Assignment>(admin, 'GET', `/v1/assignments/${nowhere}`)).body.consulateId,
    ).toBe('KZ-ALA');
    expect(
      (await api.call(admin, 'PATCH', '/v1/consulates/KZ-AST', { isDefaultForCountry: true }))
        .status,
    ).toBe(200);
  });

  it('keeps the directory to admins, and a consul to their own staff', async () => {
    expect(
      (await api.call(consul('RU-MOW'), 'GET', '/v1/consulates/RU-MOW/caseworkers')).status,
    ).toBe(200);
    expect(
      (await api.call(consul('RU-MOW'), 'GET', '/v1/consulates/RU-SPB/caseworkers')).status,
    ).toBe(403);
    expect((await api.call(consul('RU-MOW'), 'GET', '/v1/consulates')).status).toBe(200);
    expect(
      (await api.call(consul('RU-MOW'), 'PATCH', '/v1/consulates/RU-MOW', { name: 'Mine' })).status,
    ).toBe(403);
    expect((await api.call(caseworker('RU-MOW'), 'GET', '/v1/consulates')).status).toBe(403);
    expect((await api.call({ role: 'intake_officer' }, 'POST', '/v1/consulates', {})).status).toBe(
      403,
    );
    expect(await api.call(admin, 'PATCH', '/v1/consulates/HQ', { active: false })).toMatchObject({
      status: 409,
      body: { code: 'headquarters_required' },
    });
    expect(await api.call(admin, 'GET', '/v1/consulates/XX-NONE')).toMatchObject({
      status: 404,
      body: { code: 'consulate_not_found' },
    });
    expect((await api.call(admin, 'PATCH', '/v1/consulates/RU-MOW', {})).status).toBe(400);
    expect(
      (await api.call(admin, 'PATCH', '/v1/consulates/RU-MOW', { hostCountry: 'KZ' })).status,
    ).toBe(400);
  });
});
