import request from 'supertest';
import { ValueType, Workbook } from 'exceljs';
import type { Admin } from 'kafkajs';
import { EventSources, EventTypes } from '@casebridge/contracts';
import { kafkaClient, query, resetDatabase, resetTopics } from '../../support/infra';
import { disconnectTestProducer, produceEvent } from '../../support/kafka';
import { ServiceProcess, startServiceProcess } from '../../support/service-process';
import { bearer } from '../../support/tokens';
import { waitUntilConsumed } from '../../support/read-model-probe';
import { DURATION_ESTIMATE_FACTOR } from '../../../apps/reporting/src/read-model/durations';
import {
  CaseTruth,
  COUNTRIES,
  eventsOf,
  expectedCountry,
  expectedReport,
  ExpectedFilters,
  PATHS,
  random,
  ScriptedEvent,
  scriptedHistory,
  truthOf,
} from '../../support/scripted-history';

const REPORT = '/v1/reports/host-countries';
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const manager = bearer('manager');

async function produce(events: ScriptedEvent[]): Promise<void> {
  for (const e of events) {
    const source =
      e.type === EventTypes.CaseAssigned || e.type === EventTypes.CaseSlaBreached
        ? EventSources.assignment
        : EventSources.intake;
    await produceEvent(e.type, e.data, { id: e.id, source });
  }
}

function shuffled<T>(items: T[], next: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

function query_(filters: ExpectedFilters): string {
  const params = new URLSearchParams(
    Object.entries(filters).filter(([, v]) => v !== undefined) as [string, string][],
  );
  return params.size ? `?${params.toString()}` : '';
}

/** The JSON value a CSV column stands for, derived from the column's documented name. */
function jsonCell(row: Record<string, unknown>, column: string): string {
  const maps: [string, string][] = [
    ['status_', 'byStatus'],
    ['category_', 'byCategory'],
    ['priority_', 'byPriority'],
    ['risk_', 'riskIndicators'],
    ['sla_breaches_', 'slaBreachesByStage'],
    ['outcome_', 'outcomes'],
  ];
  if (column === 'amount_claimed' || column === 'amount_recovered') {
    const amounts = row[
      column === 'amount_claimed' ? 'amountClaimed' : 'amountRecovered'
    ] as Record<string, number>;
    return Object.keys(amounts)
      .sort()
      .map((c) => `${c} ${amounts[c].toFixed(2)}`)
      .join('; ');
  }
  for (const [prefix, field] of maps) {
    if (column.startsWith(prefix))
      return String((row[field] as Record<string, number>)[column.slice(prefix.length)]);
  }
  const value = row[column.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase())] as
    string | number | null;
  return value === null ? '' : String(value);
}

/**
 * The typed value an XLSX column stands for, derived from its documented name: the CSV's columns
 * as numbers, `amount_claimed_<CUR>`/`amount_recovered_<CUR>` per currency, empty (null) where
 * the JSON has null or lacks the currency.
 */
function jsonValue(row: Record<string, unknown>, column: string): unknown {
  const money = /^amount_(claimed|recovered)_([A-Z]{3})$/.exec(column);
  if (money) {
    const amounts = row[money[1] === 'claimed' ? 'amountClaimed' : 'amountRecovered'] as Record<
      string,
      number
    >;
    return amounts[money[2]] ?? null;
  }
  const text = jsonCell(row, column);
  return column === 'host_country' ? text : text === '' ? null : Number(text);
}

async function workbookOf(res: Response): Promise<Workbook> {
  const workbook = new Workbook();
  await workbook.xlsx.load(await res.arrayBuffer());
  return workbook;
}

function sheetRecords(workbook: Workbook, name: string, numericAfterFirst = true) {
  const sheet = workbook.getWorksheet(name);
  if (!sheet) throw new Error(`no sheet ${name}`);
  const header = (sheet.getRow(1).values as unknown[]).slice(1) as string[];
  const rows: Record<string, unknown>[] = [];
  for (let r = 2; r <= sheet.rowCount; r++) {
    const row = sheet.getRow(r);
    header.forEach((_, i) => {
      const { type } = row.getCell(i + 1);
      // Figures are numeric cells (or empty), never numbers written as text.
      if (numericAfterFirst && i > 0) expect([ValueType.Number, ValueType.Null]).toContain(type);
    });
    rows.push(Object.fromEntries(header.map((column, i) => [column, row.getCell(i + 1).value])));
  }
  return { header, rows };
}

