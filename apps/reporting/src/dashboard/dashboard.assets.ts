import { CASE_CATEGORIES, CASE_STATUSES, CaseStatus } from '@casebridge/contracts';
import { CHART_FUNCTIONS } from './chart-svg';

/**
 * The dashboard: a static HTML shell, a stylesheet and a script, served by reporting itself (no
 * CDN, no build step). The page holds no data: its script asks for a manager token, keeps it
 * in sessionStorage and calls the JSON/CSV API with it; charts are inline SVG drawn by the
 * functions of chart-svg.ts, whose source is embedded below.
 */

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

const CONFIG = {
  statuses: CASE_STATUSES.map((key) => ({ key, ...STATUS_LABELS[key] })),
  monthly: [
    { key: 'received', label: 'Received', color: '#2b6cb0' },
    { key: 'resolved', label: 'Resolved', color: '#38a169' },
  ],
  categories: [...CASE_CATEGORIES],
  tokenKey: 'casebridge.reporting.token',
};

export const DASHBOARD_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Casebridge — cases by host country</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/dashboard/dashboard.css">
</head>
<body data-state="starting">
<header>
  <h1>Casebridge <span>cases by host country</span></h1>
  <p class="note">Statistics only: this page never shows personal data.</p>
</header>
<main>
  <section id="auth" aria-labelledby="auth-title">
    <h2 id="auth-title">Access</h2>
    <form id="token-form" autocomplete="off">
      <label for="token-input">Manager token</label>
      <input id="token-input" type="password" spellcheck="false" placeholder="Paste a bearer token (role manager or admin)">
      <button type="submit">Use token</button>
      <button type="button" id="forget-token" hidden>Forget token</button>
    </form>
    <p class="hint">The token stays in this browser tab only (sessionStorage). For development: <code>npm run token -- --role manager</code></p>
  </section>
  <p id="message" role="status" hidden></p>
  <section id="report" hidden>
    <form id="filters">
      <label>From <input type="date" id="from" name="from"></label>
      <label>To <input type="date" id="to" name="to"></label>
      <label>Category <select id="category" name="category"><option value="">All categories</option></select></label>
      <label>Host country <select id="country" name="country"><option value="">All host countries</option></select></label>
      <button type="submit">Apply</button>
      <button type="button" id="download-csv">Download CSV</button>
    </form>
    <p id="freshness" class="hint"></p>
    <section aria-labelledby="headline-title">
      <h2 id="headline-title">Headline figures</h2>
      <dl id="headline"></dl>
    </section>
    <section aria-labelledby="status-chart-title">
      <h2 id="status-chart-title">Cases by host country and current status</h2>
      <div id="status-chart" class="chart"></div>
    </section>
    <section aria-labelledby="monthly-chart-title">
      <h2 id="monthly-chart-title">Cases per month</h2>
      <div id="monthly-chart" class="chart"></div>
    </section>
    <section aria-labelledby="countries-title">
      <h2 id="countries-title">Host countries</h2>
      <div class="table-wrap"><table id="country-table"></table></div>
    </section>
    <section id="country-detail" aria-labelledby="country-detail-title" hidden>
      <h2 id="country-detail-title"></h2>
      <h3>By city</h3>
      <div class="table-wrap"><table id="city-table"></table></div>
      <h3>By consulate</h3>
      <div class="table-wrap"><table id="consulate-table"></table></div>
    </section>
  </section>
