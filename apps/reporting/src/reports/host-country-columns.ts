import {
  CASE_CATEGORIES,
  CASE_STATUSES,
  OUTCOME_TYPES,
  PRIORITIES,
  RISK_INDICATORS,
  SLA_STAGES,
} from '@casebridge/contracts';
import type { HostCountryReport, ReportFigures } from './dto/host-country-report.response';

/** What an export (CSV, XLSX) is made of: the JSON report without its monthly series. */
export type HostCountryExport = Pick<
  HostCountryReport,
  'asOf' | 'lagSeconds' | 'filters' | 'totals' | 'suppression'
> & { rows: readonly ExportRow[] };

/**
 * The `host_country` of the line (CSV) or row (XLSX) that carries the report's `totals`. Never a
 * country code: those are two capitals.
 */
export const TOTAL_ROW_LABEL = 'TOTAL';

/** A line of an export: a host country (or the merged `(other)` row), or the totals. */
export type ExportRow = ReportFigures & { hostCountry: string };

/** The report's `totals` in the shape of a row, labelled TOTAL_ROW_LABEL. */
export function totalsRow(totals: ReportFigures): ExportRow {
  return { hostCountry: TOTAL_ROW_LABEL, ...totals };
}

/** What a column holds, so that a spreadsheet can format it (the CSV writes them all alike). */
export type FigureKind = 'code' | 'count' | 'decimal' | 'rate';

export interface FigureColumn {
  name: string;
  kind: FigureKind;
  value: (row: ExportRow) => string | number | null;
}

const count = (name: string, value: (row: ExportRow) => number | null): FigureColumn => ({
  name,
  kind: 'count',
  value,
});

/**
 * The columns shared by the CSV and the XLSX export, in order, before the money: scalars in the
 * order of the JSON row, then each count map of the JSON row flattened as `<prefix>_<key>` over
 * the whole vocabulary (vocabulary order).
 */
export const HOST_COUNTRY_FIGURE_COLUMNS: readonly FigureColumn[] = [
  { name: 'host_country', kind: 'code', value: (r) => r.hostCountry },
  count('received', (r) => r.received),
  count('open', (r) => r.open),
  count('in_progress', (r) => r.inProgress),
  count('awaiting_third_party', (r) => r.awaitingThirdParty),
  count('resolved', (r) => r.resolved),
  count('closed', (r) => r.closed),
  count('withdrawn', (r) => r.withdrawn),
  count('rejected', (r) => r.rejected),
  count('assigned', (r) => r.assigned),
  count('sla_breaches', (r) => r.slaBreaches),
  {
    name: 'median_hours_to_assignment',
    kind: 'decimal',
    value: (r) => r.medianHoursToAssignment,
  },
  {
    name: 'median_hours_to_first_action',
    kind: 'decimal',
    value: (r) => r.medianHoursToFirstAction,
  },
  { name: 'median_days_to_resolution', kind: 'decimal', value: (r) => r.medianDaysToResolution },
  { name: 'p90_hours_to_assignment', kind: 'decimal', value: (r) => r.p90HoursToAssignment },
  { name: 'p90_hours_to_first_action', kind: 'decimal', value: (r) => r.p90HoursToFirstAction },
  { name: 'p90_days_to_resolution', kind: 'decimal', value: (r) => r.p90DaysToResolution },
  { name: 'resolution_rate', kind: 'rate', value: (r) => r.resolutionRate },
  ...CASE_STATUSES.map((s) => count(`status_${s}`, (r) => r.byStatus[s])),
  ...CASE_CATEGORIES.map((c) => count(`category_${c}`, (r) => r.byCategory[c])),
  ...PRIORITIES.map((p) => count(`priority_${p}`, (r) => r.byPriority[p])),
  ...RISK_INDICATORS.map((i) => count(`risk_${i}`, (r) => r.riskIndicators[i])),
  ...SLA_STAGES.map((s) => count(`sla_breaches_${s}`, (r) => r.slaBreachesByStage[s])),
  ...OUTCOME_TYPES.map((o) => count(`outcome_${o}`, (r) => r.outcomes[o])),
];