function reportEntries(workbook: Workbook): Record<string, unknown> {
  const { rows } = sheetRecords(workbook, 'Report', false);
  return Object.fromEntries(rows.map((r) => [r.field as string, r.value ?? null]));
}

describe('host-country reports over the real event log', () => {
  const next = random(20260301);
  const historyA = scriptedHistory(20260301, 72, new Date('2026-01-05T00:00:00Z'), 100);
  const truthsA: CaseTruth[] = historyA.map(truthOf);
  const eventsA = historyA
    .flatMap((c) => eventsOf(c, next))
    .sort((a, b) => a.at.getTime() - b.at.getTime());
  let service: ServiceProcess;
  let admin: Admin;
  let startedAt: number;

  beforeAll(async () => {
    await resetTopics();
    await resetDatabase('reporting');
    admin = kafkaClient().admin();
    await admin.connect();
    // Every figure exactly as the history says: small-cell suppression off on purpose (it has
    // its own test, small-cells.integration-spec.ts).
    service = await startServiceProcess('reporting', { REPORT_MIN_CELL_SIZE: '1' });
    startedAt = Date.now();
    await produce(eventsA);
    await waitUntilConsumed(admin);
  });

  afterAll(async () => {
    await service?.stop();
    await admin?.disconnect();
    await disconnectTestProducer();
  });

  it('scripts every lifecycle path in every host country', () => {
    for (const country of COUNTRIES) {
      expect(
        new Set(historyA.filter((c) => c.hostCountry === country.code).map((c) => c.path)),
      ).toEqual(new Set(PATHS));
    }
    const currencies = historyA.flatMap((c) => [
      c.amountClaimed?.currency,
      ...c.steps.map((s) =>
        s.kind === 'status' ? s.outcome?.amountRecovered?.currency : undefined,
      ),
    ]);
    expect(new Set(currencies.filter((c) => c !== undefined))).toEqual(
      new Set(['RUB', 'KZT', 'KRW', 'TRY', 'EUR', 'PLN', 'USD']),
    );
  });

  it('counts every figure of every host country, and the totals, as the history says', async () => {
    const res = await request(service.url).get(REPORT).set(manager).expect(200);
    const expected = expectedReport(truthsA);
    expect(res.body.rows.map((r: { hostCountry: string }) => r.hostCountry)).toEqual(
      expected.rows.map((r) => r.hostCountry),
    );
    for (const row of expected.rows) {
      expect(
        res.body.rows.find((r: { hostCountry: string }) => r.hostCountry === row.hostCountry),
      ).toEqual(row);
    }
    expect(res.body.totals).toEqual(expected.totals);
    expect(res.body.monthly).toEqual(expected.monthly);
    expect(res.body.filters).toEqual({ from: null, to: null, category: null, consulateId: null });
  });

  it('says how fresh the figures are', async () => {
    // The consumer lag is measured every 10 s, each broker call bounded by 3 s.
    const deadline = Date.now() + 45_000;
    let body: { asOf: string; lagSeconds: number | null };
    do {
      body = (await request(service.url).get(REPORT).set(manager).expect(200)).body;
      if (body.lagSeconds === 0) break;
      await new Promise((r) => setTimeout(r, 500));
    } while (Date.now() < deadline);
    expect(body.lagSeconds).toBe(0);
    expect(new Date(body.asOf).getTime()).toBeGreaterThanOrEqual(startedAt - 1000);
    expect(new Date(body.asOf).getTime()).toBeLessThanOrEqual(Date.now());
  });

  /**
   * `read` between two JSON reads of the report whose freshness agrees, so that what `read`
   * returned carries that freshness too: lagSeconds follows the consumer-lag gauge (refreshed
   * every 10 s) and the clock, so two reads can differ by a second or by a refresh.
   */
  async function withSettledFreshness<T>(
    read: () => Promise<T>,
  ): Promise<{ json: request.Response['body']; result: T }> {
    for (let attempt = 1; ; attempt++) {
      const before = (await request(service.url).get(REPORT).set(manager).expect(200)).body as {
        asOf: string | null;
        lagSeconds: number | null;
      };
      const result = await read();
      const after = (await request(service.url).get(REPORT).set(manager).expect(200)).body;
      if (before.asOf === after.asOf && before.lagSeconds === after.lagSeconds)
        return { json: after, result };
      if (attempt >= 20) throw new Error('the freshness of the report did not settle');
      await new Promise((r) => setTimeout(r, 500));
    }
  }

  it('serves the same rows as CSV, one line per host country, then TOTAL, with documented columns', async () => {
    const { json, result: res } = await withSettledFreshness(() =>
      request(service.url).get(REPORT).set(manager).set('Accept', 'text/csv').expect(200),
    );
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toMatch(
      /^attachment; filename="casebridge-host-countries-\d{4}-\d{2}-\d{2}\.csv"$/,
    );
    const lines = res.text.split('\r\n');
    expect(lines.pop()).toBe('');
    const [header, ...rows] = lines.map((l) => l.split(','));
    expect(header).toHaveLength(71);
    expect(header.slice(-2)).toEqual(['as_of', 'lag_seconds']);
    const figureColumns = header.slice(0, -2);
    const expected = [...json.rows, { ...json.totals, hostCountry: 'TOTAL' }];
    expect(rows).toHaveLength(json.rows.length + 1);
    rows.forEach((cells, i) => {
      figureColumns.forEach((column, j) =>
        expect([column, cells[j]]).toEqual([column, jsonCell(expected[i], column)]),
      );
      expect(cells.slice(-2)).toEqual([json.asOf, String(json.lagSeconds)]);
    });
  });

  it('serves the same figures as an XLSX workbook, typed, with a TOTAL row and the freshness', async () => {
    const csv = await request(service.url).get(REPORT).set(manager).set('Accept', 'text/csv');
    const csvFigureColumns = csv.text.split('\r\n')[0].split(',').slice(0, -2);
    const { json, result: workbook } = await withSettledFreshness(async () => {
      const res = await fetch(`${service.url}${REPORT}`, {
        headers: { ...manager, Accept: XLSX },
      });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe(XLSX);
      expect(res.headers.get('content-disposition')).toMatch(
        /^attachment; filename="casebridge-host-countries-\d{4}-\d{2}-\d{2}\.xlsx"$/,
      );
      return workbookOf(res);
    });
    expect(workbook.worksheets.map((s) => s.name)).toEqual(['Host countries', 'Report']);
    const { header, rows } = sheetRecords(workbook, 'Host countries');
    // The CSV's columns, but money as one numeric column per currency that occurs.
    const claimed = Object.keys(json.totals.amountClaimed).sort();
    const recovered = Object.keys(json.totals.amountRecovered).sort();
    expect(claimed.length).toBeGreaterThan(1);
    expect(header).toEqual([
      ...csvFigureColumns.filter((c) => !c.startsWith('amount_')),
      ...claimed.map((c) => `amount_claimed_${c}`),
      ...recovered.map((c) => `amount_recovered_${c}`),
    ]);
    const expected = [...json.rows, { ...json.totals, hostCountry: 'TOTAL' }];
    expect(rows).toHaveLength(expected.length);
    rows.forEach((cells, i) => {
      for (const column of header)
        expect([column, cells[column]]).toEqual([column, jsonValue(expected[i], column)]);
    });
    expect(reportEntries(workbook)).toEqual({
      as_of: json.asOf,
      lag_seconds: json.lagSeconds,
      from: null,
      to: null,
      category: null,
      consulate_id: null,
      min_cell_size: 1,
      suppressed_cells: 0,
      merged_rows: null,
    });
  });

  it('serves a filtered XLSX with the same figures as the filtered JSON, and the filters', async () => {
    const filters: ExpectedFilters = { from: '2026-02-01', category: 'unpaid_wages' };
    const json = (
      await request(service.url)
        .get(`${REPORT}${query_(filters)}`)
        .set(manager)
        .expect(200)
    ).body;
    expect(json.rows.length).toBeGreaterThan(0);
    const res = await fetch(`${service.url}${REPORT}${query_(filters)}`, {
      headers: { ...manager, Accept: `text/csv;q=0.5, ${XLSX}` },
    });
    expect(res.headers.get('content-type')).toBe(XLSX);
    const workbook = await workbookOf(res);
    const { header, rows } = sheetRecords(workbook, 'Host countries');
    const expected = [...json.rows, { ...json.totals, hostCountry: 'TOTAL' }];
    expect(rows.map((r) => r.host_country)).toEqual(expected.map((r) => r.hostCountry));
    rows.forEach((cells, i) => {
      for (const column of header)
        expect([column, cells[column]]).toEqual([column, jsonValue(expected[i], column)]);
    });
    expect(reportEntries(workbook)).toMatchObject({
      from: '2026-02-01',
      to: null,
      category: 'unpaid_wages',
      consulate_id: null,
    });
  });

  it('shows each host country with a monthly series and breakdowns by city and consulate', async () => {
    for (const { code } of COUNTRIES) {
      const res = await request(service.url)
        .get(`${REPORT}/${code.toLowerCase()}`)
        .set(manager)
        .expect(200);
      const expected = expectedCountry(truthsA, code);
      expect(res.body.country).toEqual(expected.country);
      expect(res.body.monthly).toEqual(expected.monthly);
      expect(res.body.byCity).toEqual(expected.byCity);
      expect(res.body.byConsulate).toEqual(expected.byConsulate);
    }
  });

  it('answers a host country without cases with zeros', async () => {
    const res = await request(service.url).get(`${REPORT}/JP`).set(manager).expect(200);
    expect(res.body.country).toMatchObject({
      hostCountry: 'JP',
      received: 0,
      resolutionRate: null,
    });
    expect(res.body.byCity).toEqual([]);
  });

  it.each<ExpectedFilters>([
    { from: '2026-02-01', to: '2026-03-15' },
    // Inside one month: only daily rows, no rollup.
    { from: '2026-02-03', to: '2026-02-20' },
    { from: '2026-03-01' },
    { to: '2026-01-31' },
    { category: 'unpaid_wages' },
    { consulateId: 'RU-MOW' },
    { consulateId: 'HQ', from: '2026-01-20' },
  ])('filters by submission period, category and current consulate: %j', async (filters) => {
    const res = await request(service.url)
      .get(`${REPORT}${query_(filters)}`)
      .set(manager)
      .expect(200);
    const expected = expectedReport(truthsA, filters);
    expect(res.body.rows).toEqual(expected.rows);
    expect(res.body.totals).toEqual(expected.totals);
    expect(res.body.monthly).toEqual(expected.monthly);
    const detail = await request(service.url)
      .get(`${REPORT}/RU${query_(filters)}`)
      .set(manager)
      .expect(200);
    const expectedRu = expectedCountry(truthsA, 'RU', filters);
    expect(detail.body.country).toEqual(expectedRu.country);
    expect(detail.body.byConsulate).toEqual(expectedRu.byConsulate);
  });

  it('answers any date range, split into whole months and edge days, as the history says', async () => {
    // Ranges of every shape: inside a day, a month, across month and year ends, open at either
    // end, beginning on the 1st or ending on the last of a month, beyond the data.
    const day = (t: number) => new Date(t).toISOString().slice(0, 10);
    const first = Date.UTC(2025, 11, 20);
    const pickDay = () => day(first + Math.floor(next() * 150) * 86_400_000);
    const ranges: ExpectedFilters[] = [
      { from: '2026-01-01', to: '2026-01-31' },
      { from: '2026-01-31', to: '2026-02-01' },
      { from: '2025-12-31', to: '2026-03-01' },
      { from: '2026-02-28', to: '2026-02-28' },
      { from: '2026-03-01' },
      { to: '2026-01-31' },
      { from: '2020-01-01', to: '2030-12-31' },
    ];
    for (let i = 0; i < 12; i++) {
      const [a, b] = [pickDay(), pickDay()].sort();
      ranges.push(i % 4 === 0 ? { from: a } : i % 4 === 1 ? { to: b } : { from: a, to: b });
    }
    // Every projection: no filter, the category, the consulate, both (the list groups by
    // country, the detail by city and by consulate), so every kind of day row is read, and the
    // daily buckets where no day row is kept (city, category and consulate together); last,
    // ranges that hold no whole month filtered by category and consulate together, read from the
    // daily buckets alone, monthly series included.
    const cases: ExpectedFilters[] = [
      ...ranges.map((range, i) => ({
        ...range,
        ...(i % 3 === 0 ? { category: 'unpaid_wages' as const } : {}),
        ...(i % 4 === 1 ? { consulateId: 'KZ-ALA' } : {}),
      })),
      ...[
        { from: '2026-01-10', to: '2026-02-20' },
        { from: '2026-02-03', to: '2026-02-17' },
      ].map((range) => ({ ...range, category: 'unpaid_wages' as const, consulateId: 'KZ-ALA' })),
    ];
    for (const filters of cases) {
      const list = (
        await request(service.url)
          .get(`${REPORT}${query_(filters)}`)
          .set(manager)
          .expect(200)
      ).body as Record<string, unknown>;
      const expected = expectedReport(truthsA, filters);
      expect([filters, list.rows, list.totals, list.monthly]).toEqual([
        filters,
        expected.rows,
        expected.totals,
        expected.monthly,
      ]);
      const detail = (
        await request(service.url)
          .get(`${REPORT}/KZ${query_(filters)}`)
          .set(manager)
          .expect(200)
      ).body as Record<string, unknown>;
      const expectedKz = expectedCountry(truthsA, 'KZ', filters);
      expect([filters, detail.country, detail.monthly, detail.byCity, detail.byConsulate]).toEqual([
        filters,
        expectedKz.country,
        expectedKz.monthly,
        expectedKz.byCity,
        expectedKz.byConsulate,
      ]);
    }
  });

  it('is changed neither by events arriving out of order across topics nor by duplicates', async () => {
    const before = (
      await request(service.url).get(`${REPORT}?from=2026-01-01`).set(manager).expect(200)
    ).body;
    // Asked before history B: the service keeps the rollup rows these answers read, parsed, and
    // B's events rewrite them (the all-time rows): the answers after must read them anew.
    const listBefore = (await request(service.url).get(REPORT).set(manager).expect(200)).body;
    const kzBefore = (await request(service.url).get(`${REPORT}/KZ`).set(manager).expect(200)).body;
    expect(listBefore.totals).toEqual(expectedReport(truthsA).totals);
    expect(kzBefore.country).toEqual(expectedCountry(truthsA, 'KZ', {}).country);
    const historyB = scriptedHistory(7, 48, new Date('2025-06-01T00:00:00Z'), 60);
    const truthsB = historyB.map(truthOf);
    const eventsB = historyB.flatMap((c) => eventsOf(c, next));
    expect(historyB.some((c) => c.hostCountry === 'KZ')).toBe(true);
    // Each case's events in a random order: assignments and status changes before the submission…
    await produce(shuffled(eventsB, next));
    // …and every event of both histories delivered again.
    await produce(shuffled([...eventsA, ...eventsB], next));
    await waitUntilConsumed(admin);

    const [{ applied }] = await query<{ applied: string }>(
      'reporting',
      'SELECT events_applied AS applied FROM reporting_state',
    );
    expect(Number(applied)).toBe(eventsA.length + eventsB.length);
    const after = (
      await request(service.url).get(`${REPORT}?from=2026-01-01`).set(manager).expect(200)
    ).body;
    expect({ ...after, asOf: null, lagSeconds: null }).toEqual({
      ...before,
      asOf: null,
      lagSeconds: null,
    });
    const onlyB = { from: '2025-06-01', to: '2025-12-31' };
    const resB = (
      await request(service.url)
        .get(`${REPORT}${query_(onlyB)}`)
        .set(manager)
        .expect(200)
    ).body;
    expect(resB.rows).toEqual(expectedReport(truthsB, onlyB).rows);
    expect(resB.totals).toEqual(expectedReport(truthsB, onlyB).totals);
    const all = (await request(service.url).get(REPORT).set(manager).expect(200)).body;
    const expectedAll = expectedReport([...truthsA, ...truthsB]);
    expect(all.rows).toEqual(expectedAll.rows);
    expect(all.totals).toEqual(expectedAll.totals);
    expect(all.monthly).toEqual(expectedAll.monthly);
    expect(all.totals.received).toBeGreaterThan(listBefore.totals.received);
    const kz = (await request(service.url).get(`${REPORT}/KZ`).set(manager).expect(200)).body;
    const expectedKz = expectedCountry([...truthsA, ...truthsB], 'KZ', {});
    expect([kz.country, kz.monthly, kz.byCity, kz.byConsulate]).toEqual([
      expectedKz.country,
      expectedKz.monthly,
      expectedKz.byCity,
      expectedKz.byConsulate,
    ]);
  });

  it.each<ExpectedFilters>([
    {},
    { from: '2026-01-10', to: '2026-03-20' },
    { from: '2025-07-01', to: '2026-02-28' },
    { category: 'unpaid_wages' },
    { consulateId: 'RU-MOW', from: '2026-01-15' },
  ])(
    'estimates medians and p90 within the stated bound of the exact values over the facts: %j',
    async (filters) => {
      // After the out-of-order and duplicate delivery above: every end state, both histories.
      const exact = async (group: string, code: string | null, p: number) => {
        // The cases reports count: a confirmed duplicate counts nowhere.
        const conditions = ['submitted_at IS NOT NULL', 'duplicate_of IS NULL'];
        const params: unknown[] = [];
        const bind = (v: unknown) => {
          params.push(v);
          return `$${params.length}`;
        };
        if (code) conditions.push(`host_country = ${bind(code)}`);
        const utc = (day: string) => `(${bind(day)}::date)::timestamp AT TIME ZONE 'UTC'`;
        if (filters.from) conditions.push(`submitted_at >= ${utc(filters.from)}`);
        if (filters.to) conditions.push(`submitted_at < ${utc(filters.to)} + interval '1 day'`);
        if (filters.category) conditions.push(`category = ${bind(filters.category)}`);
        if (filters.consulateId) conditions.push(`consulate_id = ${bind(filters.consulateId)}`);
        const pct = (end: string) =>
          `percentile_cont(${p}) WITHIN GROUP (ORDER BY extract(epoch FROM ${end} - submitted_at)) FILTER (WHERE ${end} IS NOT NULL)`;
        const rows = await query<Record<string, string | number | null>>(
          'reporting',
          `SELECT ${group} AS grp, ${pct('first_assigned_at')} AS assignment,
             ${pct('first_action_at')} AS first_action, ${pct('resolved_at')} AS resolution
           FROM case_fact WHERE ${conditions.join(' AND ')} GROUP BY GROUPING SETS ((${group}), ())`,
          params,
        );
        return rows;
      };
      const checked: string[] = [];
      const compare = (
        label: string,
        shown: Record<string, unknown>,
        truth: Record<string, string | number | null> | undefined,
        p: 'median' | 'p90',
      ) => {
        const pairs: [string, string, number][] = [
          [`${p}HoursToAssignment`, 'assignment', 3600],
          [`${p}HoursToFirstAction`, 'first_action', 3600],
          [`${p}DaysToResolution`, 'resolution', 86_400],
        ];
        for (const [field, column, unit] of pairs) {
          const x = truth?.[column] === null || truth === undefined ? null : Number(truth[column]);
          const estimate = shown[field] as number | null;
          if (x === null) {
            expect([label, field, estimate]).toEqual([label, field, null]);
            continue;
          }
          // est ∈ [x/√1.05 − ½ s, x·√1.05 + ½ s], shown rounded to two decimals of its unit.
          const low = (x / DURATION_ESTIMATE_FACTOR - 0.5) / unit - 0.005 - 1e-9;
          const high = (x * DURATION_ESTIMATE_FACTOR + 0.5) / unit + 0.005 + 1e-9;
          if (estimate === null || estimate < low || estimate > high) {
            throw new Error(
              `${label} ${field}: ${estimate} outside [${low}, ${high}] (exact ${x / unit})`,
            );
          }
          checked.push(`${label} ${field}`);
        }
      };
      const list = (
        await request(service.url)
          .get(`${REPORT}${query_(filters)}`)
          .set(manager)
          .expect(200)
      ).body as { rows: Record<string, unknown>[]; totals: Record<string, unknown> };
      for (const p of ['median', 'p90'] as const) {
        const truth = await exact('host_country', null, p === 'median' ? 0.5 : 0.9);
        compare(
          'totals',
          list.totals,
          truth.find((t) => t.grp === null),
          p,
        );
        expect(list.rows.length).toBe(truth.length - 1);
        for (const row of list.rows) {
          compare(
            String(row.hostCountry),
            row,
            truth.find((t) => t.grp === row.hostCountry),
            p,
          );
        }
        const detail = (
          await request(service.url)
            .get(`${REPORT}/RU${query_(filters)}`)
            .set(manager)
            .expect(200)
        ).body as { byCity: Record<string, unknown>[]; byConsulate: Record<string, unknown>[] };
        const byCity = await exact("coalesce(host_city, '')", 'RU', p === 'median' ? 0.5 : 0.9);
        for (const row of detail.byCity) {
          const key = (row.hostCity as string | null) ?? '';
          compare(
            `RU/${key}`,
            row,
            byCity.find((t) => t.grp === key),
            p,
          );
        }
        const byConsulate = await exact(
          "coalesce(consulate_id, '')",
          'RU',
          p === 'median' ? 0.5 : 0.9,
        );
        for (const row of detail.byConsulate) {
          const key = (row.consulateId as string | null) ?? '';
          compare(
            `RU@${key}`,
            row,
            byConsulate.find((t) => t.grp === key),
            p,
          );
        }
      }
      expect(checked.length).toBeGreaterThan(12);
    },
  );

  it('lets managers and admins read reports, and refuses every other role', async () => {
    for (const role of ['manager', 'admin'] as const) {
      await request(service.url).get(REPORT).set(bearer(role)).expect(200);
      await request(service.url).get(`${REPORT}/RU`).set(bearer(role)).expect(200);
    }
    for (const [role, consulate] of [
      ['intake_officer'],
      ['caseworker', 'RU-MOW'],
      ['consul', 'RU-MOW'],
      ['integration'],
    ] as const) {
      for (const path of [REPORT, `${REPORT}/RU`]) {
        const res = await request(service.url).get(path).set(bearer(role, consulate)).expect(403);
        expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      }
    }
    await request(service.url).get(REPORT).expect(401);
    await request(service.url).get(REPORT).set('Authorization', 'Bearer not-a-token').expect(401);
  });

  it.each([
    [`${REPORT}?from=2026-02-30`, 'from'],
    [`${REPORT}?to=yesterday`, 'to'],
    [`${REPORT}?category=wage_theft`, 'category'],
    [`${REPORT}?consulateId=ru-mow`, 'consulateId'],
    [`${REPORT}?country=RU`, 'country'],
    [`${REPORT}?from=2026-03-01&to=2026-02-01`, 'to'],
    [`${REPORT}/XX`, 'code'],
    [`${REPORT}/RUS`, 'code'],
    [`${REPORT}/RU?category=nope`, 'category'],
  ])('rejects %s with problem+json naming %s', async (path, field) => {
    const res = await request(service.url).get(path).set(manager).expect(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
  });

  it('refuses formats it does not offer', async () => {
    await request(service.url)
      .get(REPORT)
      .set(manager)
      .set('Accept', 'application/xml')
      .expect(406);
    await request(service.url)
      .get(`${REPORT}/RU`)
      .set(manager)
      .set('Accept', 'text/csv')
      .expect(406);
    for (const [path, accept] of [
      [REPORT, 'application/vnd.ms-excel'],
      [REPORT, `${XLSX};q=0`],
      [`${REPORT}/RU`, XLSX],
    ]) {
      const res = await request(service.url).get(path).set(manager).set('Accept', accept);
      expect([path, accept, res.status]).toEqual([path, accept, 406]);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body).toMatchObject({ status: 406, code: 'not_acceptable' });
    }
  });

  it('keeps no personal data: no column could hold a name, document, contact or free text', async () => {
    const columns = await query<{ column_name: string }>(
      'reporting',
      "SELECT column_name FROM information_schema.columns WHERE table_schema = 'public' AND table_name <> 'typeorm_migrations'",
    );
    const names = columns.map((c) => c.column_name);
    expect(names).toContain('case_id');
    for (const name of names) {
      expect(name).not.toMatch(
        /name|passport|phone|email|birth|address|description|note|complainant|employer|reference/,
      );
    }
  });

  it('serves the dashboard shell without a token, with a strict content security policy', async () => {
    const page = await request(service.url).get('/dashboard').expect(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.headers['content-security-policy']).toContain("default-src 'none'");
    expect(page.text).toContain('<script src="/dashboard/dashboard.js"></script>');
    const script = await request(service.url).get('/dashboard/dashboard.js').expect(200);
    expect(script.headers['content-type']).toBe('text/javascript; charset=utf-8');
    await request(service.url).get('/dashboard/dashboard.css').expect(200);
  });
});
