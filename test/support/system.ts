import { ASSIGNMENT_EVENTS_TOPIC, EventTypes } from '@casebridge/contracts';
import { disconnectTestProducer, readAll } from './kafka';
import { query, resetDatabase, resetTopics, ServiceName, waitFor } from './infra';
import { ServiceProcess, startServiceProcess } from './service-process';
import { bearer } from './tokens';

export interface RunningSystem {
  intake: ServiceProcess;
  assignment: ServiceProcess;
  reporting: ServiceProcess;
}

export const SERVICES: ServiceName[] = ['intake', 'assignment', 'reporting'];

/** Empty databases and topics, then the three services as separate processes. */
export async function startSystem(extraEnv: Record<string, string> = {}): Promise<RunningSystem> {
  await resetTopics();
  for (const service of SERVICES) await resetDatabase(service);
  const [intake, assignment, reporting] = await Promise.all(
    SERVICES.map((s) => startServiceProcess(s, extraEnv)),
  );
  return { intake, assignment, reporting };
}

export async function stopSystem(system: Partial<RunningSystem> | undefined): Promise<void> {
  await Promise.all(Object.values(system ?? {}).map((s) => s?.stop()));
  await disconnectTestProducer();
}

/** Waits until intake shows every case as assigned (status and consulate). */
export async function waitUntilAllAssigned(caseIds: string[], timeoutMs = 120_000): Promise<void> {
  await waitFor(
    `${caseIds.length} cases to be assigned in intake`,
    async () => {
      const [row] = await query<{ n: string }>(
        'intake',
        "SELECT count(*) AS n FROM case_file WHERE id = ANY($1::uuid[]) AND status = 'assigned' AND consulate_id IS NOT NULL",
        [caseIds],
      );
      return Number(row.n) === caseIds.length;
    },
    timeoutMs,
    500,
  );
}

export interface HostCountryRow {
  hostCountry: string;
  received: number;
  assigned: number;
  byCategory: Record<string, number>;
  [figure: string]: unknown;
}

export interface HostCountryReport {
  asOf: string | null;
  lagSeconds: number;
  rows: HostCountryRow[];
  totals: Omit<HostCountryRow, 'hostCountry'>;
}

export async function fetchReport(reportingUrl: string): Promise<HostCountryReport> {
  const res = await fetch(`${reportingUrl}/v1/reports/host-countries`, {
    headers: bearer('manager'),
  });
  if (res.status !== 200) throw new Error(`report: HTTP ${res.status} ${await res.text()}`);
  return (await res.json()) as HostCountryReport;
}

/**
 * Waits until the report counts `received` and `assigned` cases in total and has settled: the
 * status figures lag the assignment figures (a case's status becomes `assigned` only once intake
 * has consumed `case.assigned` and published the status change), so a report is settled when
 * exactly the cases not yet assigned are still `submitted`.
 */
export async function waitForReportTotals(
  reportingUrl: string,
  received: number,
  assigned: number,
  timeoutMs = 120_000,
): Promise<HostCountryReport> {
  return waitFor(
    `the report to count ${received} received and ${assigned} assigned, with statuses settled`,
    async () => {
      const report = await fetchReport(reportingUrl);
      const byStatus = report.totals.byStatus as Record<string, number> | undefined;
      return report.totals.received === received &&
        report.totals.assigned === assigned &&
        byStatus?.submitted === received - assigned
        ? report
        : undefined;
    },
    timeoutMs,
    500,
  );
}

/** Every case has one assignment row, one applied case.assigned in intake and in reporting. */
export async function expectAssignedExactlyOnce(ids: string[]): Promise<void> {
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
