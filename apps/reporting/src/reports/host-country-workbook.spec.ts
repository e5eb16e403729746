import { Workbook, ValueType, Worksheet } from 'exceljs';
import { buildFigures } from './report-figures';
import type { ExportRow, HostCountryExport } from './host-country-columns';
import { HOST_COUNTRY_CSV_COLUMNS } from './host-country-csv';
import { hostCountryWorkbook } from './host-country-workbook';

function figures(sums: [string, string][], hoursToFirstAction: number | null = null) {
  return {
    ...buildFigures(new Map(sums)),
    medianHoursToAssignment: 2,
    medianHoursToFirstAction: hoursToFirstAction,
    medianDaysToResolution: 2,
  };
}

const RU: ExportRow = {
  hostCountry: 'RU',
  ...figures([
    ['received', '3'],
    ['status:resolved', '1'],
    ['category:unpaid_wages', '2'],
    ['claimed:RUB', '1000.5'],
    ['claimed:EUR', '20'],
    ['recovered:RUB', '400'],
  ]),
};
const KZ: ExportRow = {
  hostCountry: 'KZ',
  ...figures([
    ['received', '1'],
    ['status:closed', '1'],
    ['claimed:KZT', '5000'],
  ]),
};

const REPORT: HostCountryExport = {
  asOf: '2026-03-01T10:15:00.000Z',
  lagSeconds: 12,
  filters: { from: '2026-01-01', to: null, category: 'unpaid_wages', consulateId: null },
  rows: [RU, KZ],
  totals: figures(
    [
      ['received', '4'],
      ['status:resolved', '1'],
      ['status:closed', '1'],
      ['category:unpaid_wages', '2'],
      ['claimed:RUB', '1000.5'],
      ['claimed:EUR', '20'],
      ['claimed:KZT', '5000'],
      ['recovered:RUB', '400'],
    ],
    1.5,
  ),
};

async function load(report: HostCountryExport): Promise<Workbook> {
  const bytes = await hostCountryWorkbook(report);
  const workbook = new Workbook();
  // A copy as a plain ArrayBuffer, the type exceljs declares for load().
  await workbook.xlsx.load(new Uint8Array(bytes).buffer);
  return workbook;
}

function sheetOf(workbook: Workbook, name: string): Worksheet {
  const sheet = workbook.getWorksheet(name);
  if (!sheet) throw new Error(`no sheet ${name}`);
  return sheet;
}

/** The sheet as records keyed by the header row's names (cells as exceljs read them back). */
function records(sheet: Worksheet): Record<string, unknown>[] {
  const header = (sheet.getRow(1).values as unknown[]).slice(1) as string[];
  const out: Record<string, unknown>[] = [];
  for (let r = 2; r <= sheet.rowCount; r++) {
    const row = sheet.getRow(r);
    out.push(Object.fromEntries(header.map((name, i) => [name, row.getCell(i + 1).value])));
  }
  return out;
}

/** The value a column documented in docs/reporting.md stands for in a JSON row. */
function documentedValue(row: ExportRow, column: string): unknown {
  const maps: [string, keyof ExportRow][] = [
    ['status_', 'byStatus'],
    ['category_', 'byCategory'],
    ['priority_', 'byPriority'],
    ['risk_', 'riskIndicators'],
    ['sla_breaches_', 'slaBreachesByStage'],
    ['outcome_', 'outcomes'],
    ['amount_claimed_', 'amountClaimed'],
    ['amount_recovered_', 'amountRecovered'],
  ];
  for (const [prefix, field] of maps) {
    if (column.startsWith(prefix))
      return (row[field] as Record<string, number>)[column.slice(prefix.length)] ?? null;
  }
  return row[column.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase()) as keyof ExportRow];
}

