import { CASE_STATUSES, type CaseStatus } from '@casebridge/contracts/vocabulary';
import type {
  HostCountryDetail,
  HostCountryReport,
  MonthlyPoint,
  ReportFigures,
  ReportSuppression,
} from '../src/reports/dto/host-country-report.response';
import {
  type ChartSeries,
  groupedBarChartSvg,
  stackedBarChartSvg,
} from '../src/dashboard/chart-svg';
import { byId, cell } from './dom';

/** Every status of the contracts, with its label and colour (a new status fails to compile). */
const STATUS_LABELS: Record<CaseStatus, { label: string; color: string }> = {
  submitted: { label: 'Submitted', color: '#9aa5b1' },
  assigned: { label: 'Assigned', color: '#7c9fd1' },
  in_progress: { label: 'In progress', color: '#2b6cb0' },
  awaiting_third_party: { label: 'Awaiting third party', color: '#e8a33d' },
  resolved: { label: 'Resolved', color: '#38a169' },
  closed: { label: 'Closed', color: '#1c5e3b' },
  withdrawn: { label: 'Withdrawn', color: '#a77bbd' },
  rejected: { label: 'Rejected', color: '#c53030' },
};

const STATUS_SERIES: ChartSeries[] = CASE_STATUSES.map((key) => ({ key, ...STATUS_LABELS[key] }));

const MONTHLY_SERIES: { key: keyof Omit<MonthlyPoint, 'month'>; label: string; color: string }[] = [
  { key: 'received', label: 'Received', color: '#2b6cb0' },
  { key: 'resolved', label: 'Resolved', color: '#38a169' },
];

/**
 * What the page shows for a count suppressed as a small cell (null in the report): `[c]`, as
 * statistics offices mark confidential cells; not "<5", since a complement hides a larger number.
 */
export const SUPPRESSED_MARK = '[c]';

/** The report's minimum cell size, for the explanations (5 until a report says otherwise). */
let minCellSize = 5;

function suppressedTitle(): string {
  return `Suppressed: fewer than ${minCellSize} cases, or hidden so that such a figure cannot be worked out from the others.`;
}

/** A count: null is a suppressed cell. */
function count(value: number | null | undefined): string {
  return value === null || value === undefined
    ? SUPPRESSED_MARK
    : new Intl.NumberFormat('en').format(value);
}

/** A median: null when no case (or too few cases) reached the milestone. */
function number(value: number | null | undefined): string {
  return value === null || value === undefined ? '–' : new Intl.NumberFormat('en').format(value);
}

function percent(rate: number | null | undefined): string {
  return rate === null || rate === undefined ? '–' : Math.round(rate * 1000) / 10 + ' %';
}

function sum(...values: (number | null)[]): number | null {
  return values.some((v) => v === null) ? null : values.reduce<number>((s, v) => s + (v ?? 0), 0);
}

function money(amounts: Record<string, number | null> | undefined): string {
  const currencies = Object.keys(amounts || {}).sort();
  if (!amounts || currencies.length === 0) return '–';
  return currencies
    .map((c) => {
      const amount = amounts[c];
      if (amount === null) return `${c} ${SUPPRESSED_MARK}`;
      // Intl knows each currency's minor units: KRW and KZT show no cents, RUB and EUR two.
      return new Intl.NumberFormat('en', {
        style: 'currency',
        currency: c,
        currencyDisplay: 'code',
      }).format(amount);
    })
    .join(', ');
}

/** A table or headline cell; a suppressed one says why when pointed at. */
function figureCell(tag: 'td' | 'dd', text: string): HTMLElement {
  const element = cell(tag, text);
  if (text.includes(SUPPRESSED_MARK)) {
    element.title = suppressedTitle();
    element.classList.add('suppressed');
  }
  return element;
}

/** The label of the row that merges groups with fewer than k cases. */
export const MERGED_ROW_KEY = '(other)';

