import {
  ASSIGNMENT_EVENTS_TOPIC,
  CaseAssignedV1,
  CaseStatus,
  EventTypes,
  Priority,
} from '@casebridge/contracts';
import { decodeEvent, eventSchemaErrors } from '@casebridge/messaging';
import { freePort, query, resetDatabase, resetTopics, waitFor } from '../../support/infra';
import { disconnectTestProducer, produceEvent, readAll } from '../../support/kafka';
import { ServiceProcess, startServiceProcess } from '../../support/service-process';
import { Caller, ServiceClient } from '../../support/service-client';
import { submittedCase } from '../../support/events';

/**
 * Casework as a consulate does it (issue 14): staff linked to their identity, my queue, the
 * office queue split between caseworkers and consuls, claiming, and handovers when staff leave.
 * Each block works in its own office of New Zealand (no demo office there), one city each.
 */

let service: ServiceProcess;
let api: ServiceClient;

const admin: Caller = { role: 'admin' };
const consul = (consulateId: string): Caller => ({ role: 'consul', consulateId });
const staff = (consulateId: string, sub: string): Caller => ({
  role: 'caseworker',
  consulateId,
  sub,
});

interface Assignment {
  caseId: string;
  consulateId: string;
  caseworkerId: string | null;
  state: CaseStatus;
  reason: string;
  sequence: number;
  history: { sequence: number; caseworkerId: string | null; reason: string; via: string | null }[];
}

interface OwnQueue {
  caseworker: { id: string; openCases: number; maxOpenCases: number };
  items: (Assignment & {
    priority: Priority;
    nextDeadline: { stage: string; dueAt: string; paused: boolean };
  })[];
  total: number;
  nextCursor: string | null;
}

interface Handover {
  id: string;
  caseworkerId: string;
  mode: string;
  deactivated: boolean;
  moved: number;
  toCaseworkers: { caseworkerId: string; cases: number }[];
  toOfficeQueue: number;
  cases: { caseId: string; caseworkerId: string | null }[];
  replayed: boolean;
}

interface StaffSpec {
  id: string;
  languages: string[];
  maxOpenCases?: number;
  active?: boolean;
  staffSubject?: string;
}

/** An office covering one city of New Zealand, with its staff, made through the admin API. */
async function office(id: string, city: string, members: StaffSpec[]): Promise<void> {
  const created = await api.call(admin, 'POST', '/v1/consulates', {
    id,
    name: `Test office ${id}`,
    hostCountry: 'NZ',
    cities: [city],
    languages: ['uz', 'ru'],
  });
  expect(created.status).toBe(201);
  for (const m of members) {
    const added = await api.call(admin, 'POST', `/v1/consulates/${id}/caseworkers`, {
      name: `Caseworker ${m.id}`,
      maxOpenCases: 10,
      ...m,
    });
    expect(added.status).toBe(201);
  }
}

async function route(
  city: string,
  preferredLanguage: string,
  priority: Priority = 'normal',
): Promise<string> {
  const c = submittedCase({ hostCountry: 'NZ', hostCity: city, preferredLanguage, priority });
  await produceEvent(EventTypes.CaseSubmitted, c);
  await waitFor(`case ${c.caseId} to be routed`, async () => {
    const rows = await query('assignment', 'SELECT 1 FROM assignment WHERE case_id = $1', [
      c.caseId,
    ]);
    return rows.length === 1;
  });
  return c.caseId;
}

