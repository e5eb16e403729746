/**
 * The reporting dashboard's page script, bundled by esbuild into dashboard.js (npm run build).
 * The page holds no data: it asks for a manager token, keeps it in sessionStorage and calls the
 * JSON/CSV API with it; charts are inline SVG drawn by ../src/dashboard/chart-svg.ts.
 */
import { CASE_CATEGORIES } from '@casebridge/contracts/vocabulary';
import type {
  HostCountryDetail,
  HostCountryReport,
} from '../src/reports/dto/host-country-report.response';
import { byId } from './dom';
import { renderCountry, renderReport } from './report-view';
import {
  DashboardError,
  fetchJson,
  filterQuery,
  request,
  storedToken,
  TOKEN_KEY,
} from './reports-api';

type PageState = 'no-token' | 'loading' | 'ready' | 'error';

function setState(state: PageState): void {
  document.body.setAttribute('data-state', state);
}

function showMessage(text: string, kind: '' | 'info' | 'error'): void {
  const message = byId('message');
  message.textContent = text;
  message.className = kind;
  message.hidden = !text;
}

function showReport(visible: boolean): void {
  byId('report').hidden = !visible;
  byId('forget-token').hidden = !storedToken();
}

const input = (id: string) => byId<HTMLInputElement>(id);

function currentQuery(): string {
  return filterQuery({
    from: input('from').value,
    to: input('to').value,
    category: byId<HTMLSelectElement>('category').value,
  });
}

async function load(): Promise<void> {
  if (!storedToken()) {
    showReport(false);
    showMessage('Paste a manager token above to see the reports.', 'info');
    setState('no-token');
    return;
  }
  setState('loading');
  showMessage('Loading…', 'info');
  try {
    const query = currentQuery();
    renderReport(await fetchJson<HostCountryReport>('/v1/reports/host-countries' + query));
    const code = byId<HTMLSelectElement>('country').value;
    if (code) {
      renderCountry(
        await fetchJson<HostCountryDetail>(
          '/v1/reports/host-countries/' + encodeURIComponent(code) + query,
        ),
      );
    } else {
      byId('country-detail').hidden = true;
    }
    showReport(true);
    showMessage('', '');
    setState('ready');
  } catch (error) {
    showReport(false);
    showMessage(
      error instanceof DashboardError
        ? error.message
        : 'Something went wrong while loading the reports.',
      'error',
    );
    setState('error');
  }
}

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** Downloads the host-country report, with the current filters, as CSV or as an XLSX workbook. */
async function download(accept: string, label: string, fallbackName: string): Promise<void> {
  try {
    const res = await request('/v1/reports/host-countries' + currentQuery(), accept);
    const disposition = res.headers.get('Content-Disposition') || '';
    const match = /filename="([^"]+)"/.exec(disposition);
    const url = URL.createObjectURL(await res.blob());
    const link = document.createElement('a');
    link.href = url;
    link.download = match ? match[1] : fallbackName;
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
  } catch (error) {
    showMessage(
      error instanceof DashboardError ? error.message : `The ${label} download failed.`,
      'error',
    );
  }
}

for (const category of CASE_CATEGORIES) {
  byId<HTMLSelectElement>('category').add(new Option(category.replace(/_/g, ' '), category));
}

byId('token-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const value = input('token-input')
    .value.trim()
    .replace(/^Bearer\s+/i, '');
  input('token-input').value = '';
  if (!value) return;
  try {
    sessionStorage.setItem(TOKEN_KEY, value);
  } catch {
    showMessage('This browser refuses to keep the token (sessionStorage).', 'error');
    return;
  }
  void load();
});
byId('forget-token').addEventListener('click', () => {
  try {
    sessionStorage.removeItem(TOKEN_KEY);
  } catch {
    // nothing kept
  }
  void load();
});
byId('filters').addEventListener('submit', (event) => {
  event.preventDefault();
  void load();
});
byId('country').addEventListener('change', () => void load());
byId('download-csv').addEventListener(
  'click',
  () => void download('text/csv', 'CSV', 'casebridge-host-countries.csv'),
);
byId('download-xlsx').addEventListener(
  'click',
  () => void download(XLSX_TYPE, 'XLSX', 'casebridge-host-countries.xlsx'),
);

void load();
