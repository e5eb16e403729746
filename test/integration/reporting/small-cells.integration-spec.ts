import request from 'supertest';
import { Workbook } from 'exceljs';
import type { Admin } from 'kafkajs';
import { EventSources, EventTypes } from '@casebridge/contracts';
import { kafkaClient, resetDatabase, resetTopics } from '../../support/infra';
import { disconnectTestProducer, produceEvent } from '../../support/kafka';
import { ServiceProcess, startServiceProcess } from '../../support/service-process';
import { bearer } from '../../support/tokens';
import { waitUntilConsumed } from '../../support/read-model-probe';
import { disclosuresInDetail, disclosuresInList } from '../../support/disclosure-check';
import {
  COUNTRIES,
  eventsOf,
  expectedCountry,
  expectedReport,
  ExpectedFilters,
  random,
  ScriptedEvent,
  scriptedHistory,
  truthOf,
} from '../../support/scripted-history';
import type {
  HostCountryDetail,
  HostCountryReport,
} from '../../../apps/reporting/src/reports/dto/host-country-report.response';
import {
  HOST_COUNTRY_FIGURE_COLUMNS,
  totalsRow,
} from '../../../apps/reporting/src/reports/host-country-columns';
import {
  csvCell,
  HOST_COUNTRY_CSV_COLUMNS,
} from '../../../apps/reporting/src/reports/host-country-csv';
import {
  MERGED_ROW_KEY,
  publishHostCountryDetail,
  publishHostCountryReport,
} from '../../../apps/reporting/src/reports/small-cells';

/**
 * Small-cell suppression through HTTP, with the default minimum cell size (5), over a scripted
 * event log of 150 cases in six host countries: every answer (JSON, CSV, XLSX; the list and each
 * country, with and without filters) is what the suppression rule makes of the true figures,
 * shows no count between 1 and 4, and gives no suppressed figure away through the totals.
 */
const K = 5;
const REPORT = '/v1/reports/host-countries';
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const manager = bearer('manager');

const FILTERS: ExpectedFilters[] = [
  {},
  { category: 'unpaid_wages' },
  { consulateId: 'RU-MOW' },
  { from: '2026-02-01', to: '2026-02-20' },
  { category: 'forced_labour', from: '2026-01-20' },
];

function query(filters: ExpectedFilters): string {
  const params = new URLSearchParams(
    Object.entries(filters).filter(([, v]) => v !== undefined) as [string, string][],
  );
  return params.size ? `?${params.toString()}` : '';
}

const appliedFilters = (f: ExpectedFilters) => ({
  from: f.from ?? null,
  to: f.to ?? null,
  category: f.category ?? null,
  consulateId: f.consulateId ?? null,
});

/** Every count an answer publishes (not medians, rates, money or freshness). */
function countsIn(value: unknown, key = ''): number[] {
  if (typeof value === 'number')
    return /^(median|p90|resolutionRate|lagSeconds|amountClaimed$|amountRecovered$)/.test(key)
      ? []
      : [value];
  if (value === null || typeof value !== 'object' || key === 'suppression') return [];
  if (['amountClaimed', 'amountRecovered'].includes(key)) return [];
  return Object.entries(value).flatMap(([k, v]) => countsIn(v, Array.isArray(value) ? key : k));
}

const small = (n: number) => n >= 1 && n < K;