</main>
<script src="/dashboard/dashboard.js"></script>
</body>
</html>
`;

export const DASHBOARD_CSS = `
:root { color-scheme: light; font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1f2933; }
body { margin: 0; background: #f5f7fa; }
header { background: #1a365d; color: #fff; padding: 16px 24px; }
header h1 { margin: 0; font-size: 22px; }
header h1 span { font-weight: 400; opacity: 0.85; }
header .note { margin: 4px 0 0; font-size: 13px; opacity: 0.85; }
main { max-width: 1100px; margin: 0 auto; padding: 16px 24px 48px; }
section { margin-top: 16px; }
h2 { font-size: 17px; margin: 0 0 8px; }
h3 { font-size: 15px; margin: 16px 0 6px; }
form { display: flex; flex-wrap: wrap; gap: 8px 12px; align-items: end; }
label { display: flex; flex-direction: column; font-size: 13px; gap: 2px; }
#token-form label { flex-direction: row; align-items: center; gap: 8px; }
input, select, button { font: inherit; padding: 6px 8px; border: 1px solid #9aa5b1; border-radius: 4px; background: #fff; }
#token-input { width: min(520px, 70vw); }
button { background: #2b6cb0; color: #fff; border-color: #2b6cb0; cursor: pointer; }
button[type="button"] { background: #fff; color: #2b6cb0; }
.hint { font-size: 12px; color: #4a5563; }
#message { padding: 10px 12px; border-radius: 4px; background: #ebf4ff; border: 1px solid #7c9fd1; }
#message.error { background: #fff5f5; border-color: #c53030; color: #742a2a; }
#headline { display: grid; grid-template-columns: repeat(auto-fill, minmax(160px, 1fr)); gap: 8px; margin: 0; }
#headline div { background: #fff; border: 1px solid #d9dde3; border-radius: 6px; padding: 10px 12px; }
#headline dt { font-size: 12px; color: #4a5563; }
#headline dd { margin: 4px 0 0; font-size: 22px; font-weight: 600; }
#headline-recovered { grid-column: span 2; }
#headline-recovered dd { font-size: 15px; line-height: 1.4; }
.chart { background: #fff; border: 1px solid #d9dde3; border-radius: 6px; padding: 8px; }
.chart-svg { width: 100%; height: auto; display: block; }
.table-wrap { overflow-x: auto; }
table { border-collapse: collapse; background: #fff; font-size: 13px; min-width: 100%; }
th, td { border: 1px solid #d9dde3; padding: 4px 8px; text-align: right; white-space: nowrap; }
th:first-child, td:first-child { text-align: left; }
thead th { background: #edf2f7; }
`;

/*
 * The page logic, plain browser JavaScript. Written without template literals so that it can
 * live inside this TypeScript template string unescaped.
 */
const DASHBOARD_APP = String.raw`
(function () {
  'use strict';
  var byId = function (id) { return document.getElementById(id); };

  function DashboardError(message) { this.message = message; }

  function setState(state) { document.body.setAttribute('data-state', state); }

  function showMessage(text, kind) {
    var el = byId('message');
    el.textContent = text;
    el.className = kind || '';
    el.hidden = !text;
  }

  function token() {
    try { return sessionStorage.getItem(CONFIG.tokenKey) || ''; } catch (e) { return ''; }
  }

  function showReport(visible) {
    byId('report').hidden = !visible;
    byId('forget-token').hidden = !token();
  }

  function number(value) {
    return value === null || value === undefined ? '–' : new Intl.NumberFormat('en').format(value);
  }

  function percent(rate) {
    return rate === null || rate === undefined ? '–' : (Math.round(rate * 1000) / 10) + ' %';
  }

  function money(amounts) {
    var keys = Object.keys(amounts || {}).sort();
    if (keys.length === 0) return '–';
    return keys.map(function (c) {
      // Intl knows each currency's minor units: KRW and KZT show no cents, RUB and EUR two.
      return new Intl.NumberFormat('en', { style: 'currency', currency: c, currencyDisplay: 'code' }).format(amounts[c]);
    }).join(', ');
  }

  function filterQuery() {
    var params = new URLSearchParams();
    ['from', 'to', 'category'].forEach(function (name) {
      var value = byId(name).value;
      if (value) params.set(name, value);
    });
    var text = params.toString();
    return text ? '?' + text : '';
  }

  async function request(path, accept) {
    var t = token();
    if (!t) throw new DashboardError('Paste a manager token above to see the reports.');
    var res;
    try {
      res = await fetch(path, { headers: { Authorization: 'Bearer ' + t, Accept: accept }, cache: 'no-store' });
    } catch (e) {
      throw new DashboardError('The reporting service cannot be reached. Try again in a moment.');
    }
    if (res.status === 401) throw new DashboardError('The token was refused (invalid or expired). Paste a fresh manager token.');
    if (res.status === 403) throw new DashboardError('This token may not read reports: a manager or admin token is needed.');
    if (!res.ok) {
      var problem = await res.json().catch(function () { return null; });
      throw new DashboardError((problem && problem.detail) || ('The report failed (HTTP ' + res.status + ').'));
    }
    return res;
  }

  function cell(tag, text) {
    var el = document.createElement(tag);
    el.textContent = text;
    return el;
  }

  function fillTable(table, keyHeader, rows, keyOf) {
    var columns = [
      [keyHeader, keyOf],
      ['Received', function (r) { return number(r.received); }],
      ['Open', function (r) { return number(r.open); }],
      ['In progress', function (r) { return number(r.inProgress); }],
      ['Awaiting 3rd party', function (r) { return number(r.awaitingThirdParty); }],
      ['Resolved', function (r) { return number(r.resolved); }],
      ['Closed', function (r) { return number(r.closed); }],
      ['Withdrawn', function (r) { return number(r.withdrawn); }],
      ['Rejected', function (r) { return number(r.rejected); }],
      ['SLA breaches', function (r) { return number(r.slaBreaches); }],
      ['Median h to assignment', function (r) { return number(r.medianHoursToAssignment); }],
      ['Median h to first action', function (r) { return number(r.medianHoursToFirstAction); }],
      ['Median days to resolution', function (r) { return number(r.medianDaysToResolution); }],
      ['Resolution rate', function (r) { return percent(r.resolutionRate); }],
      ['Claimed', function (r) { return money(r.amountClaimed); }],
      ['Recovered', function (r) { return money(r.amountRecovered); }]
    ];
    table.textContent = '';
    var head = table.createTHead().insertRow();
    columns.forEach(function (c) { var th = cell('th', c[0]); th.scope = 'col'; head.appendChild(th); });
    var body = table.createTBody();
    rows.forEach(function (r) {
      var tr = body.insertRow();
      tr.setAttribute('data-key', keyOf(r));
      columns.forEach(function (c, i) { tr.appendChild(cell(i === 0 ? 'th' : 'td', c[1](r))); });
    });
  }

  function renderHeadline(totals) {
    var items = [
      ['received', 'Cases received', number(totals.received)],
      ['open', 'Open', number(totals.open)],
      ['resolved', 'Resolved or closed', number(totals.resolved + totals.closed)],
      ['resolution-rate', 'Resolution rate', percent(totals.resolutionRate)],
      ['assignment-hours', 'Median hours to assignment', number(totals.medianHoursToAssignment)],
      ['first-action-hours', 'Median hours to first action', number(totals.medianHoursToFirstAction)],
      ['resolution-days', 'Median days to resolution', number(totals.medianDaysToResolution)],
      ['sla-breaches', 'SLA breaches', number(totals.slaBreaches)],
      ['recovered', 'Recovered', money(totals.amountRecovered)]
    ];
    var dl = byId('headline');
    dl.textContent = '';
    items.forEach(function (item) {
      var div = document.createElement('div');
      div.id = 'headline-' + item[0];
      div.appendChild(cell('dt', item[1]));
      div.appendChild(cell('dd', item[2]));
      dl.appendChild(div);
    });
  }

  function renderMonthly(points, scope) {
    byId('monthly-chart-title').textContent = 'Cases per month – ' + scope;
    byId('monthly-chart').innerHTML = groupedBarChartSvg(
      points.map(function (p) { return { label: p.month, values: { received: p.received, resolved: p.resolved } }; }),
      CONFIG.monthly,
      { title: 'Cases received and resolved per month – ' + scope, id: 'monthly' }
    );
  }

  function renderCountryOptions(rows) {
    var select = byId('country');
    var current = select.value;
    while (select.options.length > 1) select.remove(1);
    rows.forEach(function (r) { select.add(new Option(r.hostCountry, r.hostCountry)); });
    select.value = rows.some(function (r) { return r.hostCountry === current; }) ? current : '';
  }

  function render(report) {
    var lag = report.lagSeconds === null ? 'unknown' : report.lagSeconds + ' s';
    byId('freshness').textContent = 'Data as of ' + (report.asOf || 'no events yet') + ' (lag ' + lag + ').';
    renderHeadline(report.totals);
    byId('status-chart').innerHTML = stackedBarChartSvg(
      report.rows.map(function (r) { return { label: r.hostCountry, values: r.byStatus }; }),
      CONFIG.statuses,
      { title: 'Cases by host country, split by current status', id: 'status', width: 900 }
    );
    fillTable(byId('country-table'), 'Host country', report.rows, function (r) { return r.hostCountry; });
    renderCountryOptions(report.rows);
    renderMonthly(report.monthly, 'all host countries');
  }

  function renderCountry(detail) {
    var code = detail.country.hostCountry;
    byId('country-detail-title').textContent = code + ': by city and by consulate';
    fillTable(byId('city-table'), 'City', detail.byCity, function (r) { return r.hostCity || '(none)'; });
    fillTable(byId('consulate-table'), 'Consulate', detail.byConsulate, function (r) { return r.consulateId || '(not assigned)'; });
    byId('country-detail').hidden = false;
    renderMonthly(detail.monthly, code);
  }

  async function load() {
    if (!token()) {
      showReport(false);
      showMessage('Paste a manager token above to see the reports.', 'info');
      setState('no-token');
      return;
    }
    setState('loading');
    showMessage('Loading…', 'info');
    try {
      var query = filterQuery();
      var report = await (await request('/v1/reports/host-countries' + query, 'application/json')).json();
      render(report);
      var code = byId('country').value;
      if (code) {
        renderCountry(await (await request('/v1/reports/host-countries/' + encodeURIComponent(code) + query, 'application/json')).json());
      } else {
        byId('country-detail').hidden = true;
      }
      showReport(true);
      showMessage('', '');
      setState('ready');
    } catch (e) {
      showReport(false);
      showMessage(e instanceof DashboardError ? e.message : 'Something went wrong while loading the reports.', 'error');
      setState('error');
    }
  }

  async function downloadCsv() {
    try {
      var res = await request('/v1/reports/host-countries' + filterQuery(), 'text/csv');
      var disposition = res.headers.get('Content-Disposition') || '';
      var match = /filename="([^"]+)"/.exec(disposition);
      var url = URL.createObjectURL(await res.blob());
      var link = document.createElement('a');
      link.href = url;
      link.download = match ? match[1] : 'casebridge-host-countries.csv';
      document.body.appendChild(link);
      link.click();
      link.remove();
      setTimeout(function () { URL.revokeObjectURL(url); }, 10000);
    } catch (e) {
      showMessage(e instanceof DashboardError ? e.message : 'The CSV download failed.', 'error');
    }
  }

  CONFIG.categories.forEach(function (c) { byId('category').add(new Option(c.replace(/_/g, ' '), c)); });

  byId('token-form').addEventListener('submit', function (event) {
    event.preventDefault();
    var value = byId('token-input').value.trim().replace(/^Bearer\s+/i, '');
    byId('token-input').value = '';
    if (!value) return;
    try { sessionStorage.setItem(CONFIG.tokenKey, value); } catch (e) { showMessage('This browser refuses to keep the token (sessionStorage).', 'error'); return; }
    void load();
  });
  byId('forget-token').addEventListener('click', function () {
    try { sessionStorage.removeItem(CONFIG.tokenKey); } catch (e) { /* nothing kept */ }
    void load();
  });
  byId('filters').addEventListener('submit', function (event) { event.preventDefault(); void load(); });
  byId('country').addEventListener('change', function () { void load(); });
  byId('download-csv').addEventListener('click', function () { void downloadCsv(); });

  void load();
})();
`;

export const DASHBOARD_JS = [
  '/* Casebridge reporting dashboard. */',
  `var CONFIG = ${JSON.stringify(CONFIG)};`,
  ...CHART_FUNCTIONS.map((fn) => fn.toString()),
  DASHBOARD_APP,
].join('\n');
