import { randomUUID } from 'node:crypto';
import { CaseSubmittedV1, EventTypes, Priority } from '@casebridge/contracts';
import { query, resetDatabase, resetTopics, waitFor, freePort } from '../../support/infra';
import { disconnectTestProducer, produceEvent } from '../../support/kafka';
import { ServiceProcess, startServiceProcess } from '../../support/service-process';
import { submittedCase as submitted } from '../../support/events';

const HOUR = 3600_000;
const DAY = 24 * HOUR;
/**
 * The default policy (normal 72 h / 90 days, high 24 h / 30 days, urgent 7 days to resolve),
 * except an urgent case must be started within 2 s: short enough to watch a deadline that a
 * re-triage tightened into the past fire.
 */
const SLA_ENV = { SLA_ACCEPTANCE_URGENT_S: '2', SLA_SCAN_INTERVAL_MS: '200' };

let service: ServiceProcess;

interface Clocks {
  priority: Priority;
  priority_version: number;
  state: string;
  routed_at: Date;
  acceptance_due_at: Date;
  acceptance_met_at: Date | null;
  acceptance_breached_at: Date | null;
  resolution_due_at: Date;
}

async function clocks(caseId: string): Promise<Clocks | undefined> {
  const [row] = await query<Clocks>(
    'assignment',
    `SELECT priority, priority_version, state, routed_at, acceptance_due_at, acceptance_met_at,
            acceptance_breached_at, resolution_due_at
     FROM assignment WHERE case_id = $1`,
    [caseId],
  );
  return row;
}

async function consumed(eventId: string, what: string): Promise<void> {
  await waitFor(`${what} to be consumed`, async () => {
    const rows = await query('assignment', 'SELECT 1 FROM inbox_message WHERE event_id = $1', [
      eventId,
    ]);
    return rows.length === 1;
  });
}

async function route(c: CaseSubmittedV1): Promise<Clocks> {
  await produceEvent(EventTypes.CaseSubmitted, c);
  return waitFor(`case ${c.caseId} to be routed`, () => clocks(c.caseId));
}

async function retriage(
  caseId: string,
  from: Priority,
  to: Priority,
  version: number,
  id = randomUUID(),
): Promise<void> {
  await produceEvent(
    EventTypes.CasePriorityChanged,
    {
      caseId,
      hostCountry: 'RU',
      from,
      to,
      reason: 'new_risk_information',
      at: new Date().toISOString(),
      actor: { type: 'user', id: 'test-consul-RU-MOW', role: 'consul' },
      version,
    },
    { id },
  );
  await consumed(id, `re-triage ${from} → ${to} (v${version}) of ${caseId}`);
}

async function start(caseId: string, version: number): Promise<void> {
  const id = await produceEvent(EventTypes.CaseStatusChanged, {
    caseId,
    hostCountry: 'RU',
    from: 'assigned',
    to: 'in_progress',
    at: new Date().toISOString(),
    actor: { type: 'user', id: 'test-caseworker', role: 'caseworker' },
    version,
  });
  await consumed(id, `the start of ${caseId}`);
}

/** Deadlines as offsets from routing. */
function offsets(c: Clocks): { acceptance: number; resolution: number } {
  return {
    acceptance: c.acceptance_due_at.getTime() - c.routed_at.getTime(),
    resolution: c.resolution_due_at.getTime() - c.routed_at.getTime(),
  };
}

beforeAll(async () => {
  await resetTopics();
  await resetDatabase('assignment');
  service = await startServiceProcess('assignment', SLA_ENV, await freePort());
});

afterAll(async () => {
  await service?.stop();
  await disconnectTestProducer();
});

