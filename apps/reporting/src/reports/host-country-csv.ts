import {
  ExportRow,
  HOST_COUNTRY_FIGURE_COLUMNS,
  HostCountryExport,
  totalsRow,
} from './host-country-columns';

type Cell = string | number | null;

interface CsvColumn {
  name: string;
  value: (row: ExportRow) => Cell;
}

/**
 * What a money cell says for an amount suppressed as a small cell: `CUR suppressed`, so the
 * cell still says that the currency occurs (as the JSON's null does).
 */
export const SUPPRESSED_AMOUNT = 'suppressed';

function moneyCell(amounts: Record<string, number | null>): string {
  return Object.keys(amounts)
    .sort()
    .map((currency) => {
      const amount = amounts[currency];
      return `${currency} ${amount === null ? SUPPRESSED_AMOUNT : amount.toFixed(2)}`;
    })
    .join('; ');
}

/**
 * The figure columns of a CSV line, in order. Stable: the shared figure columns, then money as
 * `CUR amount; CUR amount` (currencies vary, so they share one column each). A suppressed figure
 * is an empty cell, a suppressed amount `CUR suppressed`.
 */
export const HOST_COUNTRY_CSV_COLUMNS: readonly CsvColumn[] = [
  ...HOST_COUNTRY_FIGURE_COLUMNS,
  { name: 'amount_claimed', value: (r) => moneyCell(r.amountClaimed) },
  { name: 'amount_recovered', value: (r) => moneyCell(r.amountRecovered) },
];

/**
 * The report's freshness, the same on every line, after the figure columns: a file kept after
 * the download still says how fresh it was, and every line has as many cells (RFC 4180), which a
 * comment line or trailer would break for strict parsers.
 */
export const CSV_FRESHNESS_COLUMNS = ['as_of', 'lag_seconds'] as const;

/** RFC 4180 quoting; text that a spreadsheet would run as a formula is defused with a quote. */
export function csvCell(value: Cell): string {
  if (value === null) return '';
  if (typeof value === 'number') return String(value);
  const text = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * One header line, one line per host country, then one line with `host_country` TOTAL carrying
 * the report's totals; CRLF line ends (RFC 4180).
 */
export function hostCountryCsv(report: HostCountryExport): string {
  const freshness = [report.asOf, report.lagSeconds].map(csvCell);
  const line = (row: ExportRow) =>
    [...HOST_COUNTRY_CSV_COLUMNS.map((c) => csvCell(c.value(row))), ...freshness].join(',');
  const lines = [
    [...HOST_COUNTRY_CSV_COLUMNS.map((c) => c.name), ...CSV_FRESHNESS_COLUMNS].join(','),
  ];
  for (const row of report.rows) lines.push(line(row));
  lines.push(line(totalsRow(report.totals)));
  return `${lines.join('\r\n')}\r\n`;
}