describe('small-cell suppression of the reports over the real event log', () => {
  const next = random(20260601);
  const history = scriptedHistory(20260601, 150, new Date('2026-01-05T00:00:00Z'), 60);
  const truths = history.map(truthOf);
  const events: ScriptedEvent[] = history
    .flatMap((c) => eventsOf(c, next))
    .sort((a, b) => a.at.getTime() - b.at.getTime());
  let service: ServiceProcess;
  let admin: Admin;

  beforeAll(async () => {
    await resetTopics();
    await resetDatabase('reporting');
    admin = kafkaClient().admin();
    await admin.connect();
    // No REPORT_MIN_CELL_SIZE: the default applies.
    service = await startServiceProcess('reporting');
    for (const e of events) {
      const source =
        e.type === EventTypes.CaseAssigned || e.type === EventTypes.CaseSlaBreached
          ? EventSources.assignment
          : EventSources.intake;
      await produceEvent(e.type, e.data, { id: e.id, source });
    }
    await waitUntilConsumed(admin);
  });

  afterAll(async () => {
    await service?.stop();
    await admin?.disconnect();
    await disconnectTestProducer();
  });

  async function list(f: ExpectedFilters): Promise<HostCountryReport> {
    return (
      await request(service.url)
        .get(`${REPORT}${query(f)}`)
        .set(manager)
        .expect(200)
    ).body as HostCountryReport;
  }

  it('publishes the list, with and without filters, as the rule makes of the true figures, with nothing to work out', async () => {
    let merged = 0;
    let suppressed = 0;
    for (const f of FILTERS) {
      const body = await list(f);
      const truth = expectedReport(truths, f);
      const expected = publishHostCountryReport(
        {
          asOf: body.asOf,
          lagSeconds: body.lagSeconds,
          filters: appliedFilters(f),
          ...truth,
        } as unknown as HostCountryReport,
        K,
      );
      expect({ filters: f, body }).toEqual({ filters: f, body: expected });
      expect({ filters: f, disclosures: disclosuresInList(body, K) }).toEqual({
        filters: f,
        disclosures: [],
      });
      expect({ filters: f, small: countsIn(body).filter(small) }).toEqual({
        filters: f,
        small: [],
      });
      // The rows add up to the true totals: nothing can be differenced out of them.
      const total = truth.totals.received;
      if (total >= K) {
        expect(body.totals.received).toBe(total);
        expect(body.rows.reduce((s, r) => s + r.received, 0)).toBe(total);
      } else {
        expect(body.rows).toEqual([]);
      }
      expect(body.suppression?.minCellSize).toBe(K);
      merged += body.rows.filter((r) => r.hostCountry === MERGED_ROW_KEY).length;
      suppressed += body.suppression?.suppressedCells ?? 0;
    }
    // The filters do make small cells and small host countries (else this test proves nothing).
    expect(merged).toBeGreaterThan(0);
    expect(suppressed).toBeGreaterThan(0);
  });

  it("publishes each country's detail (cities, consulates, months) with filters, with nothing to work out", async () => {
    let merged = 0;
    for (const country of COUNTRIES) {
      for (const f of FILTERS) {
        const res = await request(service.url)
          .get(`${REPORT}/${country.code}${query(f)}`)
          .set(manager)
          .expect(200);
        const body = res.body as HostCountryDetail;
        const expected = publishHostCountryDetail(
          {
            asOf: body.asOf,
            lagSeconds: body.lagSeconds,
            filters: appliedFilters(f),
            ...expectedCountry(truths, country.code, f),
          },
          K,
        );
        const where = { country: country.code, filters: f };
        expect({ ...where, body }).toEqual({ ...where, body: expected });
        expect({ ...where, disclosures: disclosuresInDetail(body, K) }).toEqual({
          ...where,
          disclosures: [],
        });
        expect({ ...where, small: countsIn(body).filter(small) }).toEqual({ ...where, small: [] });
        merged += body.suppression?.mergedRows.length ?? 0;
      }
    }
    expect(merged).toBeGreaterThan(0);
  });

  it('writes the CSV and the XLSX from the published figures: empty cells where suppressed, the TOTAL true', async () => {
    for (const f of [FILTERS[0], FILTERS[1]]) {
      const json = await list(f);
      const lines = [...json.rows, totalsRow(json.totals)];

      const csv = await request(service.url)
        .get(`${REPORT}${query(f)}`)
        .set({ ...manager, Accept: 'text/csv' })
        .expect(200);
      const [header, ...rows] = csv.text
        .split('\r\n')
        .slice(0, -1)
        .map((l) => l.split(','));
      const names = HOST_COUNTRY_CSV_COLUMNS.map((c) => c.name);
      expect(header.slice(0, names.length)).toEqual(names);
      expect(rows).toHaveLength(lines.length);
      rows.forEach((cells, i) => {
        HOST_COUNTRY_CSV_COLUMNS.forEach((column, j) => {
          // Money cells hold `; ` and so may be quoted; the rest are plain.
          const expected = csvCell(column.value(lines[i]));
          expect([column.name, cells[j]]).toEqual([column.name, expected]);
        });
        for (const column of HOST_COUNTRY_FIGURE_COLUMNS.filter((c) => c.kind === 'count')) {
          const text = cells[names.indexOf(column.name)];
          if (text !== '') expect([column.name, small(Number(text))]).toEqual([column.name, false]);
        }
      });
      expect(rows.at(-1)![1]).toBe(String(expectedReport(truths, f).totals.received));

      const res = await fetch(`${service.url}${REPORT}${query(f)}`, {
        headers: { ...manager, Accept: XLSX },
      });
      expect(res.status).toBe(200);
      const workbook = new Workbook();
      await workbook.xlsx.load(await res.arrayBuffer());
      const sheet = workbook.getWorksheet('Host countries')!;
      const sheetHeader = (sheet.getRow(1).values as unknown[]).slice(1) as string[];
      expect(sheet.rowCount).toBe(lines.length + 1);
      lines.forEach((line, i) => {
        const row = sheet.getRow(i + 2);
        sheetHeader.forEach((name, j) => {
          const money = /^amount_(claimed|recovered)_([A-Z]{3})$/.exec(name);
          const figure = HOST_COUNTRY_FIGURE_COLUMNS.find((c) => c.name === name);
          const expected = money
            ? (line[money[1] === 'claimed' ? 'amountClaimed' : 'amountRecovered'][money[2]] ?? null)
            : (figure?.value(line) ?? null);
          expect([name, row.getCell(j + 1).value ?? null]).toEqual([name, expected]);
        });
      });
      const report = workbook.getWorksheet('Report')!;
      const entries = Object.fromEntries(
        report.getSheetValues().flatMap((r) => (Array.isArray(r) ? [[r[1], r[2] ?? null]] : [])),
      ) as Record<string, unknown>;
      expect(entries).toMatchObject({
        min_cell_size: K,
        suppressed_cells: json.suppression?.suppressedCells,
      });
    }
  });
});