describe('SLA deadlines follow a re-triage (casebridge.case.priority-changed)', () => {
  it('recomputes the running deadlines from routing for the new priority (normal → high: 72 h → 24 h, 90 → 30 days)', async () => {
    const c = submitted({ priority: 'normal' });
    const routed = await route(c);
    expect(offsets(routed)).toEqual({ acceptance: 72 * HOUR, resolution: 90 * DAY });

    await retriage(c.caseId, 'normal', 'high', 3);
    const after = (await clocks(c.caseId))!;
    expect(after).toMatchObject({ priority: 'high', priority_version: 3 });
    expect(after.routed_at).toEqual(routed.routed_at);
    expect(offsets(after)).toEqual({ acceptance: 24 * HOUR, resolution: 30 * DAY });
  });

  it('never lets an older re-triage (nor a redelivery under another id) override a newer one', async () => {
    const c = submitted({ priority: 'normal' });
    await route(c);
    await retriage(c.caseId, 'normal', 'high', 4);
    // Version 3 was made before version 4 but arrives after it.
    await retriage(c.caseId, 'normal', 'urgent', 3);
    // Version 4 again, under a new event id (what a replay of the topic looks like).
    await retriage(c.caseId, 'normal', 'high', 4);
    const after = (await clocks(c.caseId))!;
    expect(after).toMatchObject({ priority: 'high', priority_version: 4 });
    expect(offsets(after)).toEqual({ acceptance: 24 * HOUR, resolution: 30 * DAY });
  });

  it('applies re-triages that arrive before the case is routed, in version order, from routing', async () => {
    const c = submitted({ priority: 'normal' });
    // Version 5 (urgent → high) arrives first, then the older version 2 (normal → urgent).
    await retriage(c.caseId, 'urgent', 'high', 5);
    await retriage(c.caseId, 'normal', 'urgent', 2);
    const [parked] = await query<{ n: string }>(
      'assignment',
      'SELECT count(*) AS n FROM pending_priority_change WHERE case_id = $1',
      [c.caseId],
    );
    expect(Number(parked.n)).toBe(2);
    expect(await clocks(c.caseId)).toBeUndefined();

    // The case.submitted carries the triage's priority; the newest re-triage wins at routing.
    const routed = await route(c);
    expect(routed).toMatchObject({ priority: 'high', priority_version: 5 });
    expect(offsets(routed)).toEqual({ acceptance: 24 * HOUR, resolution: 30 * DAY });
    const [left] = await query<{ n: string }>(
      'assignment',
      'SELECT count(*) AS n FROM pending_priority_change WHERE case_id = $1',
      [c.caseId],
    );
    expect(Number(left.n)).toBe(0);
  });

  it('keeps a deadline already met and moves only the running one', async () => {
    const c = submitted({ priority: 'normal' });
    await route(c);
    await start(c.caseId, 3);
    const started = (await clocks(c.caseId))!;
    expect(started.acceptance_met_at).not.toBeNull();

    await retriage(c.caseId, 'normal', 'urgent', 4);
    const after = (await clocks(c.caseId))!;
    expect(after.acceptance_due_at).toEqual(started.acceptance_due_at);
    expect(after.acceptance_met_at).toEqual(started.acceptance_met_at);
    expect(offsets(after).resolution).toBe(7 * DAY);
  });

  it('leaves a deadline tightened into the past to the breach job, which fires it once', async () => {
    const c = submitted({ priority: 'normal' });
    const routed = await route(c);
    await new Promise((r) => setTimeout(r, 2500));
    await retriage(c.caseId, 'normal', 'urgent', 3);
    const breach = await waitFor(
      'the tightened acceptance deadline to be breached',
      async () => {
        const [row] = await query<{ stage: string; due_at: Date }>(
          'assignment',
          'SELECT stage, due_at FROM sla_breach WHERE case_id = $1',
          [c.caseId],
        );
        return row;
      },
      30_000,
      100,
    );
    expect(breach).toEqual({
      stage: 'acceptance',
      due_at: new Date(routed.routed_at.getTime() + 2000),
    });
    expect((await clocks(c.caseId))!.acceptance_breached_at).not.toBeNull();
  });
});
