import { makeCase, seededRandom, submitCases } from '../support/cases';
import { query } from '../support/infra';
import { startServiceProcess } from '../support/service-process';
import {
  expectAssignedExactlyOnce,
  RunningSystem,
  startSystem,
  stopSystem,
  waitForReportTotals,
  waitUntilAllAssigned,
} from '../support/system';

const COUNTRIES = [
  { hostCountry: 'RU', hostCity: 'Moscow' },
  { hostCountry: 'KZ', hostCity: 'Almaty' },
  { hostCountry: 'KR' },
  { hostCountry: 'TR', hostCity: 'Istanbul' },
  { hostCountry: 'DE' },
  { hostCountry: 'AR' },
];

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
