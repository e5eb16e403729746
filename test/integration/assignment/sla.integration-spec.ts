import {
  ASSIGNMENT_EVENTS_TOPIC,
  CaseSlaBreachedV1,
  CaseStatus,
  CaseSubmittedV1,
  EventTypes,
} from '@casebridge/contracts';
import { decodeEvent } from '@casebridge/messaging';
import { query, resetDatabase, resetTopics, waitFor, freePort, sleep } from '../../support/infra';
import { disconnectTestProducer, produceEvent, readAll } from '../../support/kafka';
import { ServiceProcess, startServiceProcess } from '../../support/service-process';
import { ServiceClient } from '../../support/service-client';
import { submittedCase as submitted } from '../../support/events';

/**
 * Normal-priority cases must be started within 5 s and resolved within 10 s: short enough to
 * watch deadlines pass, long enough that a case worked promptly (several Kafka round trips on a
 * loaded 2-core machine) meets them.
 */
const SLA_ENV = {
  SLA_ACCEPTANCE_NORMAL_S: '5',
  SLA_RESOLUTION_NORMAL_S: '10',
  SLA_SCAN_INTERVAL_MS: '200',
};
const ACCEPTANCE_MS = 5000;
const RESOLUTION_MS = 10_000;

let service: ServiceProcess;
let api: ServiceClient;
let port: number;

interface Clocks {
  caseworker_id: string | null;
  acceptance_due_at: Date;
  resolution_due_at: Date;
  paused_at: Date | null;
}

async function route(...cases: CaseSubmittedV1[]): Promise<void> {
  for (const c of cases) await produceEvent(EventTypes.CaseSubmitted, c);
  await waitFor(`${cases.length} cases to be routed`, async () => {
    const rows = await query(
      'assignment',
      'SELECT 1 FROM assignment WHERE case_id = ANY($1::uuid[])',
      [cases.map((c) => c.caseId)],
    );
    return rows.length === cases.length;
  });
}

async function clocks(caseId: string): Promise<Clocks> {
  const [row] = await query<Clocks>(
    'assignment',
    'SELECT caseworker_id, acceptance_due_at, resolution_due_at, paused_at FROM assignment WHERE case_id = $1',
    [caseId],
  );
  return row;
}

async function changeStatus(
  caseId: string,
  from: CaseStatus,
  to: CaseStatus,
  version: number,
  at = new Date(),
): Promise<void> {
  const id = await produceEvent(EventTypes.CaseStatusChanged, {
    caseId,
    hostCountry: 'RU',
    from,
    to,
    at: at.toISOString(),
    actor: { type: 'user', id: 'test-caseworker', role: 'caseworker' },
    version,
  });
  await waitFor(`${from} → ${to} of ${caseId} to be consumed`, async () => {
    const rows = await query('assignment', 'SELECT 1 FROM inbox_message WHERE event_id = $1', [id]);
    return rows.length === 1;
  });
}

async function breaches(
  caseIds: string[],
): Promise<{ case_id: string; stage: string; due_at: Date; breached_at: Date }[]> {
  return query(
    'assignment',
    'SELECT case_id, stage, due_at, breached_at FROM sla_breach WHERE case_id = ANY($1::uuid[])',
    [caseIds],
  );
}

async function waitForBreaches(
  caseIds: string[],
  count: number,
  timeoutMs = 30_000,
): Promise<void> {
  await waitFor(
    `${count} SLA breaches`,
    async () => (await breaches(caseIds)).length >= count,
    timeoutMs,
    100,
  );
}

