import { randomUUID } from 'node:crypto';
import {
  ASSIGNMENT_EVENTS_TOPIC,
  CaseAssignedV1,
  CaseSubmittedV1,
  EventTypes,
} from '@casebridge/contracts';
import { decodeEvent } from '@casebridge/messaging';
import { ASSIGNMENT_CONSUMER_GROUP } from '../../../apps/assignment/src/assignments/case-events.consumer';
import {
  kafkaClient,
  query,
  resetDatabase,
  resetTopics,
  waitFor,
  freePort,
} from '../../support/infra';
import { disconnectTestProducer, produceEvent, readAll } from '../../support/kafka';
import { ServiceProcess, startServiceProcess } from '../../support/service-process';

const DESTINATIONS = [
  { hostCountry: 'RU', hostCity: 'Moscow' },
  { hostCountry: 'RU', hostCity: 'Kazan' },
  { hostCountry: 'KZ', hostCity: 'Shymkent' },
  { hostCountry: 'KR', hostCity: 'Busan' },
  { hostCountry: 'TR', hostCity: 'Istanbul' },
  { hostCountry: 'BR', hostCity: 'Rio de Janeiro' },
];
const LANGUAGES = ['uz', 'ru', 'uz', 'kk', 'tg', 'ko'];

function submitted(i: number): CaseSubmittedV1 {
  return {
    caseId: randomUUID(),
    reference: `CB-2026-${String(i + 1).padStart(6, '0')}`,
    ...DESTINATIONS[i % DESTINATIONS.length],
    category: 'unpaid_wages',
    priority: 'normal',
    riskIndicators: [],
    channel: 'hotline',
    preferredLanguage: LANGUAGES[i % LANGUAGES.length],
    submittedAt: new Date().toISOString(),
  };
}

async function groupMembers(): Promise<number> {
  const admin = kafkaClient().admin();
  await admin.connect();
  try {
    const { groups } = await admin.describeGroups([ASSIGNMENT_CONSUMER_GROUP]);
    return groups[0]?.state === 'Stable' ? groups[0].members.length : 0;
  } finally {
    await admin.disconnect();
  }
}

describe('Two assignment instances in one consumer group', () => {
  const instances: ServiceProcess[] = [];

  beforeAll(async () => {
    await resetTopics();
    await resetDatabase('assignment');
    instances.push(await startServiceProcess('assignment', {}, await freePort()));
    instances.push(await startServiceProcess('assignment', {}, await freePort()));
    await waitFor(
      'both instances to join the consumer group',
      async () => (await groupMembers()) === 2,
      60_000,
      500,
    );
  });

  afterAll(async () => {
    await Promise.all(instances.map((s) => s.stop()));
    await disconnectTestProducer();
  });

  it('assign every case exactly once, also when one instance is killed mid-stream, and never exceed capacity', async () => {
    // Small capacities, so that both instances compete for the last free places of an office.
    await query('assignment', 'UPDATE caseworker SET max_open_cases = 12');
    const cases = Array.from({ length: 600 }, (_, i) => submitted(i));
    const ids = cases.map((c) => c.caseId);
    for (const c of cases.slice(0, 300)) await produceEvent(EventTypes.CaseSubmitted, c);
    await waitFor('some cases to be routed', async () => {
      const [row] = await query<{ n: string }>(
        'assignment',
        'SELECT count(*) AS n FROM assignment',
      );
      return Number(row.n) >= 50;
    });
    await instances[1].kill();
    for (const c of cases.slice(300)) await produceEvent(EventTypes.CaseSubmitted, c);

    await waitFor(
      'all 600 cases to be routed',
      async () => {
        const [row] = await query<{ n: string }>(
          'assignment',
          'SELECT count(*) AS n FROM assignment WHERE case_id = ANY($1::uuid[])',
          [ids],
        );
        return row.n === '600';
      },
      120_000,
      500,
    );
    const [history] = await query<{ n: string; cases: string }>(
      'assignment',
      'SELECT count(*) AS n, count(DISTINCT case_id) AS cases FROM assignment_history WHERE case_id = ANY($1::uuid[])',
      [ids],
    );
    expect(history).toEqual({ n: '600', cases: '600' });

    const workload = await query<{
      id: string;
      open_cases: number;
      max_open_cases: number;
      held: string;
    }>(
      'assignment',
      `SELECT c.id, c.open_cases, c.max_open_cases, (SELECT count(*) FROM assignment a WHERE a.caseworker_id = c.id) AS held
       FROM caseworker c`,
    );
    for (const w of workload) {
      expect({ id: w.id, open: w.open_cases }).toEqual({ id: w.id, open: Number(w.held) });
      expect(w.open_cases).toBeLessThanOrEqual(w.max_open_cases);
    }

    await waitFor('the outbox to be published', async () => {
      const [row] = await query<{ n: string }>(
        'assignment',
        'SELECT count(*) AS n FROM outbox_event WHERE published_at IS NULL',
      );
      return row.n === '0';
    });
    const wanted = new Set(ids);
    const assigned = (await readAll(ASSIGNMENT_EVENTS_TOPIC))
      .map((m) =>
        decodeEvent({
          key: Buffer.from(m.key ?? ''),
          value: Buffer.from(m.value ?? ''),
          headers: m.headers,
        }),
      )
      .filter((e) => e.type === EventTypes.CaseAssigned && wanted.has(e.subject));
    // One case.assigned per case (a relay crash may republish an event, under the same id).
    const eventIdsPerCase = new Map<string, Set<string>>();
    for (const e of assigned)
      eventIdsPerCase.set(e.subject, (eventIdsPerCase.get(e.subject) ?? new Set()).add(e.id));
    expect(eventIdsPerCase.size).toBe(600);
    expect([...eventIdsPerCase.values()].every((s) => s.size === 1)).toBe(true);
    expect(assigned.every((e) => (e.data as CaseAssignedV1).sequence === 1)).toBe(true);
  });
});