describe('host-country XLSX workbook', () => {
  it('has a figures sheet and a report sheet', async () => {
    const workbook = await load(REPORT);
    expect(workbook.worksheets.map((s) => s.name)).toEqual(['Host countries', 'Report']);
  });

  it('has the CSV columns, then one numeric money column per currency, under a frozen header', async () => {
    const sheet = sheetOf(await load(REPORT), 'Host countries');
    const header = (sheet.getRow(1).values as unknown[]).slice(1);
    const figureColumns = HOST_COUNTRY_CSV_COLUMNS.map((c) => c.name).slice(0, -2);
    expect(header).toEqual([
      ...figureColumns,
      'amount_claimed_EUR',
      'amount_claimed_KZT',
      'amount_claimed_RUB',
      'amount_recovered_RUB',
    ]);
    expect(sheet.getRow(1).font?.bold).toBe(true);
    expect(sheet.views).toEqual([
      expect.objectContaining({ state: 'frozen', xSplit: 1, ySplit: 1 }),
    ]);
  });

  it('holds one row per host country, then a TOTAL row equal to the report totals', async () => {
    const sheet = sheetOf(await load(REPORT), 'Host countries');
    const rows = records(sheet);
    expect(rows.map((r) => r.host_country)).toEqual(['RU', 'KZ', 'TOTAL']);
    const expected = [RU, KZ, { hostCountry: 'TOTAL', ...REPORT.totals }];
    rows.forEach((cells, i) => {
      for (const [column, value] of Object.entries(cells))
        expect([column, value]).toEqual([column, documentedValue(expected[i], column)]);
    });
    expect(rows[2]).toMatchObject({
      received: 4,
      resolved: 1,
      closed: 1,
      resolution_rate: 0.5,
      median_hours_to_assignment: 2,
      median_hours_to_first_action: 1.5,
      median_days_to_resolution: 2,
      category_unpaid_wages: 2,
      amount_claimed_EUR: 20,
      amount_claimed_KZT: 5000,
      amount_claimed_RUB: 1000.5,
      amount_recovered_RUB: 400,
    });
    expect(sheet.getRow(4).font?.bold).toBe(true);
  });

  it('types every figure as a number, leaves unknowns empty, and formats but never rounds', async () => {
    const sheet = sheetOf(await load(REPORT), 'Host countries');
    const header = (sheet.getRow(1).values as unknown[]).slice(1) as string[];
    const cell = (row: number, name: string) => sheet.getRow(row).getCell(header.indexOf(name) + 1);
    for (let r = 2; r <= 4; r++) {
      header.forEach((name, i) => {
        const { type } = sheet.getRow(r).getCell(i + 1);
        if (name === 'host_country') expect(type).toBe(ValueType.String);
        else
          expect([name, [ValueType.Number, ValueType.Null].includes(type)]).toEqual([name, true]);
      });
    }
    expect(cell(2, 'median_hours_to_first_action').type).toBe(ValueType.Null);
    expect(cell(3, 'amount_claimed_RUB').type).toBe(ValueType.Null);
    expect(cell(2, 'resolution_rate').value).toBe(0.3333);
    expect(cell(2, 'resolution_rate').numFmt).toBe('0.00%');
    expect(cell(2, 'amount_claimed_RUB').numFmt).toBe('#,##0.00');
    expect(cell(2, 'median_days_to_resolution').numFmt).toBe('0.00');
    expect(cell(2, 'received').numFmt).toBe('0');
  });

  it('states the freshness and the applied filters on the report sheet', async () => {
    const sheet = sheetOf(await load(REPORT), 'Report');
    const entries = Object.fromEntries(
      records(sheet).map((r) => [r.field as string, r.value ?? null]),
    );
    expect(entries).toEqual({
      as_of: '2026-03-01T10:15:00.000Z',
      lag_seconds: 12,
      from: '2026-01-01',
      to: null,
      category: 'unpaid_wages',
      consulate_id: null,
      min_cell_size: null,
      suppressed_cells: null,
      merged_rows: null,
    });
    const unknown = sheetOf(await load({ ...REPORT, asOf: null, lagSeconds: null }), 'Report');
    expect(unknown.getRow(2).getCell(2).type).toBe(ValueType.Null);
    expect(unknown.getRow(3).getCell(2).type).toBe(ValueType.Null);
  });

  it('has only the TOTAL row for a report without cases, and no money columns', async () => {
    const empty: HostCountryExport = { ...REPORT, rows: [], totals: figures([]) };
    const sheet = sheetOf(await load(empty), 'Host countries');
    const rows = records(sheet);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ host_country: 'TOTAL', received: 0, resolution_rate: null });
    expect(Object.keys(rows[0]).some((name) => name.startsWith('amount_'))).toBe(false);
  });

  it('leaves a suppressed figure empty and says on the report sheet what was suppressed', async () => {
    const suppressed: HostCountryExport = {
      ...REPORT,
      rows: [
        { ...RU, byStatus: { ...RU.byStatus, resolved: null }, resolved: null },
        { ...KZ, hostCountry: '(other)', amountClaimed: { RUB: null } },
      ],
      suppression: {
        minCellSize: 5,
        suppressedCells: 3,
        allSuppressed: false,
        mergedRows: [{ field: 'hostCountry', key: '(other)', groups: 2 }],
      },
    };
    const workbook = await load(suppressed);
    const rows = records(sheetOf(workbook, 'Host countries'));
    expect(rows.map((r) => r.host_country)).toEqual(['RU', '(other)', 'TOTAL']);
    expect(rows[0]).toMatchObject({ resolved: null, status_resolved: null });
    expect(rows[1]).toMatchObject({ amount_claimed_RUB: null });
    const entries = Object.fromEntries(
      records(sheetOf(workbook, 'Report')).map((r) => [r.field as string, r.value ?? null]),
    );
    expect(entries).toMatchObject({
      min_cell_size: 5,
      suppressed_cells: 3,
      merged_rows: '(other): 2 hostCountry',
    });
  });

  it('writes text as text, never as a formula', async () => {
    const hostile: HostCountryExport = { ...REPORT, rows: [{ ...RU, hostCountry: '=1+2' }] };
    const cell = sheetOf(await load(hostile), 'Host countries')
      .getRow(2)
      .getCell(1);
    expect(cell.type).toBe(ValueType.String);
    expect(cell.value).toBe('=1+2');
  });
});