async function changeStatus(caseId: string, from: CaseStatus, to: CaseStatus, version: number) {
  const id = await produceEvent(EventTypes.CaseStatusChanged, {
    caseId,
    hostCountry: 'NZ',
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

async function caseworkerRow(id: string): Promise<{ open_cases: number; active: boolean }> {
  const [row] = await query<{ open_cases: number; active: boolean }>(
    'assignment',
    'SELECT open_cases, active FROM caseworker WHERE id = $1',
    [id],
  );
  return row;
}

async function holder(caseId: string): Promise<string | null> {
  const [row] = await query<{ caseworker_id: string | null }>(
    'assignment',
    'SELECT caseworker_id FROM assignment WHERE case_id = $1',
    [caseId],
  );
  return row.caseworker_id;
}

/** Every case.assigned published so far, by case, oldest sequence first (each checked against its schema). */
async function assignedEvents(): Promise<Map<string, CaseAssignedV1[]>> {
  await waitFor('the outbox to be published', async () => {
    const [row] = await query<{ n: string }>(
      'assignment',
      'SELECT count(*) AS n FROM outbox_event WHERE published_at IS NULL',
    );
    return row.n === '0';
  });
  const byCase = new Map<string, CaseAssignedV1[]>();
  for (const m of await readAll(ASSIGNMENT_EVENTS_TOPIC)) {
    const e = decodeEvent({
      key: Buffer.from(m.key ?? ''),
      value: Buffer.from(m.value ?? ''),
      headers: m.headers,
    });
    if (e.type !== EventTypes.CaseAssigned) continue;
    expect(eventSchemaErrors(EventTypes.CaseAssigned, e.data)).toEqual([]);
    const data = e.data as CaseAssignedV1;
    byCase.set(data.caseId, [...(byCase.get(data.caseId) ?? []), data]);
  }
  for (const list of byCase.values()) list.sort((a, b) => a.sequence - b.sequence);
  return byCase;
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

describe('Staff linked to their identity', () => {
  beforeAll(() => office('NZ-LINK', 'Linkton', [{ id: 'nz-link-01', languages: ['uz'] }]));

  it('lets an admin link a caseworker to a token subject, refuses a second link to it, and unlinks with null', async () => {
    const path = '/v1/consulates/NZ-LINK/caseworkers/nz-link-01';
    expect(
      await api.call(admin, 'PATCH', path, { staffSubject: 'aziz@mfa.example' }),
    ).toMatchObject({ status: 200, body: { staffSubject: 'aziz@mfa.example' } });
    const other = await api.call(admin, 'POST', '/v1/consulates/NZ-LINK/caseworkers', {
      id: 'nz-link-02',
      name: 'Second',
      languages: ['uz'],
      maxOpenCases: 5,
      staffSubject: 'aziz@mfa.example',
    });
    expect(other).toMatchObject({ status: 409, body: { code: 'staff_subject_taken' } });
    expect(
      (
        await api.call(admin, 'POST', '/v1/consulates/NZ-LINK/caseworkers', {
          id: 'nz-link-02',
          name: 'Second',
          languages: ['uz'],
          maxOpenCases: 5,
        })
      ).status,
    ).toBe(201); // the refused insert left nothing behind
    expect(
      await api.call(admin, 'PATCH', '/v1/consulates/NZ-LINK/caseworkers/nz-link-02', {
        staffSubject: 'aziz@mfa.example',
      }),
    ).toMatchObject({ status: 409, body: { code: 'staff_subject_taken' } });
    expect(await api.call(admin, 'PATCH', path, { staffSubject: null })).toMatchObject({
      status: 200,
      body: { staffSubject: null },
    });
    expect(
      (
        await api.call(admin, 'PATCH', '/v1/consulates/NZ-LINK/caseworkers/nz-link-02', {
          staffSubject: 'aziz@mfa.example',
        })
      ).status,
    ).toBe(200);
  });

  it('rejects an empty, over-long or control-character subject with 400, accepts any subject a token may carry, and links only through admins', async () => {
    const path = '/v1/consulates/NZ-LINK/caseworkers/nz-link-01';
    for (const staffSubject of ['Aziz Karimov', 'я'.repeat(128), 'auth0|5f7c8ec7c33c6c004bbafe82'])
      expect(await api.call(admin, 'PATCH', path, { staffSubject })).toMatchObject({
        status: 200,
        body: { staffSubject },
      });
    for (const staffSubject of ['', 'x'.repeat(129), 'tab\there', 'nul\u0000', 7]) {
      const res = await api.call<{ errors: { field: string }[] }>(admin, 'PATCH', path, {
        staffSubject,
      });
      expect(res.status).toBe(400);
      expect(res.body.errors.map((e) => e.field)).toContain('staffSubject');
    }
    expect((await api.call(consul('NZ-LINK'), 'PATCH', path, { staffSubject: 'me' })).status).toBe(
      403,
    );
  });
});

describe('My queue', () => {
  const sub = 'malika@mfa.example';
  let urgent: string, high: string, normal: string, paused: string;

  beforeAll(async () => {
    await office('NZ-MINE', 'Minetown', [
      { id: 'nz-mine-01', languages: ['uz'], staffSubject: sub },
      { id: 'nz-mine-02', languages: ['ru'], staffSubject: 'colleague@mfa.example' },
    ]);
    paused = await route('Minetown', 'uz', 'urgent');
    normal = await route('Minetown', 'uz', 'normal');
    high = await route('Minetown', 'uz', 'high');
    urgent = await route('Minetown', 'uz', 'urgent');
    await route('Minetown', 'ru'); // the colleague's
    await changeStatus(paused, 'assigned', 'in_progress', 2);
    await changeStatus(paused, 'in_progress', 'awaiting_third_party', 3);
  });

  it('shows a caseworker their own open cases, running deadlines first, paused ones last, page by page', async () => {
    const first = await api.call<OwnQueue>(staff('NZ-MINE', sub), 'GET', '/v1/me/assignments');
    expect(first.status).toBe(200);
    expect(first.body.caseworker).toMatchObject({ id: 'nz-mine-01', openCases: 4 });
    expect(first.body.total).toBe(4);
    // urgent (4 h) before high (24 h) before normal (72 h); the paused one last
    expect(first.body.items.map((i) => i.caseId)).toEqual([urgent, high, normal, paused]);
    expect(first.body.items[0].nextDeadline).toMatchObject({ stage: 'acceptance', paused: false });
    expect(first.body.items[3].nextDeadline).toMatchObject({ stage: 'resolution', paused: true });
    expect(first.body.items.every((i) => i.caseworkerId === 'nz-mine-01')).toBe(true);

    const seen: string[] = [];
    let cursor: string | null = '';
    while (cursor !== null) {
      const page: { status: number; body: OwnQueue } = await api.call<OwnQueue>(
        staff('NZ-MINE', sub),
        'GET',
        `/v1/me/assignments?limit=1${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(page.body.items.length).toBeLessThanOrEqual(1);
      seen.push(...page.body.items.map((i) => i.caseId));
      cursor = page.body.nextCursor;
    }
    expect(seen).toEqual([urgent, high, normal, paused]);
  });

  it('drops a case from the queue once it ends', async () => {
    await changeStatus(normal, 'assigned', 'withdrawn', 2);
    const res = await api.call<OwnQueue>(staff('NZ-MINE', sub), 'GET', '/v1/me/assignments');
    expect(res.body.items.map((i) => i.caseId)).toEqual([urgent, high, paused]);
    expect(res.body.total).toBe(3);
  });

  it('is 403 for staff not linked (or linked at another consulate) and for other roles; 401 without a token; 400 for a bad cursor', async () => {
    expect(
      await api.call(staff('NZ-MINE', 'nobody@mfa.example'), 'GET', '/v1/me/assignments'),
    ).toMatchObject({ status: 403, body: { code: 'staff_not_linked' } });
    expect(await api.call(staff('NZ-LINK', sub), 'GET', '/v1/me/assignments')).toMatchObject({
      status: 403,
      body: { code: 'staff_not_linked' },
    });
    for (const role of ['admin', 'manager', 'intake_officer', 'integration'] as const)
      expect((await api.call({ role }, 'GET', '/v1/me/assignments')).status).toBe(403);
    expect((await api.call(null, 'GET', '/v1/me/assignments')).status).toBe(401);
    const bad = await api.call<{ errors: { field: string }[] }>(
      staff('NZ-MINE', sub),
      'GET',
      '/v1/me/assignments?cursor=garbage',
    );
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e) => e.field)).toEqual(['cursor']);
    const forged = Buffer.from(JSON.stringify(['7', new Date().toISOString(), urgent])).toString(
      'base64url',
    );
    expect(
      (await api.call(staff('NZ-MINE', sub), 'GET', `/v1/me/assignments?cursor=${forged}`)).status,
    ).toBe(400);
  });

  it("keeps a caseworker to their own queue and the office's unassigned cases; the whole queue is the consul's", async () => {
    const me = staff('NZ-MINE', sub);
    expect(await api.call(me, 'GET', '/v1/assignments')).toMatchObject({
      status: 403,
      body: { code: 'office_queue_for_consuls' },
    });
    expect((await api.call(me, 'GET', '/v1/assignments?caseworkerId=nz-mine-02')).status).toBe(403);
    const own = await api.call<{ items: Assignment[]; total: number }>(
      me,
      'GET',
      '/v1/assignments?caseworkerId=nz-mine-01',
    );
    expect(own.status).toBe(200);
    expect(own.body.items.every((i) => i.caseworkerId === 'nz-mine-01')).toBe(true);
    const unassigned = await api.call<{ items: Assignment[] }>(
      me,
      'GET',
      '/v1/assignments?unassigned=true',
    );
    expect(unassigned.status).toBe(200);
    expect(unassigned.body.items.every((i) => i.caseworkerId === null)).toBe(true);
    const whole = await api.call<{ total: number }>(consul('NZ-MINE'), 'GET', '/v1/assignments');
    expect(whole).toMatchObject({ status: 200, body: { total: 5 } });
    expect(
      (await api.call(me, 'GET', '/v1/assignments?unassigned=true&caseworkerId=nz-mine-01')).status,
    ).toBe(400);
    expect((await api.call(me, 'GET', '/v1/assignments?unassigned=maybe')).status).toBe(400);
  });
});

describe('Claiming from the office queue', () => {
  const dilnoza = staff('NZ-CLM', 'dilnoza@mfa.example');
  const erkin = staff('NZ-CLM', 'erkin@mfa.example');
  const farrukh = staff('NZ-CLM', 'farrukh@mfa.example');
  const ravshan = staff('NZ-CLM', 'ravshan@mfa.example');
  let queued: string[];

  beforeAll(async () => {
    // Nobody can take Korean-speaking cases when they arrive, so they wait in the office queue.
    await office('NZ-CLM', 'Claimville', [
      {
        id: 'nz-clm-01',
        languages: ['uz', 'ko'],
        maxOpenCases: 1,
        active: false,
        staffSubject: 'dilnoza@mfa.example',
      },
      { id: 'nz-clm-02', languages: ['ko'], active: false, staffSubject: 'erkin@mfa.example' },
      { id: 'nz-clm-03', languages: ['ru'], staffSubject: 'farrukh@mfa.example' },
      { id: 'nz-clm-04', languages: ['ko'], active: false, staffSubject: 'ravshan@mfa.example' },
    ]);
    queued = [];
    for (let i = 0; i < 5; i += 1) queued.push(await route('Claimville', 'ko'));
    for (const id of ['nz-clm-01', 'nz-clm-02', 'nz-clm-04'])
      expect(
        (
          await api.call(admin, 'PATCH', `/v1/consulates/NZ-CLM/caseworkers/${id}`, {
            active: true,
          })
        ).status,
      ).toBe(200);
  });

  it('gives the case to the claiming caseworker, publishes case.assigned and records the claim', async () => {
    expect(await holder(queued[0])).toBeNull();
    const res = await api.call<Assignment>(dilnoza, 'POST', `/v1/assignments/${queued[0]}/claim`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      caseworkerId: 'nz-clm-01',
      reason: 'reassigned',
      sequence: 2,
    });
    expect(res.body.history.at(-1)).toMatchObject({ caseworkerId: 'nz-clm-01', via: 'claim' });
    expect((await caseworkerRow('nz-clm-01')).open_cases).toBe(1);
    const events = (await assignedEvents()).get(queued[0]) ?? [];
    expect(events.map((e) => [e.sequence, e.caseworkerId, e.reason])).toEqual([
      [1, null, 'auto'],
      [2, 'nz-clm-01', 'reassigned'],
    ]);
    expect(events[1].previous).toEqual({ consulateId: 'NZ-CLM', caseworkerId: null });
  });

  it('refuses a held case, a full caseworker, one without the language, and an ended case with 409', async () => {
    expect(await api.call(erkin, 'POST', `/v1/assignments/${queued[0]}/claim`)).toMatchObject({
      status: 409,
      body: { code: 'case_held_by_another' },
    });
    expect(await api.call(dilnoza, 'POST', `/v1/assignments/${queued[0]}/claim`)).toMatchObject({
      status: 409,
      body: { code: 'already_assigned' },
    });
    expect(await api.call(dilnoza, 'POST', `/v1/assignments/${queued[1]}/claim`)).toMatchObject({
      status: 409,
      body: { code: 'caseworker_at_capacity' },
    });
    expect(await api.call(farrukh, 'POST', `/v1/assignments/${queued[1]}/claim`)).toMatchObject({
      status: 409,
      body: { code: 'language_mismatch' },
    });
    await changeStatus(queued[4], 'assigned', 'rejected', 2);
    expect(await api.call(erkin, 'POST', `/v1/assignments/${queued[4]}/claim`)).toMatchObject({
      status: 409,
      body: { code: 'case_not_open' },
    });
    expect(await holder(queued[1])).toBeNull();
  });

  it('lists the open unassigned cases as the office queue, ended ones only when asked by state', async () => {
    const queue = await api.call<{ items: Assignment[] }>(
      erkin,
      'GET',
      '/v1/assignments?unassigned=true',
    );
    const ids = queue.body.items.map((i) => i.caseId);
    expect(ids).toContain(queued[1]);
    expect(ids).not.toContain(queued[4]); // rejected
    expect(ids).not.toContain(queued[0]); // claimed
    const ended = await api.call<{ items: Assignment[] }>(
      consul('NZ-CLM'),
      'GET',
      '/v1/assignments?unassigned=true&state=rejected',
    );
    expect(ended.body.items.map((i) => i.caseId)).toEqual([queued[4]]);
  });

  it('lets exactly one of two caseworkers claiming at once win; the other gets 409', async () => {
    for (const caseId of [queued[2], queued[3]]) {
      const results = await Promise.all([
        api.call<Assignment>(erkin, 'POST', `/v1/assignments/${caseId}/claim`),
        api.call<Assignment>(ravshan, 'POST', `/v1/assignments/${caseId}/claim`),
      ]);
      expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
      const winner = results.find((r) => r.status === 200)?.body.caseworkerId;
      expect(await holder(caseId)).toBe(winner);
    }
    const open =
      (await caseworkerRow('nz-clm-02')).open_cases + (await caseworkerRow('nz-clm-04')).open_cases;
    expect(open).toBe(2);
    const events = await assignedEvents();
    for (const caseId of [queued[2], queued[3]])
      expect(events.get(caseId)?.map((e) => e.sequence)).toEqual([1, 2]);
  });

  it('is 403 for roles that may not claim or staff not linked, 404 across consulates or for unknown cases', async () => {
    const path = `/v1/assignments/${queued[1]}/claim`;
    for (const role of ['admin', 'manager', 'intake_officer', 'integration'] as const)
      expect((await api.call({ role }, 'POST', path)).status).toBe(403);
    expect(await api.call(staff('NZ-CLM', 'stranger'), 'POST', path)).toMatchObject({
      status: 403,
      body: { code: 'staff_not_linked' },
    });
    expect((await api.call(null, 'POST', path)).status).toBe(401);
    // linked, but at another consulate: the case does not exist for them
    expect((await api.call(staff('NZ-MINE', 'malika@mfa.example'), 'POST', path)).status).toBe(404);
    expect(
      (
        await api.call(
          dilnoza,
          'POST',
          '/v1/assignments/7d3c1a52-2f55-4c9e-9c1e-0a3e5f1b2c3d/claim',
        )
      ).status,
    ).toBe(404);
    expect((await api.call(dilnoza, 'POST', '/v1/assignments/not-a-uuid/claim')).status).toBe(404);
    expect(await holder(queued[1])).toBeNull();
  });
});

describe('Handing over when a caseworker leaves', () => {
  let held: string[];
  let russian: string;

  beforeAll(async () => {
    await office('NZ-HND', 'Handover Bay', [
      { id: 'nz-hnd-01', languages: ['uz', 'ru'], maxOpenCases: 20 },
      { id: 'nz-hnd-02', languages: ['uz'], maxOpenCases: 20, active: false },
      { id: 'nz-hnd-03', languages: ['uz'], maxOpenCases: 1, active: false },
      { id: 'nz-hnd-04', languages: ['ru'], maxOpenCases: 20, active: false },
    ]);
    held = [];
    for (let i = 0; i < 4; i += 1)
      held.push(await route('Handover Bay', 'uz', i === 0 ? 'urgent' : 'normal'));
    russian = await route('Handover Bay', 'ru');
    for (const id of ['nz-hnd-02', 'nz-hnd-03', 'nz-hnd-04'])
      await api.call(admin, 'PATCH', `/v1/consulates/NZ-HND/caseworkers/${id}`, { active: true });
  });

  const path = '/v1/consulates/NZ-HND/caseworkers/nz-hnd-01/handover';

  it('is refused to other roles and other offices, and rejects bad bodies naming the field', async () => {
    const body = { mode: 'routing' };
    for (const caller of [
      staff('NZ-HND', 'someone'),
      { role: 'manager' } as Caller,
      { role: 'intake_officer' } as Caller,
      consul('NZ-MINE'),
    ])
      expect((await api.call(caller, 'POST', path, body)).status).toBe(403);
    expect((await api.call(null, 'POST', path, body)).status).toBe(401);
    expect(
      (
        await api.call(
          consul('NZ-HND'),
          'POST',
          '/v1/consulates/NZ-HND/caseworkers/nz-none/handover',
          body,
        )
      ).status,
    ).toBe(404);
    for (const [bad, field] of [
      [{}, 'mode'],
      [{ mode: 'everyone' }, 'mode'],
      [{ mode: 'caseworker' }, 'caseworkerId'],
      [{ mode: 'routing', caseworkerId: 'nz-hnd-02' }, 'caseworkerId'],
      [{ mode: 'caseworker', caseworkerId: 'nz-hnd-01' }, 'caseworkerId'],
      [{ mode: 'routing', deactivate: 'yes' }, 'deactivate'],
      [{ mode: 'routing', extra: 1 }, 'extra'],
    ] as const) {
      const res = await api.call<{ errors: { field: string }[] }>(
        consul('NZ-HND'),
        'POST',
        path,
        bad,
      );
      expect(res.status).toBe(400);
      expect(res.body.errors.map((e) => e.field)).toContain(field);
    }
    expect(
      (await api.call(consul('NZ-HND'), 'POST', path, body, { 'Idempotency-Key': 'short' })).status,
    ).toBe(400);
    expect((await caseworkerRow('nz-hnd-01')).active).toBe(true);
  });

  it('moves nothing when the named colleague has no room for all the cases', async () => {
    const res = await api.call(consul('NZ-HND'), 'POST', path, {
      mode: 'caseworker',
      caseworkerId: 'nz-hnd-03',
    });
    expect(res).toMatchObject({ status: 409, body: { code: 'caseworker_at_capacity' } });
    for (const caseId of [...held, russian]) expect(await holder(caseId)).toBe('nz-hnd-01');
    expect(await caseworkerRow('nz-hnd-01')).toEqual({ open_cases: 5, active: true });
  });

  it('moves every open case by the routing rules, deactivates the caseworker, publishes one case.assigned per case, and answers a retry from its record', async () => {
    const key = 'handover-nz-hnd-01-a';
    const res = await api.call<Handover>(
      consul('NZ-HND'),
      'POST',
      path,
      { mode: 'routing' },
      {
        'Idempotency-Key': key,
      },
    );
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      caseworkerId: 'nz-hnd-01',
      mode: 'routing',
      deactivated: true,
      moved: 5,
      toOfficeQueue: 0,
      replayed: false,
    });
    // The urgent case goes first, to the uz speaker with the fewest open cases (both have 0:
    // the smaller id); the one-case caseworker is then the least loaded and takes one; the rest
    // go to nz-hnd-02; the Russian speaker's case to nz-hnd-04.
    expect(res.body.cases[0]).toEqual({ caseId: held[0], caseworkerId: 'nz-hnd-02' });
    expect(res.body.toCaseworkers).toEqual([
      { caseworkerId: 'nz-hnd-02', cases: 3 },
      { caseworkerId: 'nz-hnd-03', cases: 1 },
      { caseworkerId: 'nz-hnd-04', cases: 1 },
    ]);
    expect(await holder(russian)).toBe('nz-hnd-04');
    expect(await caseworkerRow('nz-hnd-01')).toEqual({ open_cases: 0, active: false });
    expect((await caseworkerRow('nz-hnd-02')).open_cases).toBe(3);
    expect((await caseworkerRow('nz-hnd-03')).open_cases).toBe(1);

    const events = await assignedEvents();
    for (const move of res.body.cases) {
      const list = events.get(move.caseId) ?? [];
      expect(list.map((e) => [e.sequence, e.caseworkerId])).toEqual([
        [1, 'nz-hnd-01'],
        [2, move.caseworkerId],
      ]);
      expect(list[1]).toMatchObject({
        reason: 'reassigned',
        previous: { consulateId: 'NZ-HND', caseworkerId: 'nz-hnd-01' },
      });
    }
    const detail = await api.call<Assignment>(
      consul('NZ-HND'),
      'GET',
      `/v1/assignments/${held[1]}`,
    );
    expect(detail.body.history.at(-1)).toMatchObject({ sequence: 2, via: 'handover' });

    const retry = await api.call<Handover>(
      consul('NZ-HND'),
      'POST',
      path,
      { mode: 'routing' },
      {
        'Idempotency-Key': key,
      },
    );
    expect(retry.status).toBe(200);
    expect(retry.body).toEqual({ ...res.body, replayed: true });
    const other = await api.call(
      consul('NZ-HND'),
      'POST',
      path,
      { mode: 'routing', deactivate: false },
      {
        'Idempotency-Key': key,
      },
    );
    expect(other).toMatchObject({ status: 409, body: { code: 'idempotency_key_reused' } });
    const after = await assignedEvents();
    for (const move of res.body.cases) expect(after.get(move.caseId)).toHaveLength(2);
    // Another office's consul naming this caseworker under their own office, with the same key:
    // nothing of this handover is answered.
    expect(
      await api.call(
        consul('NZ-MINE'),
        'POST',
        '/v1/consulates/NZ-MINE/caseworkers/nz-hnd-01/handover',
        { mode: 'routing' },
        { 'Idempotency-Key': key },
      ),
    ).toMatchObject({ status: 404, body: { code: 'caseworker_not_found' } });
    // Ids that cannot exist are 404; a NUL in the path is refused as malformed before any route.
    for (const bad of [
      '/v1/consulates/NZ-HND/caseworkers/%E2%80%AE/handover',
      `/v1/consulates/NZ-HND/caseworkers/${'x'.repeat(300)}/handover`,
      '/v1/consulates/nz-hnd/caseworkers/nz-hnd-01/handover',
    ])
      expect((await api.call(admin, 'POST', bad, { mode: 'routing' })).status).toBe(404);
    for (const bad of [
      '/v1/consulates/NZ-HND/caseworkers/nz%00hnd/handover',
      '/v1/consulates/NZ%00HND/caseworkers/nz-hnd-01/handover',
    ])
      expect([400, 404]).toContain(
        (await api.call(admin, 'POST', bad, { mode: 'routing' })).status,
      );
    // Without a key a retry finds nothing left to move.
    expect(await api.call<Handover>(admin, 'POST', path, { mode: 'routing' })).toMatchObject({
      status: 200,
      body: { moved: 0, replayed: false },
    });
  });

  it('moves everything to a named colleague; two handovers of one caseworker at once move each case once', async () => {
    await office('NZ-HN2', 'Second Bay', [
      { id: 'nz-hn2-01', languages: ['uz'] },
      { id: 'nz-hn2-02', languages: ['uz'], active: false },
    ]);
    const cases: string[] = [];
    for (let i = 0; i < 6; i += 1) cases.push(await route('Second Bay', 'uz'));
    await api.call(admin, 'PATCH', '/v1/consulates/NZ-HN2/caseworkers/nz-hn2-02', { active: true });
    const both = await Promise.all(
      [0, 1].map(() =>
        api.call<Handover>(
          consul('NZ-HN2'),
          'POST',
          '/v1/consulates/NZ-HN2/caseworkers/nz-hn2-01/handover',
          {
            mode: 'caseworker',
            caseworkerId: 'nz-hn2-02',
          },
        ),
      ),
    );
    expect(both.map((r) => r.status)).toEqual([200, 200]);
    expect(both.map((r) => r.body.moved).sort()).toEqual([0, 6]);
    for (const caseId of cases) expect(await holder(caseId)).toBe('nz-hn2-02');
    expect(await caseworkerRow('nz-hn2-02')).toEqual({ open_cases: 6, active: true });
    expect(await caseworkerRow('nz-hn2-01')).toEqual({ open_cases: 0, active: false });
    const events = await assignedEvents();
    for (const caseId of cases) expect(events.get(caseId)?.map((e) => e.sequence)).toEqual([1, 2]);
  });

  it('keeps every workload count true when a handover races claims, reassignments and status changes', async () => {
    await office('NZ-HN3', 'Third Bay', [
      { id: 'nz-hn3-01', languages: ['uz'], staffSubject: 'leaving@mfa.example' },
      { id: 'nz-hn3-02', languages: ['uz'], active: false, staffSubject: 'staying@mfa.example' },
    ]);
    const held: string[] = [];
    for (let i = 0; i < 8; i += 1) held.push(await route('Third Bay', 'uz'));
    const queuedKo: string[] = [];
    for (let i = 0; i < 3; i += 1) queuedKo.push(await route('Third Bay', 'ko'));
    await api.call(admin, 'PATCH', '/v1/consulates/NZ-HN3/caseworkers/nz-hn3-02', {
      active: true,
      languages: ['uz', 'ko'],
    });
    await api.call(admin, 'PATCH', '/v1/consulates/NZ-HN3/caseworkers/nz-hn3-01', {
      languages: ['uz', 'ko'],
    });
    const leaving = staff('NZ-HN3', 'leaving@mfa.example');
    const staying = staff('NZ-HN3', 'staying@mfa.example');
    const results = await Promise.all([
      api.call<Handover>(
        consul('NZ-HN3'),
        'POST',
        '/v1/consulates/NZ-HN3/caseworkers/nz-hn3-01/handover',
        { mode: 'routing' },
      ),
      api.call(consul('NZ-HN3'), 'POST', `/v1/assignments/${held[0]}/reassign`, {
        caseworkerId: 'nz-hn3-02',
      }),
      api.call(consul('NZ-HN3'), 'POST', `/v1/assignments/${held[1]}/reassign`, {
        caseworkerId: 'nz-hn3-02',
      }),
      api.call(leaving, 'POST', `/v1/assignments/${queuedKo[0]}/claim`),
      api.call(staying, 'POST', `/v1/assignments/${queuedKo[1]}/claim`),
      changeStatus(held[2], 'assigned', 'withdrawn', 2).then(() => ({ status: 200 })),
      changeStatus(held[3], 'assigned', 'in_progress', 2).then(() => ({ status: 200 })),
    ]);
    for (const r of results) expect([200, 409]).toContain(r.status);
    expect(results[0].status).toBe(200);
    // Whatever the interleaving: the leaving caseworker holds nothing open and is inactive, and
    // each caseworker's count is the number of open cases they hold.
    const counts = await query<{ id: string; open_cases: number; held: number; active: boolean }>(
      'assignment',
      `SELECT w.id, w.open_cases, w.active,
         (SELECT count(*)::int FROM assignment a WHERE a.caseworker_id = w.id
            AND a.state IN ('assigned', 'in_progress', 'awaiting_third_party')) AS held
       FROM caseworker w WHERE w.consulate_id = 'NZ-HN3' ORDER BY w.id`,
    );
    for (const c of counts)
      expect({ id: c.id, open: c.open_cases }).toEqual({ id: c.id, open: c.held });
    expect(counts.find((c) => c.id === 'nz-hn3-01')).toMatchObject({ held: 0, active: false });
    const events = await assignedEvents();
    for (const caseId of [...held, ...queuedKo]) {
      const sequences = (events.get(caseId) ?? []).map((e) => e.sequence);
      expect(sequences).toEqual(sequences.map((_, i) => i + 1));
    }
  });

  it('gives a case reopened after its caseworker left to a colleague by the routing rules, else to the office queue', async () => {
    await office('NZ-HN4', 'Fourth Bay', [
      { id: 'nz-hn4-01', languages: ['uz', 'ko'] },
      { id: 'nz-hn4-02', languages: ['uz'], active: false },
    ]);
    const uzbek = await route('Fourth Bay', 'uz');
    const korean = await route('Fourth Bay', 'ko');
    for (const caseId of [uzbek, korean]) {
      await changeStatus(caseId, 'assigned', 'in_progress', 2);
      await changeStatus(caseId, 'in_progress', 'resolved', 3);
    }
    await api.call(admin, 'PATCH', '/v1/consulates/NZ-HN4/caseworkers/nz-hn4-02', { active: true });
    const left = await api.call<Handover>(
      consul('NZ-HN4'),
      'POST',
      '/v1/consulates/NZ-HN4/caseworkers/nz-hn4-01/handover',
      { mode: 'routing' },
    );
    expect(left.body).toMatchObject({ moved: 0, deactivated: true }); // resolved cases stay
    for (const caseId of [uzbek, korean]) await changeStatus(caseId, 'resolved', 'in_progress', 4);
    expect(await holder(uzbek)).toBe('nz-hn4-02');
    expect(await holder(korean)).toBeNull();
    expect(await caseworkerRow('nz-hn4-01')).toEqual({ open_cases: 0, active: false });
    expect((await caseworkerRow('nz-hn4-02')).open_cases).toBe(1);
    const events = await assignedEvents();
    expect(
      events.get(uzbek)?.map((e) => [e.sequence, e.caseworkerId, e.previous?.caseworkerId]),
    ).toEqual([
      [1, 'nz-hn4-01', undefined],
      [2, 'nz-hn4-02', 'nz-hn4-01'],
    ]);
    expect(events.get(korean)?.at(-1)).toMatchObject({ sequence: 2, caseworkerId: null });
  });
});
