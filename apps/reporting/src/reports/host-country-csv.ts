import {
  CASE_CATEGORIES,
  CASE_STATUSES,
  OUTCOME_TYPES,
  PRIORITIES,
  RISK_INDICATORS,
  SLA_STAGES,
} from '@casebridge/contracts';
import type { HostCountryRow } from './dto/host-country-report.response';

type Cell = string | number | null;

interface CsvColumn {
  name: string;
  value: (row: HostCountryRow) => Cell;
}

function moneyCell(amounts: Record<string, number>): string {
  return Object.keys(amounts)
    .sort()
    .map((currency) => `${currency} ${amounts[currency].toFixed(2)}`)
    .join('; ');
}

/**
 * The CSV columns, in order. Stable: scalars in the order of the JSON row, then each map of the
 * JSON row flattened as `<prefix>_<key>` over the whole vocabulary, then money as
 * `CUR amount; CUR amount` (currencies vary, so they share one column each).
 */
export const HOST_COUNTRY_CSV_COLUMNS: readonly CsvColumn[] = [
  { name: 'host_country', value: (r) => r.hostCountry },
  { name: 'received', value: (r) => r.received },
  { name: 'open', value: (r) => r.open },
  { name: 'in_progress', value: (r) => r.inProgress },
  { name: 'awaiting_third_party', value: (r) => r.awaitingThirdParty },
  { name: 'resolved', value: (r) => r.resolved },
  { name: 'closed', value: (r) => r.closed },
  { name: 'withdrawn', value: (r) => r.withdrawn },
  { name: 'rejected', value: (r) => r.rejected },
  { name: 'assigned', value: (r) => r.assigned },
  { name: 'sla_breaches', value: (r) => r.slaBreaches },
  { name: 'median_hours_to_assignment', value: (r) => r.medianHoursToAssignment },
  { name: 'median_hours_to_first_action', value: (r) => r.medianHoursToFirstAction },
  { name: 'median_days_to_resolution', value: (r) => r.medianDaysToResolution },
  { name: 'resolution_rate', value: (r) => r.resolutionRate },
  ...CASE_STATUSES.map((s) => ({
    name: `status_${s}`,
    value: (r: HostCountryRow) => r.byStatus[s],
  })),
  ...CASE_CATEGORIES.map((c) => ({
    name: `category_${c}`,
    value: (r: HostCountryRow) => r.byCategory[c],
  })),
  ...PRIORITIES.map((p) => ({
    name: `priority_${p}`,
    value: (r: HostCountryRow) => r.byPriority[p],
  })),
  ...RISK_INDICATORS.map((i) => ({
    name: `risk_${i}`,
    value: (r: HostCountryRow) => r.riskIndicators[i],
  })),
  ...SLA_STAGES.map((s) => ({
    name: `sla_breaches_${s}`,
    value: (r: HostCountryRow) => r.slaBreachesByStage[s],
  })),
  ...OUTCOME_TYPES.map((o) => ({
    name: `outcome_${o}`,
    value: (r: HostCountryRow) => r.outcomes[o],
  })),
  { name: 'amount_claimed', value: (r) => moneyCell(r.amountClaimed) },
  { name: 'amount_recovered', value: (r) => moneyCell(r.amountRecovered) },
];

/** RFC 4180 quoting; text that a spreadsheet would run as a formula is defused with a quote. */
export function csvCell(value: Cell): string {
  if (value === null) return '';
  if (typeof value === 'number') return String(value);
  const text = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One header line, then one line per host country; CRLF line ends (RFC 4180). */
export function hostCountryCsv(rows: readonly HostCountryRow[]): string {
  const lines = [HOST_COUNTRY_CSV_COLUMNS.map((c) => c.name).join(',')];
  for (const row of rows)
    lines.push(HOST_COUNTRY_CSV_COLUMNS.map((c) => csvCell(c.value(row))).join(','));
  return `${lines.join('\r\n')}\r\n`;
}
