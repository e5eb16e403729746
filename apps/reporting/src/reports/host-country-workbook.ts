import { Workbook } from 'exceljs';
import {
  ExportRow,
  FigureKind,
  HOST_COUNTRY_FIGURE_COLUMNS,
  HostCountryExport,
  totalsRow,
} from './host-country-columns';

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
export const FIGURES_SHEET = 'Host countries';
export const REPORT_SHEET = 'Report';

type ColumnKind = FigureKind | 'money';

interface SheetColumn {
  name: string;
  kind: ColumnKind;
  value: (row: ExportRow) => string | number | null;
}

/** Display formats only: every figure is stored as the number the JSON report holds. */
const NUMBER_FORMATS: Record<ColumnKind, string | undefined> = {
  code: undefined,
  count: '0',
  decimal: '0.00',
  rate: '0.00%',
  money: '#,##0.00',
};

/** The currencies of a money map across rows (and totals), sorted. */
function currenciesOf(
  rows: readonly ExportRow[],
  amounts: (row: ExportRow) => Record<string, number | null>,
): string[] {
  return [...new Set(rows.flatMap((r) => Object.keys(amounts(r))))].sort();
}

/**
 * The CSV's figure columns, then money as numbers: one column per currency that occurs in the
 * report, `amount_claimed_<CUR>` then `amount_recovered_<CUR>`, each sorted by currency; empty
 * where a row has no amount in that currency (as the JSON map lacks it).
 */
function sheetColumns(report: HostCountryExport): SheetColumn[] {
  const all = [...report.rows, totalsRow(report.totals)];
  const money = (prefix: string, amounts: (row: ExportRow) => Record<string, number | null>) =>
    currenciesOf(all, amounts).map((currency): SheetColumn => ({
      name: `${prefix}_${currency}`,
      kind: 'money',
      value: (r) => amounts(r)[currency] ?? null,
    }));
  return [
    ...HOST_COUNTRY_FIGURE_COLUMNS,
    ...money('amount_claimed', (r) => r.amountClaimed),
    ...money('amount_recovered', (r) => r.amountRecovered),
  ];
}

function addFiguresSheet(workbook: Workbook, report: HostCountryExport): void {
  const sheet = workbook.addWorksheet(FIGURES_SHEET, {
    views: [{ state: 'frozen', xSplit: 1, ySplit: 1 }],
  });
  const columns = sheetColumns(report);
  sheet.columns = columns.map((c) => ({ key: c.name, width: Math.max(10, c.name.length + 2) }));
  const header = sheet.addRow(columns.map((c) => c.name));
  header.font = { bold: true };
  const addFigures = (row: ExportRow) => {
    const added = sheet.addRow(columns.map((c) => c.value(row)));
    columns.forEach((c, i) => {
      const format = NUMBER_FORMATS[c.kind];
      if (format !== undefined) added.getCell(i + 1).numFmt = format;
    });
    return added;
  };
  for (const row of report.rows) addFigures(row);
  addFigures(totalsRow(report.totals)).font = { bold: true };
}

/** `(other): 2 hostCountry; …`, or null when no rows were merged. */
function mergedRows(report: HostCountryExport): string | null {
  const merged = report.suppression?.mergedRows ?? [];
  return merged.length ? merged.map((m) => `${m.key}: ${m.groups} ${m.field}`).join('; ') : null;
}

/** Freshness, the applied filters and the suppression, one `field | value` row each; empty where null. */
function addReportSheet(workbook: Workbook, report: HostCountryExport): void {
  const sheet = workbook.addWorksheet(REPORT_SHEET, {
    views: [{ state: 'frozen', ySplit: 1 }],
  });
  sheet.columns = [{ width: 16 }, { width: 28 }];
  sheet.addRow(['field', 'value']).font = { bold: true };
  const entries: [string, string | number | null][] = [
    ['as_of', report.asOf],
    ['lag_seconds', report.lagSeconds],
    ['from', report.filters.from],
    ['to', report.filters.to],
    ['category', report.filters.category],
    ['consulate_id', report.filters.consulateId],
    // Small-cell suppression: an empty figure cell is suppressed (docs/reporting.md).
    ['min_cell_size', report.suppression?.minCellSize ?? null],
    ['suppressed_cells', report.suppression?.suppressedCells ?? null],
    ['merged_rows', mergedRows(report)],
  ];
  for (const entry of entries) sheet.addRow(entry);
}

/**
 * The report as an XLSX workbook: sheet "Host countries" (a frozen header row, one row per host
 * country, then a TOTAL row; typed numeric cells) and sheet "Report" (asOf, lagSeconds and the
 * filters). Text cells are written as text, never as formulas.
 */
export async function hostCountryWorkbook(report: HostCountryExport): Promise<Buffer> {
  const workbook = new Workbook();
  workbook.creator = 'Casebridge';
  addFiguresSheet(workbook, report);
  addReportSheet(workbook, report);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