/** The case.sla-breached events of these cases on the topic, once the outbox is drained. */
async function breachEvents(caseIds: string[]): Promise<{ id: string; data: CaseSlaBreachedV1 }[]> {
  await waitFor('the outbox to be published', async () => {
    const [row] = await query<{ n: string }>(
      'assignment',
      'SELECT count(*) AS n FROM outbox_event WHERE published_at IS NULL',
    );
    return row.n === '0';
  });
  const wanted = new Set(caseIds);
  return (await readAll(ASSIGNMENT_EVENTS_TOPIC))
    .map((m) =>
      decodeEvent({
        key: Buffer.from(m.key ?? ''),
        value: Buffer.from(m.value ?? ''),
        headers: m.headers,
      }),
    )
    .filter((e) => e.type === EventTypes.CaseSlaBreached && wanted.has(e.subject))
    .map((e) => ({ id: e.id, data: e.data as CaseSlaBreachedV1 }));
}

beforeAll(async () => {
  await resetTopics();
  await resetDatabase('assignment');
  port = await freePort();
  service = await startServiceProcess('assignment', SLA_ENV, port);
  api = new ServiceClient(service.url);
});

afterAll(async () => {
  await service?.stop();
  await disconnectTestProducer();
});

describe('SLA timers and escalations', () => {
  it('fires each missed deadline exactly once, as an event and in the consul’s escalations', async () => {
    const late = submitted();
    await route(late);
    const due = await clocks(late.caseId);
    await waitForBreaches([late.caseId], 2);
    await sleep(1000); // five more scans: nothing fires twice

    const rows = await breaches([late.caseId]);
    expect(rows.map((r) => r.stage).sort()).toEqual(['acceptance', 'resolution']);
    const acceptance = rows.find((r) => r.stage === 'acceptance')!;
    expect(acceptance.due_at).toEqual(due.acceptance_due_at);
    expect(acceptance.breached_at.getTime()).toBeGreaterThanOrEqual(
      due.acceptance_due_at.getTime(),
    );

    const events = await breachEvents([late.caseId]);
    expect(events.map((e) => e.data.stage).sort()).toEqual(['acceptance', 'resolution']);
    expect(events.find((e) => e.data.stage === 'acceptance')!.data).toEqual({
      caseId: late.caseId,
      hostCountry: 'RU',
      consulateId: 'RU-MOW',
      caseworkerId: due.caseworker_id,
      stage: 'acceptance',
      dueAt: due.acceptance_due_at.toISOString(),
      breachedAt: acceptance.breached_at.toISOString(),
    });

    const mine = await api.get<{ items: { caseId: string; stage: string }[] }>(
      { role: 'consul', consulateId: 'RU-MOW' },
      '/v1/escalations',
    );
    expect(
      mine.body.items
        .filter((i) => i.caseId === late.caseId)
        .map((i) => i.stage)
        .sort(),
    ).toEqual(['acceptance', 'resolution']);
    const other = await api.get<{ items: { caseId: string }[] }>(
      { role: 'consul', consulateId: 'RU-SPB' },
      '/v1/escalations',
    );
    expect(other.body.items.filter((i) => i.caseId === late.caseId)).toEqual([]);
    expect(
      (
        await api.get(
          { role: 'consul', consulateId: 'RU-SPB' },
          '/v1/escalations?consulateId=RU-MOW',
        )
      ).status,
    ).toBe(403);
    expect(
      (await api.get({ role: 'caseworker', consulateId: 'RU-MOW' }, '/v1/escalations')).status,
    ).toBe(403);
    const all = await api.get<{ items: { caseId: string }[] }>(
      { role: 'admin' },
      '/v1/escalations?stage=acceptance',
    );
    expect(all.body.items.filter((i) => i.caseId === late.caseId)).toHaveLength(1);
  });

  it('does not fire deadlines met in time', async () => {
    const prompt = submitted();
    await route(prompt);
    await changeStatus(prompt.caseId, 'submitted', 'assigned', 2);
    await changeStatus(prompt.caseId, 'assigned', 'in_progress', 3);
    await changeStatus(prompt.caseId, 'in_progress', 'resolved', 4);
    await sleep(RESOLUTION_MS + 1000);
    expect(await breaches([prompt.caseId])).toEqual([]);
  });

  it('pauses the clocks while awaiting a third party and shifts the deadline by the pause on resume', async () => {
    const waiting = submitted();
    await route(waiting);
    await changeStatus(waiting.caseId, 'submitted', 'assigned', 2);
    await changeStatus(waiting.caseId, 'assigned', 'in_progress', 3);
    const before = await clocks(waiting.caseId);
    const pausedAt = new Date();
    await changeStatus(waiting.caseId, 'in_progress', 'awaiting_third_party', 4, pausedAt);
    expect((await clocks(waiting.caseId)).paused_at).toEqual(pausedAt);

    // The original resolution deadline passes while paused: nothing fires.
    await sleep(Math.max(0, before.resolution_due_at.getTime() - Date.now()) + 1000);
    expect(await breaches([waiting.caseId])).toEqual([]);

    const resumedAt = new Date();
    await changeStatus(waiting.caseId, 'awaiting_third_party', 'in_progress', 5, resumedAt);
    const after = await clocks(waiting.caseId);
    const paused = resumedAt.getTime() - pausedAt.getTime();
    expect(after.paused_at).toBeNull();
    expect(after.resolution_due_at.getTime() - before.resolution_due_at.getTime()).toBe(paused);
    expect(after.acceptance_due_at).toEqual(before.acceptance_due_at); // met before the pause

    await waitForBreaches([waiting.caseId], 1);
    const [breach] = await breaches([waiting.caseId]);
    expect(breach.stage).toBe('resolution');
    expect(breach.due_at).toEqual(after.resolution_due_at);
    expect(breach.breached_at.getTime()).toBeGreaterThanOrEqual(after.resolution_due_at.getTime());
  });

  it('fires a deadline that passed while the service was down exactly once after the restart', async () => {
    const c = submitted({ hostCountry: 'DE', hostCity: 'Berlin' });
    await route(c);
    await changeStatus(c.caseId, 'submitted', 'assigned', 2);
    await service.stop();
    await sleep(ACCEPTANCE_MS + 500);
    expect(await breaches([c.caseId])).toEqual([]);

    service = await startServiceProcess('assignment', SLA_ENV, port);

    api = new ServiceClient(service.url);
    await waitForBreaches([c.caseId], 1, 10_000);
    // A crash right after the breach was recorded: the restart must not fire it again.
    await service.kill();
    service = await startServiceProcess('assignment', SLA_ENV, port);
    api = new ServiceClient(service.url);
    await sleep(1000);
    const acceptance = (await breaches([c.caseId])).filter((b) => b.stage === 'acceptance');
    expect(acceptance).toHaveLength(1);
    const events = (await breachEvents([c.caseId])).filter((e) => e.data.stage === 'acceptance');
    expect(new Set(events.map((e) => e.id)).size).toBe(1);
  });

  it('lets several instances share the scans without firing any breach twice', async () => {
    const second = await startServiceProcess('assignment', SLA_ENV, await freePort());
    try {
      const cases = Array.from({ length: 60 }, (_, i) =>
        submitted({ hostCountry: i % 2 ? 'KZ' : 'TR', hostCity: i % 2 ? 'Almaty' : 'Istanbul' }),
      );
      await route(...cases);
      const ids = cases.map((c) => c.caseId);
      await waitForBreaches(ids, 120, 45_000);
      await sleep(1000);
      const rows = await breaches(ids);
      expect(rows).toHaveLength(120);
      const events = await breachEvents(ids);
      const perClock = new Map<string, Set<string>>();
      for (const e of events) {
        const key = `${e.data.caseId}:${e.data.stage}`;
        perClock.set(key, (perClock.get(key) ?? new Set()).add(e.id));
      }
      expect(perClock.size).toBe(120);
      expect([...perClock.values()].every((ids) => ids.size === 1)).toBe(true);
    } finally {
      await second.stop();
    }
  });
});
