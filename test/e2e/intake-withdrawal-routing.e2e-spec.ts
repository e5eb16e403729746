import { CASE_EVENTS_TOPIC, EventTypes } from '@casebridge/contracts';
import { CaseBody, makeCase, seededRandom } from '../support/cases';
import { freePort, query, resetDatabase, resetTopics, waitFor } from '../support/infra';
import { disconnectTestProducer, readAll } from '../support/kafka';
import { Caller, ServiceClient } from '../support/service-client';
import { ServiceProcess, startServiceProcess } from '../support/service-process';

const officer: Caller = { role: 'intake_officer' };
const moscowConsul: Caller = { role: 'consul', consulateId: 'RU-MOW' };
const random = seededRandom(1414);
let counter = 40_000;

function moscowCase(): CaseBody {
  const body = makeCase(random, { hostCountry: 'RU', hostCity: 'Moscow' }, counter++);
  // A language Moscow's caseworkers speak: routing gives the case to a caseworker, not the queue.
  body.complainant.preferredLanguage = 'uz';
  return body;
}

/** Every Moscow caseworker's open-case count. */
async function moscowWorkload(): Promise<Record<string, number>> {
  const rows = await query<{ id: string; open_cases: number }>(
    'assignment',
    "SELECT id, open_cases FROM caseworker WHERE consulate_id = 'RU-MOW' ORDER BY id",
  );
  return Object.fromEntries(rows.map((r) => [r.id, r.open_cases]));
}

async function assignmentOf(
  caseId: string,
  state: string,
): Promise<{ state: string; caseworker_id: string | null }> {
  return waitFor(`assignment to know case ${caseId} as ${state}`, async () => {
    const [row] = await query<{ state: string; caseworker_id: string | null }>(
      'assignment',
      'SELECT state, caseworker_id FROM assignment WHERE case_id = $1',
      [caseId],
    );
    return row?.state === state ? row : undefined;
  });
}

async function intakeOnceRouted(
  caseId: string,
): Promise<{ status: string; version: number; consulate_id: string }> {
  return waitFor(`intake to record who holds case ${caseId}`, async () => {
    const [row] = await query<{ status: string; version: number; consulate_id: string | null }>(
      'intake',
      'SELECT status, version, consulate_id FROM case_file WHERE id = $1',
      [caseId],
    );
    return row?.consulate_id ? { ...row, consulate_id: row.consulate_id } : undefined;
  });
}

/** The status changes intake published for a case, as from → to. */
async function publishedChanges(caseId: string): Promise<string[]> {
  return (await readAll(CASE_EVENTS_TOPIC))
    .filter((m) => m.key === caseId && m.headers.ce_type === EventTypes.CaseStatusChanged)
    .map((m) => {
      const { from, to } = JSON.parse(m.value ?? '{}') as { from: string; to: string };
      return `${from} → ${to}`;
    });
}

describe('A case ended while still submitted races its routing: intake keeps it ended, assignment ends its side', () => {
  let intake: ServiceProcess;
  let assignment: ServiceProcess | undefined;
  let intakeApi: ServiceClient;

  beforeAll(async () => {
    await resetTopics();
    await resetDatabase('intake');
    await resetDatabase('assignment');
    [intake, assignment] = await Promise.all([
      startServiceProcess('intake', {}, await freePort()),
      startServiceProcess('assignment', {}, await freePort()),
    ]);
    intakeApi = new ServiceClient(intake.url);
  });

  afterAll(async () => {
    await Promise.all([intake?.stop(), assignment?.stop()]);
    await disconnectTestProducer();
  });

  it('routes a case withdrawn before assignment saw it, then ends the assignment and frees the caseworker', async () => {
    // Assignment is down while the officer takes the complaint and withdraws it: it then reads
    // the submission (and routes the case to a caseworker) before it reads the withdrawal, and
    // intake receives case.assigned for a case it has already ended.
    await assignment?.stop();
    const workloadBefore = await moscowWorkload();
    const created = await intakeApi.call<{ id: string }>(
      officer,
      'POST',
      '/v1/cases',
      moscowCase(),
    );
    expect(created.status).toBe(201);
    const id = created.body.id;
    const withdrawn = await intakeApi.call(officer, 'POST', `/v1/cases/${id}/transitions`, {
      action: 'withdraw',
      reason: 'complainant_request',
      version: 1,
    });
    expect(withdrawn).toMatchObject({ status: 200, body: { status: 'withdrawn', version: 2 } });

    assignment = await startServiceProcess('assignment', {}, await freePort());
    const ended = await assignmentOf(id, 'withdrawn');
    // It was routed to a caseworker (whose count went up) before the withdrawal took it back.
    expect(ended.caseworker_id).not.toBeNull();
    expect(await moscowWorkload()).toEqual(workloadBefore);

    const inIntake = await intakeOnceRouted(id);
    expect(inIntake).toEqual({ status: 'withdrawn', version: 2, consulate_id: 'RU-MOW' });
    expect(await publishedChanges(id)).toEqual(['submitted → withdrawn']);
    // The office it was routed to sees a withdrawn case, and can do nothing more with it.
    const file = await intakeApi.call(moscowConsul, 'GET', `/v1/cases/${id}`);
    expect(file).toMatchObject({
      status: 200,
      body: { status: 'withdrawn', consulateId: 'RU-MOW' },
    });
    const start = await intakeApi.call(moscowConsul, 'POST', `/v1/cases/${id}/transitions`, {
      action: 'start',
    });
    expect(start).toMatchObject({ status: 409, body: { allowedActions: [] } });
  });

  it('ends up consistent whichever comes first, routing or withdrawal, with every workload back where it was', async () => {
    const workloadBefore = await moscowWorkload();
    const ids: string[] = [];
    const answers: number[] = [];
    for (let i = 0; i < 4; i++) {
      const created = await intakeApi.call<{ id: string }>(
        officer,
        'POST',
        '/v1/cases',
        moscowCase(),
      );
      expect(created.status).toBe(201);
      ids.push(created.body.id);
      // At once: routing may or may not have reached intake yet.
      const res = await intakeApi.call(
        officer,
        'POST',
        `/v1/cases/${created.body.id}/transitions`,
        {
          action: i % 2 ? 'reject' : 'withdraw',
          reason: 'duplicate',
        },
      );
      answers.push(res.status);
      // Routed first: the case is its consulate's now, and the officer may not end it.
      if (res.status === 409) expect(res.body).toMatchObject({ allowedActions: [] });
      else expect(res.status).toBe(200);
    }
    for (const [i, id] of ids.entries()) {
      const ended = answers[i] === 200;
      const expected = ended ? (i % 2 ? 'rejected' : 'withdrawn') : 'assigned';
      await assignmentOf(id, expected);
      expect((await intakeOnceRouted(id)).status).toBe(expected);
      // What the officer could not end, the consulate can.
      if (!ended) {
        const res = await intakeApi.call(moscowConsul, 'POST', `/v1/cases/${id}/transitions`, {
          action: 'withdraw',
          reason: 'duplicate',
        });
        expect(res.status).toBe(200);
        await assignmentOf(id, 'withdrawn');
      }
    }
    expect(await moscowWorkload()).toEqual(workloadBefore);
  });
});
