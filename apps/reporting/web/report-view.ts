import { CASE_STATUSES, type CaseStatus } from '@casebridge/contracts/vocabulary';
import type {
  HostCountryDetail,
  HostCountryReport,
  MonthlyPoint,
  ReportFigures,
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

function number(value: number | null | undefined): string {
  return value === null || value === undefined ? '–' : new Intl.NumberFormat('en').format(value);
}

function percent(rate: number | null | undefined): string {
  return rate === null || rate === undefined ? '–' : Math.round(rate * 1000) / 10 + ' %';
}

function money(amounts: Record<string, number> | undefined): string {
  const currencies = Object.keys(amounts || {}).sort();
  if (!amounts || currencies.length === 0) return '–';
  return currencies
    .map((c) =>
      // Intl knows each currency's minor units: KRW and KZT show no cents, RUB and EUR two.
      new Intl.NumberFormat('en', {
        style: 'currency',
        currency: c,
        currencyDisplay: 'code',
      }).format(amounts[c]),
    )
    .join(', ');
}

/** A table of figures, one row per key (host country, city or consulate). */
function fillTable<R extends ReportFigures>(
  table: HTMLTableElement,
  keyHeader: string,
  rows: R[],
  keyOf: (row: R) => string,
): void {
  const columns: [string, (row: R) => string][] = [
    [keyHeader, keyOf],
    ['Received', (r) => number(r.received)],
    ['Open', (r) => number(r.open)],
    ['In progress', (r) => number(r.inProgress)],
    ['Awaiting 3rd party', (r) => number(r.awaitingThirdParty)],
    ['Resolved', (r) => number(r.resolved)],
    ['Closed', (r) => number(r.closed)],
    ['Withdrawn', (r) => number(r.withdrawn)],
    ['Rejected', (r) => number(r.rejected)],
    ['SLA breaches', (r) => number(r.slaBreaches)],
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
    columns.forEach(([, value], i) => tr.appendChild(cell(i === 0 ? 'th' : 'td', value(row))));
  }
}

function renderHeadline(totals: ReportFigures): void {
  const items: [string, string, string][] = [
    ['received', 'Cases received', number(totals.received)],
    ['open', 'Open', number(totals.open)],
    ['resolved', 'Resolved or closed', number(totals.resolved + totals.closed)],
    ['resolution-rate', 'Resolution rate', percent(totals.resolutionRate)],
    ['assignment-hours', 'Median hours to assignment', number(totals.medianHoursToAssignment)],
    ['first-action-hours', 'Median hours to first action', number(totals.medianHoursToFirstAction)],
    ['resolution-days', 'Median days to resolution', number(totals.medianDaysToResolution)],
    ['sla-breaches', 'SLA breaches', number(totals.slaBreaches)],
    ['recovered', 'Recovered', money(totals.amountRecovered)],
  ];
  const list = byId('headline');
  list.textContent = '';
  for (const [id, label, value] of items) {
    const item = document.createElement('div');
    item.id = 'headline-' + id;
    item.appendChild(cell('dt', label));
    item.appendChild(cell('dd', value));
    list.appendChild(item);
  }
}

function renderMonthly(points: MonthlyPoint[], scope: string): void {
  byId('monthly-chart-title').textContent = 'Cases per month – ' + scope;
  byId('monthly-chart').innerHTML = groupedBarChartSvg(
    points.map((p) => ({ label: p.month, values: { received: p.received, resolved: p.resolved } })),
    MONTHLY_SERIES,
    { title: 'Cases received and resolved per month – ' + scope, id: 'monthly' },
  );
}

function renderCountryOptions(rows: HostCountryReport['rows']): void {
  const select = byId<HTMLSelectElement>('country');
  const current = select.value;
  while (select.options.length > 1) select.remove(1);
  for (const r of rows) select.add(new Option(r.hostCountry, r.hostCountry));
  select.value = rows.some((r) => r.hostCountry === current) ? current : '';
}

/** The report over all host countries: freshness, headline, status chart, table, months. */
export function renderReport(report: HostCountryReport): void {
  const lag = report.lagSeconds === null ? 'unknown' : report.lagSeconds + ' s';
  byId('freshness').textContent =
    'Data as of ' + (report.asOf || 'no events yet') + ' (lag ' + lag + ').';
  renderHeadline(report.totals);
  byId('status-chart').innerHTML = stackedBarChartSvg(
    report.rows.map((r) => ({ label: r.hostCountry, values: r.byStatus })),
    STATUS_SERIES,
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