/** A table of figures, one row per key (host country, city or consulate). */
function fillTable<R extends ReportFigures>(
  table: HTMLTableElement,
  keyHeader: string,
  rows: R[],
  keyOf: (row: R) => string,
): void {
  const columns: [string, (row: R) => string][] = [
    [keyHeader, keyOf],
    ['Received', (r) => count(r.received)],
    ['Open', (r) => count(r.open)],
    ['In progress', (r) => count(r.inProgress)],
    ['Awaiting 3rd party', (r) => count(r.awaitingThirdParty)],
    ['Resolved', (r) => count(r.resolved)],
    ['Closed', (r) => count(r.closed)],
    ['Withdrawn', (r) => count(r.withdrawn)],
    ['Rejected', (r) => count(r.rejected)],
    ['SLA breaches', (r) => count(r.slaBreaches)],
    ['Median h to assignment', (r) => number(r.medianHoursToAssignment)],
    ['Median h to first action', (r) => number(r.medianHoursToFirstAction)],
    ['Median days to resolution', (r) => number(r.medianDaysToResolution)],
    ['Resolution rate', (r) => percent(r.resolutionRate)],
    ['Claimed', (r) => money(r.amountClaimed)],
    ['Recovered', (r) => money(r.amountRecovered)],
  ];
  table.textContent = '';
  const head = table.createTHead().insertRow();
  for (const [title] of columns) {
    const th = cell('th', title);
    th.scope = 'col';
    head.appendChild(th);
  }
  const body = table.createTBody();
  for (const row of rows) {
    const tr = body.insertRow();
    tr.setAttribute('data-key', keyOf(row));
    columns.forEach(([, value], i) =>
      tr.appendChild(i === 0 ? cell('th', value(row)) : figureCell('td', value(row))),
    );
  }
}

function renderHeadline(totals: ReportFigures): void {
  const items: [string, string, string][] = [
    ['received', 'Cases received', count(totals.received)],
    ['open', 'Open', count(totals.open)],
    ['resolved', 'Resolved or closed', count(sum(totals.resolved, totals.closed))],
    ['resolution-rate', 'Resolution rate', percent(totals.resolutionRate)],
    ['assignment-hours', 'Median hours to assignment', number(totals.medianHoursToAssignment)],
    ['first-action-hours', 'Median hours to first action', number(totals.medianHoursToFirstAction)],
    ['resolution-days', 'Median days to resolution', number(totals.medianDaysToResolution)],
    ['sla-breaches', 'SLA breaches', count(totals.slaBreaches)],
    ['recovered', 'Recovered', money(totals.amountRecovered)],
  ];
  const list = byId('headline');
  list.textContent = '';
  for (const [id, label, value] of items) {
    const item = document.createElement('div');
    item.id = 'headline-' + id;
    item.appendChild(cell('dt', label));
    item.appendChild(figureCell('dd', value));
    list.appendChild(item);
  }
}

function renderMonthly(points: MonthlyPoint[], scope: string): void {
  byId('monthly-chart-title').textContent = 'Cases per month – ' + scope;
  // A suppressed month is drawn as no bar and listed below the chart.
  byId('monthly-chart').innerHTML = groupedBarChartSvg(
    points.map((p) => ({
      label: p.month,
      values: { received: p.received ?? 0, resolved: p.resolved ?? 0 },
    })),
    MONTHLY_SERIES,
    { title: 'Cases received and resolved per month – ' + scope, id: 'monthly' },
  );
  const hidden = points.flatMap((p) => [
    ...(p.received === null ? [`${p.month} received`] : []),
    ...(p.resolved === null ? [`${p.month} resolved`] : []),
  ]);
  const note = byId('monthly-suppressed');
  note.hidden = hidden.length === 0;
  note.textContent = hidden.length
    ? `Suppressed (${SUPPRESSED_MARK}, drawn as no bar): ${hidden.join(', ')}.`
    : '';
}

