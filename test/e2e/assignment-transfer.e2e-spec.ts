import { makeCase, seededRandom, submitCases } from '../support/cases';
import { query, resetDatabase, resetTopics, waitFor, freePort } from '../support/infra';
import { disconnectTestProducer } from '../support/kafka';
import { ServiceProcess, startServiceProcess } from '../support/service-process';
import { ServiceClient } from '../support/service-client';

const moscowConsul = { role: 'consul' as const, consulateId: 'RU-MOW' };
const kazanConsul = { role: 'consul' as const, consulateId: 'RU-KZN' };
const kazanCaseworker = { role: 'caseworker' as const, consulateId: 'RU-KZN' };

async function heldInIntake(caseId: string, consulateId: string): Promise<void> {
  await waitFor(`intake to show case ${caseId} held by ${consulateId}`, async () => {
    const [row] = await query<{ consulate_id: string | null }>(
      'intake',
      'SELECT consulate_id FROM case_file WHERE id = $1',
      [caseId],
    );
    return row?.consulate_id === consulateId;
  });
}

async function stateInAssignment(caseId: string, state: string): Promise<void> {
  await waitFor(`assignment to know case ${caseId} as ${state}`, async () => {
    const [row] = await query<{ state: string }>(
      'assignment',
      'SELECT state FROM assignment WHERE case_id = $1',
      [caseId],
    );
    return row?.state === state;
  });
}

describe('Assignment and intake together: transfer moves access, the lifecycle moves workload', () => {
  let intake: ServiceProcess;
  let assignment: ServiceProcess;
  let intakeApi: ServiceClient;
  let assignmentApi: ServiceClient;
  let caseId: string;

  beforeAll(async () => {
    await resetTopics();
    await resetDatabase('intake');
    await resetDatabase('assignment');
    [intake, assignment] = await Promise.all([
      startServiceProcess('intake', {}, await freePort()),
      startServiceProcess('assignment', {}, await freePort()),
    ]);
    intakeApi = new ServiceClient(intake.url);
    assignmentApi = new ServiceClient(assignment.url);
    const body = makeCase(seededRandom(7), { hostCountry: 'RU', hostCity: 'Moscow' }, 1);
    body.complainant.preferredLanguage = 'uz';
    [caseId] = await submitCases(intake.url, [body]);
    await heldInIntake(caseId, 'RU-MOW');
  });

  afterAll(async () => {
    await Promise.all([intake?.stop(), assignment?.stop()]);
    await disconnectTestProducer();
  });

  it('gives the case file to the new office and takes it from the old one', async () => {
    expect((await intakeApi.call(moscowConsul, 'GET', `/v1/cases/${caseId}`)).status).toBe(200);
    expect((await intakeApi.call(kazanConsul, 'GET', `/v1/cases/${caseId}`)).status).toBe(404);

    const transfer = await assignmentApi.call(
      moscowConsul,
      'POST',
      `/v1/assignments/${caseId}/transfer`,
      { consulateId: 'RU-KZN', reason: 'complainant_relocated' },
    );
    expect(transfer).toMatchObject({ status: 200, body: { consulateId: 'RU-KZN' } });
    await heldInIntake(caseId, 'RU-KZN');

    expect((await intakeApi.call(moscowConsul, 'GET', `/v1/cases/${caseId}`)).status).toBe(404);
    expect((await intakeApi.call(kazanConsul, 'GET', `/v1/cases/${caseId}`)).status).toBe(200);
    expect(
      (await assignmentApi.call(moscowConsul, 'GET', `/v1/assignments/${caseId}`)).status,
    ).toBe(404);
  });

  it("follows intake's lifecycle: the caseworker's workload drops when the case is resolved", async () => {
    const { caseworkerId } = (
      await assignmentApi.call(kazanConsul, 'GET', `/v1/assignments/${caseId}`)
    ).body as { caseworkerId: string };
    const open = async () =>
      (
        await query<{ open_cases: number }>(
          'assignment',
          'SELECT open_cases FROM caseworker WHERE id = $1',
          [caseworkerId],
        )
      )[0].open_cases;
    const before = await open();

    const started = await intakeApi.call(
      kazanCaseworker,
      'POST',
      `/v1/cases/${caseId}/transitions`,
      {
        action: 'start',
      },
    );
    expect(started.status).toBe(200);
    await stateInAssignment(caseId, 'in_progress');
    const resolved = await intakeApi.call(
      kazanCaseworker,
      'POST',
      `/v1/cases/${caseId}/transitions`,
      {
        action: 'resolve',
        outcome: { type: 'legal_aid_provided' },
      },
    );
    expect(resolved.status).toBe(200);
    await stateInAssignment(caseId, 'resolved');
    expect(await open()).toBe(before - 1);

    const sla = (await assignmentApi.call(kazanConsul, 'GET', `/v1/assignments/${caseId}`)).body
      .sla as { acceptance: { metAt: string | null }; resolution: { metAt: string | null } };
    expect(sla.acceptance.metAt).not.toBeNull();
    expect(sla.resolution.metAt).not.toBeNull();
  });
});
