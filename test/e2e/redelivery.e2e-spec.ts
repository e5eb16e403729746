import { ASSIGNMENT_EVENTS_TOPIC, CASE_EVENTS_TOPIC } from '@casebridge/contracts';
import { makeCase, seededRandom, submitCases } from '../support/cases';
import { kafkaClient, query, ServiceName } from '../support/infra';
import { startServiceProcess } from '../support/service-process';
import {
  fetchReport,
  RunningSystem,
  startSystem,
  stopSystem,
  waitForReportTotals,
  waitUntilAllAssigned,
} from '../support/system';
import { waitFor } from '../support/infra';

const GROUPS: Record<ServiceName, { group: string; topics: string[] }> = {
  intake: { group: 'casebridge-intake', topics: [ASSIGNMENT_EVENTS_TOPIC] },
  assignment: { group: 'casebridge-assignment', topics: [CASE_EVENTS_TOPIC] },
  reporting: {
    group: 'casebridge-reporting',
    topics: [CASE_EVENTS_TOPIC, ASSIGNMENT_EVENTS_TOPIC],
  },
};

async function counts(): Promise<Record<string, number>> {
  const one = async (service: ServiceName, sql: string) =>
    Number((await query<{ n: string }>(service, sql))[0].n);
  return {
    intakeCases: await one('intake', 'SELECT count(*) AS n FROM case_file'),
    intakeAssigned: await one(
      'intake',
      "SELECT count(*) AS n FROM case_file WHERE status = 'assigned'",
    ),
    intakeAssignmentChanges: await one(
      'intake',
      'SELECT count(*) AS n FROM case_assignment_change',
    ),
    intakeStatusChanges: await one('intake', 'SELECT count(*) AS n FROM case_status_change'),
    intakeOutbox: await one('intake', 'SELECT count(*) AS n FROM outbox_event'),
    assignments: await one('assignment', 'SELECT count(*) AS n FROM assignment'),
    assignmentOutbox: await one('assignment', 'SELECT count(*) AS n FROM outbox_event'),
    reportingInbox: await one('reporting', 'SELECT count(*) AS n FROM inbox_message'),
  };
}

async function lagOf(group: string, topics: string[]): Promise<number> {
  const admin = kafkaClient().admin();
  await admin.connect();
  try {
    let lag = 0;
    for (const committed of await admin.fetchOffsets({ groupId: group, topics })) {
      const ends = await admin.fetchTopicOffsets(committed.topic);
      for (const end of ends) {
        const done = committed.partitions.find((p) => p.partition === end.partition);
        lag += Number(end.high) - Math.max(Number(done?.offset ?? -1), Number(end.low));
      }
    }
    return lag;
  } finally {
    await admin.disconnect();
  }
}

describe('Redelivery: replaying every topic from offset 0 into fresh consumers of the same groups', () => {
  let system: RunningSystem;

  beforeAll(async () => {
    system = await startSystem();
  });

  afterAll(() => stopSystem(system));

  it('leaves every count unchanged', async () => {
    const random = seededRandom(77);
    const bodies = Array.from({ length: 60 }, (_, i) =>
      makeCase(
        random,
        [{ hostCountry: 'RU', hostCity: 'Moscow' }, { hostCountry: 'KZ' }, { hostCountry: 'CL' }][
          i % 3
        ],
        i,
      ),
    );
    const ids = await submitCases(system.intake.url, bodies);
    await waitUntilAllAssigned(ids);
    const reportBefore = await waitForReportTotals(system.reporting.url, 60, 60);
    const before = await counts();

    for (const service of ['intake', 'assignment', 'reporting'] as const) {
      await system[service].stop();
      const admin = kafkaClient().admin();
      await admin.connect();
      // Offsets can only be reset once the stopped consumer has left its group.
      await waitFor(
        `${GROUPS[service].group} to have no members`,
        async () => {
          const { groups } = await admin.describeGroups([GROUPS[service].group]);
          return groups.every((g) => g.state === 'Empty' || g.state === 'Dead');
        },
        60_000,
        500,
      );
      for (const topic of GROUPS[service].topics) {
        await admin.resetOffsets({ groupId: GROUPS[service].group, topic, earliest: true });
      }
      await admin.disconnect();
      system[service] = await startServiceProcess(service);
    }
    for (const service of ['intake', 'assignment', 'reporting'] as const) {
      await waitFor(
        `${service} to re-read its topics`,
        async () => (await lagOf(GROUPS[service].group, GROUPS[service].topics)) === 0,
        120_000,
        500,
      );
    }
    // Let the relays publish anything a replay might (wrongly) have caused.
    await new Promise((r) => setTimeout(r, 2000));
    expect(await counts()).toEqual(before);
    const reportAfter = await fetchReport(system.reporting.url);
    expect(reportAfter.rows).toEqual(reportBefore.rows);
    expect(reportAfter.totals).toEqual(reportBefore.totals);
  });
});