/** Says, above the figures, what small-cell suppression did to this answer. */
function renderSuppression(noteId: string, suppression: ReportSuppression | undefined): void {
  minCellSize = suppression?.minCellSize ?? minCellSize;
  const note = byId(noteId);
  const merged = suppression?.mergedRows ?? [];
  const parts: string[] = [];
  if (suppression?.allSuppressed)
    parts.push(`These filters select fewer than ${minCellSize} cases: every figure is suppressed.`);
  else if (suppression && suppression.suppressedCells > 0)
    parts.push(
      `${SUPPRESSED_MARK} marks a figure suppressed because it describes fewer than ${minCellSize} cases, or because it would let such a figure be worked out from the totals.`,
    );
  if (merged.length)
    parts.push(
      `"${MERGED_ROW_KEY}" merges the ${merged.map((m) => `${m.groups} ${GROUP_NAMES[m.field]}`).join(' and the ')} with too few cases to be shown alone.`,
    );
  note.hidden = parts.length === 0;
  note.textContent = parts.join(' ');
}

const GROUP_NAMES: Record<ReportSuppression['mergedRows'][number]['field'], string> = {
  hostCountry: 'host countries',
  hostCity: 'cities',
  consulateId: 'consulates',
};

/** The status chart's segment for what small-cell suppression hides of a country's cases. */
const SUPPRESSED_SERIES: ChartSeries = {
  key: 'suppressed',
  label: 'Suppressed (small cells)',
  color: '#d5d9de',
};

function statusValues(row: ReportFigures & { received: number }): Record<string, number> {
  const values: Record<string, number> = {};
  let shown = 0;
  for (const s of CASE_STATUSES) {
    values[s] = row.byStatus[s] ?? 0;
    shown += values[s];
  }
  values[SUPPRESSED_SERIES.key] = row.received - shown;
  return values;
}

function renderCountryOptions(rows: HostCountryReport['rows']): void {
  const select = byId<HTMLSelectElement>('country');
  const current = select.value;
  while (select.options.length > 1) select.remove(1);
  // The merged row is no country: it has no detail report of its own.
  for (const r of rows)
    if (r.hostCountry !== MERGED_ROW_KEY) select.add(new Option(r.hostCountry, r.hostCountry));
  select.value = rows.some((r) => r.hostCountry === current) ? current : '';
}

/** The report over all host countries: freshness, headline, status chart, table, months. */
export function renderReport(report: HostCountryReport): void {
  const lag = report.lagSeconds === null ? 'unknown' : report.lagSeconds + ' s';
  byId('freshness').textContent =
    'Data as of ' + (report.asOf || 'no events yet') + ' (lag ' + lag + ').';
  renderSuppression('suppression', report.suppression);
  renderHeadline(report.totals);
  const anySuppressed = report.rows.some((r) => statusValues(r)[SUPPRESSED_SERIES.key] > 0);
  byId('status-chart').innerHTML = stackedBarChartSvg(
    report.rows.map((r) => ({ label: r.hostCountry, values: statusValues(r) })),
    anySuppressed ? [...STATUS_SERIES, SUPPRESSED_SERIES] : STATUS_SERIES,
    { title: 'Cases by host country, split by current status', id: 'status', width: 900 },
  );
  fillTable(
    byId<HTMLTableElement>('country-table'),
    'Host country',
    report.rows,
    (r) => r.hostCountry,
  );
  renderCountryOptions(report.rows);
  renderMonthly(report.monthly, 'all host countries');
}

/** One host country: its cities, its consulates and its months. */
export function renderCountry(detail: HostCountryDetail): void {
  const code = detail.country.hostCountry;
  renderSuppression('country-suppression', detail.suppression);
  byId('country-detail-title').textContent = code + ': by city and by consulate';
  fillTable(
    byId<HTMLTableElement>('city-table'),
    'City',
    detail.byCity,
    (r) => r.hostCity || '(none)',
  );
  fillTable(
    byId<HTMLTableElement>('consulate-table'),
    'Consulate',
    detail.byConsulate,
    (r) => r.consulateId || '(not assigned)',
  );
  byId('country-detail').hidden = false;
  renderMonthly(detail.monthly, code);
}
