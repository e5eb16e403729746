import { ASSIGNMENT_EVENTS_TOPIC, EventTypes } from '@casebridge/contracts';
import { makeCase, seededRandom, submitCases } from './support/cases';
import { query } from './support/infra';
import { readAll } from './support/kafka';
import { startServiceProcess } from './support/service-process';
import {
  RunningSystem,
  startSystem,
  stopSystem,
  waitForReportTotals,
  waitUntilAllAssigned,
} from './support/system';

const COUNTRIES = [
  { hostCountry: 'RU', hostCity: 'Moscow' },
  { hostCountry: 'KZ', hostCity: 'Almaty' },
  { hostCountry: 'KR' },
  { hostCountry: 'TR', hostCity: 'Istanbul' },
  { hostCountry: 'DE' },
  { hostCountry: 'AR' },
];

/** Every case has one assignment row, one applied case.assigned in intake and in reporting. */
async function expectAssignedExactlyOnce(ids: string[]): Promise<void> {
  const [assignments] = await query<{ rows: string; cases: string }>(
    'assignment',
    'SELECT count(*) AS rows, count(DISTINCT case_id) AS cases FROM assignment WHERE case_id = ANY($1::uuid[])',
    [ids],
  );
  expect({ rows: Number(assignments.rows), cases: Number(assignments.cases) }).toEqual({
    rows: ids.length,
    cases: ids.length,
  });

  const events = (await readAll(ASSIGNMENT_EVENTS_TOPIC)).filter(
    (m) => m.headers.ce_type === EventTypes.CaseAssigned,
  );
  const eventIdsPerCase = new Map<string, Set<string>>();
  for (const m of events)
    eventIdsPerCase.set(m.key!, (eventIdsPerCase.get(m.key!) ?? new Set()).add(m.headers.ce_id));
  expect(eventIdsPerCase.size).toBe(ids.length);
  expect([...eventIdsPerCase.values()].filter((s) => s.size !== 1)).toEqual([]);

  const [intake] = await query<{ n: string; cases: string }>(
    'intake',
    'SELECT count(*) AS n, count(DISTINCT case_id) AS cases FROM case_assignment_change WHERE case_id = ANY($1::uuid[])',
    [ids],
  );
  expect({ n: Number(intake.n), cases: Number(intake.cases) }).toEqual({
    n: ids.length,
    cases: ids.length,
  });
  const [applied] = await query<{ n: string }>(
    'reporting',
    `SELECT count(*) AS n FROM inbox_message WHERE event_type = '${EventTypes.CaseAssigned}'`,
  );
  expect(Number(applied.n)).toBe(ids.length);
}

describe.each(['assignment', 'reporting'] as const)(
  'Crash: kill -9 of the %s service while 1,000 cases stream in',
  (victim) => {
    let system: RunningSystem;

    beforeAll(async () => {
      system = await startSystem();
    });

    afterAll(() => stopSystem(system));

    it('loses nothing and applies nothing twice after a restart', async () => {
      const random = seededRandom(victim === 'assignment' ? 1 : 2);
      const bodies = Array.from({ length: 1000 }, (_, i) =>
        makeCase(random, COUNTRIES[i % COUNTRIES.length], i),
      );
      const submitting = submitCases(system.intake.url, bodies, 10);

      // Kill once the victim is visibly busy, then bring it back while submissions continue.
      const busyTable = victim === 'assignment' ? 'assignment' : 'inbox_message';
      for (;;) {
        const [row] = await query<{ n: string }>(victim, `SELECT count(*) AS n FROM ${busyTable}`);
        if (Number(row.n) >= 150) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      await system[victim].kill();
      await new Promise((r) => setTimeout(r, 1500));
      system[victim] = await startServiceProcess(victim);

      const ids = await submitting;
      await waitUntilAllAssigned(ids, 240_000);
      const report = await waitForReportTotals(system.reporting.url, 1000, 1000, 240_000);
      const perCountry = Object.fromEntries(report.rows.map((r) => [r.hostCountry, r.received]));
      const expected: Record<string, number> = {};
      for (const b of bodies) expected[b.hostCountry] = (expected[b.hostCountry] ?? 0) + 1;
      expect(perCountry).toEqual(expected);
      await expectAssignedExactlyOnce(ids);
    }, 600_000); // above the helpers' own 240 s waits, so a slow run fails with their message
  },
);
