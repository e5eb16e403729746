import {
  ASSIGNMENT_EVENTS_TOPIC,
  CASE_EVENTS_TOPIC,
  CloudEventHeaders,
  EventSources,
  EventTypes,
} from '@casebridge/contracts';
import { decodeEvent } from '@casebridge/messaging';
import { CaseBody, Destination, makeCase, seededRandom, submitCases } from '../support/cases';
import { query } from '../support/infra';
import { readAll } from '../support/kafka';
import {
  RunningSystem,
  startSystem,
  stopSystem,
  waitForReportTotals,
  waitUntilAllAssigned,
} from '../support/system';

interface ConsulateRow {
  id: string;
  host_country: string;
  cities: string[];
  is_default_for_country: boolean;
  active: boolean;
}

/** The office SPEC.md's routing rule names, derived here independently of the service's code. */
function expectedConsulate(directory: ConsulateRow[], d: Destination): string {
  const inCountry = directory.filter((c) => c.active && c.host_country === d.hostCountry);
  const city = d.hostCity?.toLowerCase();
  const byCity = city
    ? inCountry.find((c) => c.cities.some((x) => x.toLowerCase() === city))
    : undefined;
  return byCity?.id ?? inCountry.find((c) => c.is_default_for_country)?.id ?? 'HQ';
}

const DESTINATIONS: Destination[] = [
  { hostCountry: 'RU', hostCity: 'Moscow' },
  { hostCountry: 'RU', hostCity: 'Saint Petersburg' },
  { hostCountry: 'RU', hostCity: 'Tula' },
  { hostCountry: 'KZ', hostCity: 'Almaty' },
  { hostCountry: 'KZ' },
  { hostCountry: 'KR', hostCity: 'Seoul' },
  { hostCountry: 'TR', hostCity: 'Istanbul' },
  { hostCountry: 'DE', hostCity: 'Berlin' },
  { hostCountry: 'BR', hostCity: 'São Paulo' },
];

describe('Walking skeleton: a complaint travels intake → assignment → intake and reporting', () => {
  let system: RunningSystem;
  let bodies: CaseBody[];
  let ids: string[];

  beforeAll(async () => {
    // Exact per-host-country figures, small ones included: small-cell suppression off on purpose
    // (it has its own test, test/integration/reporting/small-cells.integration-spec.ts).
    system = await startSystem({ REPORT_MIN_CELL_SIZE: '1' });
    const random = seededRandom(2026);
    bodies = Array.from({ length: 200 }, (_, i) =>
      makeCase(random, DESTINATIONS[i % DESTINATIONS.length], i),
    );
    ids = await submitCases(system.intake.url, bodies);
  });

  afterAll(() => stopSystem(system));

  it('assigns every one of 200 cases over 6 host countries to the office the routing rule names (HQ where none)', async () => {
    await waitUntilAllAssigned(ids);
    const directory = await query<ConsulateRow>(
      'assignment',
      'SELECT id, host_country, cities, is_default_for_country, active FROM consulate',
    );
    const rows = await query<{ id: string; consulate_id: string }>(
      'intake',
      'SELECT id, consulate_id FROM case_file WHERE id = ANY($1::uuid[])',
      [ids],
    );
    const held = new Map(rows.map((r) => [r.id, r.consulate_id]));
    const mismatches = bodies
      .map((body, i) => ({
        i,
        expected: expectedConsulate(directory, body),
        actual: held.get(ids[i]),
      }))
      .filter((m) => m.expected !== m.actual);
    expect(mismatches).toEqual([]);
    expect(new Set(bodies.map((b) => b.hostCountry)).size).toBeGreaterThanOrEqual(5);
    expect([...held.values()]).toContain('HQ');
  });

  it('reports per host country exactly what was submitted', async () => {
    const report = await waitForReportTotals(system.reporting.url, 200, 200);
    const expected = new Map<string, { received: number; byCategory: Record<string, number> }>();
    for (const body of bodies) {
      const row = expected.get(body.hostCountry) ?? { received: 0, byCategory: {} };
      row.received += 1;
      row.byCategory[body.category] = (row.byCategory[body.category] ?? 0) + 1;
      expected.set(body.hostCountry, row);
    }
    expect(report.asOf).toEqual(expect.any(String));
    expect(report.rows.map((r) => r.hostCountry).sort()).toEqual([...expected.keys()].sort());
    for (const row of report.rows) {
      const want = expected.get(row.hostCountry)!;
      expect({ country: row.hostCountry, received: row.received, assigned: row.assigned }).toEqual({
        country: row.hostCountry,
        received: want.received,
        assigned: want.received,
      });
      const byCategory = Object.fromEntries(
        Object.entries(row.byCategory).filter(([, n]) => n > 0),
      );
      expect(byCategory).toEqual(want.byCategory);
    }
  });

  it("keeps none of the complainants' names, passports, phones, e-mails or descriptions anywhere in reporting's tables", async () => {
    await waitForReportTotals(system.reporting.url, 200, 200);
    const tables = await query<{ table_name: string }>(
      'reporting',
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name",
    );
    expect(tables.map((t) => t.table_name)).toContain('case_fact');
    const contents: string[] = [];
    for (const { table_name } of tables) {
      const rows = await query<{ row: string }>(
        'reporting',
        `SELECT row_to_json(t)::text AS row FROM "${table_name}" t`,
      );
      contents.push(...rows.map((r) => r.row));
    }
    const everything = contents.join('\n');
    // The scan reads what reporting keeps about these cases (else it would prove nothing).
    for (const id of ids) expect(everything).toContain(id);
    const leaks = bodies.flatMap((body) =>
      [
        body.complainant.fullName,
        body.complainant.passportNumber,
        body.complainant.phone,
        body.complainant.email,
        body.description,
      ].filter((secret) => everything.includes(secret)),
    );
    expect(leaks).toEqual([]);
  });

  it('publishes only schema-valid CloudEvents keyed by case id, carrying the request correlation id and no personal data', async () => {
    const caseEvents = await readAll(CASE_EVENTS_TOPIC);
    const assignmentEvents = await readAll(ASSIGNMENT_EVENTS_TOPIC);
    const all = [...caseEvents, ...assignmentEvents];
    const decoded = all.map((m) => ({
      message: m,
      event: decodeEvent({
        key: Buffer.from(m.key ?? ''),
        value: Buffer.from(m.value ?? ''),
        headers: m.headers,
      }),
    }));
    const submitted = decoded.filter((d) => d.event.type === EventTypes.CaseSubmitted);
    const assigned = decoded.filter((d) => d.event.type === EventTypes.CaseAssigned);
    expect(new Set(submitted.map((d) => d.event.subject)).size).toBe(200);
    expect(new Set(assigned.map((d) => d.event.subject)).size).toBe(200);
    for (const { message, event } of decoded) {
      expect(message.key).toBe(event.subject);
      expect(message.headers[CloudEventHeaders.contentType]).toBe('application/json');
      expect(message.headers[CloudEventHeaders.traceparent]).toMatch(
        /^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/,
      );
    }
    expect(submitted.every((d) => d.event.source === EventSources.intake)).toBe(true);
    expect(assigned.every((d) => d.event.source === EventSources.assignment)).toBe(true);
    // The assignment a submission causes carries the submission's correlation id.
    const correlationOf = new Map(submitted.map((d) => [d.event.subject, d.event.correlationId]));
    for (const d of assigned)
      expect(d.event.correlationId).toBe(correlationOf.get(d.event.subject));

    const everything = all.map((m) => `${m.value} ${JSON.stringify(m.headers)}`).join('\n');
    for (const body of bodies) {
      for (const secret of [
        body.complainant.fullName,
        body.complainant.passportNumber,
        body.complainant.phone,
        body.complainant.email,
        body.description,
        body.employer.address,
      ]) {
        expect(everything).not.toContain(secret);
      }
    }
  });

  it('serves health, Prometheus metrics and an OpenAPI document on every service', async () => {
    const expectedPaths: Record<string, string[]> = {
      intake: [
        '/v1/cases',
        '/v1/cases/{id}',
        '/v1/cases/{id}/transitions',
        '/v1/cases/{id}/notes',
        '/v1/cases/{id}/history',
      ],
      assignment: [
        '/v1/consulates',
        '/v1/consulates/{id}/caseworkers',
        '/v1/assignments',
        '/v1/assignments/{caseId}',
        '/v1/escalations',
      ],
      reporting: ['/v1/reports/host-countries', '/v1/reports/host-countries/{code}'],
    };
    for (const service of ['intake', 'assignment', 'reporting'] as const) {
      const { url } = system[service];
      expect((await fetch(`${url}/health/live`)).status).toBe(200);
      const ready = (await (await fetch(`${url}/health/ready`)).json()) as {
        status: string;
        info: Record<string, { status: string }>;
      };
      expect(ready).toMatchObject({
        status: 'ok',
        info: { database: { status: 'up' }, broker: { status: 'up' } },
      });
      const docs = (await (await fetch(`${url}/docs/openapi.json`)).json()) as {
        paths: Record<string, unknown>;
      };
      expect(Object.keys(docs.paths)).toEqual(expect.arrayContaining(expectedPaths[service]));
      expect((await fetch(`${url}/docs`)).status).toBe(200);
      const metrics = await (await fetch(`${url}/metrics`)).text();
      // Recorded, not merely registered: requests were served and events applied.
      expect(metrics).toMatch(/^casebridge_http_request_duration_seconds_count\{[^}]*\} [1-9]/m);
      expect(metrics).toMatch(
        /^casebridge_events_consumed_total\{[^}]*outcome="applied"[^}]*\} [1-9]/m,
      );
      // Every service consumes, and measures its lag from the moment its consumer runs.
      expect(metrics).toMatch(/^casebridge_consumer_lag\{[^}]*group="casebridge-[^}]*\} \d+$/m);
      // Registered for dashboards (the poison-message suite checks dead letters are counted).
      expect(metrics).toContain('# TYPE casebridge_dead_letters_total counter');
    }
    const intakeMetrics = await (await fetch(`${system.intake.url}/metrics`)).text();
    expect(intakeMetrics).toMatch(
      /casebridge_events_published_total\{[^}]*type="casebridge.case.submitted.v1"[^}]*\} 200/,
    );
    expect(intakeMetrics).toContain('casebridge_outbox_backlog');
  });
});
