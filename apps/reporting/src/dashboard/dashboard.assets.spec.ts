// Longer than most: about half of it is the fake DOM and API the page script runs against.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createContext, runInContext } from 'node:vm';
import { HEADERS_METADATA } from '@nestjs/common/constants';
import {
  DASHBOARD,
  DASHBOARD_HTML,
  DASHBOARD_JS,
  DASHBOARD_WEB_DIR,
  loadDashboardAssets,
} from './dashboard.assets';
import { buildDashboard } from './dashboard.bundle';
import { DashboardController } from './dashboard.controller';

/** Just enough DOM for the dashboard script: elements by id, forms, selects and tables. */
class FakeElement {
  value = '';
  hidden = false;
  className = '';
  innerHTML = '';
  scope = '';
  href = '';
  download = '';
  clicked = 0;
  readonly children: FakeElement[] = [];
  readonly options: { text: string; value: string }[] = [];
  private readonly attributes = new Map<string, string>();
  private readonly listeners = new Map<string, ((event: { preventDefault(): void }) => void)[]>();
  private text = '';

  constructor(
    readonly tagName: string,
    readonly id = '',
  ) {}

  get textContent(): string {
    return this.text + this.children.map((c) => c.textContent).join('');
  }
  set textContent(value: string) {
    this.text = value;
    this.children.length = 0;
  }
  setAttribute(name: string, value: string) {
    this.attributes.set(name, value);
  }
  getAttribute(name: string) {
    return this.attributes.get(name) ?? null;
  }
  addEventListener(type: string, listener: (event: { preventDefault(): void }) => void) {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }
  dispatch(type: string) {
    for (const listener of this.listeners.get(type) ?? [])
      listener({ preventDefault: () => undefined });
  }
  appendChild(child: FakeElement) {
    this.children.push(child);
    return child;
  }
  add(option: { text: string; value: string }) {
    this.options.push(option);
  }
  remove(index?: number) {
    if (index !== undefined) this.options.splice(index, 1);
  }
  click() {
    this.clicked += 1;
  }
  createTHead() {
    return this.appendChild(new FakeElement('thead'));
  }
  createTBody() {
    return this.appendChild(new FakeElement('tbody'));
  }
  insertRow() {
    return this.appendChild(new FakeElement('tr'));
  }
  rows(): FakeElement[] {
    return this.children.filter((c) => c.tagName === 'tbody').flatMap((b) => b.children);
  }
}

interface FakeResponse {
  status: number;
  body?: unknown;
  text?: string;
  headers?: Record<string, string>;
}

const figures = (received: number) => ({
  received,
  open: received - 1,
  inProgress: 1,
  awaitingThirdParty: 0,
  resolved: 1,
  closed: 0,
  withdrawn: 0,
  rejected: 0,
  assigned: received,
  byStatus: {
    submitted: 0,
    assigned: received - 2,
    in_progress: 1,
    awaiting_third_party: 0,
    resolved: 1,
    closed: 0,
    withdrawn: 0,
    rejected: 0,
  },
  slaBreaches: 2,
  medianHoursToAssignment: 3.5,
  medianHoursToFirstAction: 20,
  medianDaysToResolution: 12.25,
  resolutionRate: 1 / received,
  amountClaimed: { RUB: 1000 },
  amountRecovered: { RUB: 250.5 },
});

const REPORT = {
  asOf: '2026-03-01T10:00:00.000Z',
  lagSeconds: 0,
  rows: [
    { hostCountry: 'RU', ...figures(7) },
    { hostCountry: 'KZ', ...figures(3) },
  ],
  totals: figures(10),
  monthly: [
    { month: '2026-01', received: 6, resolved: 1 },
    { month: '2026-02', received: 4, resolved: 1 },
  ],
};

const DETAIL = {
  country: { hostCountry: 'RU', ...figures(7) },
  monthly: [{ month: '2026-01', received: 7, resolved: 1 }],
  byCity: [
    { hostCity: 'Moscow', ...figures(5) },
    { hostCity: null, ...figures(2) },
  ],
  byConsulate: [{ consulateId: 'RU-MOW', ...figures(7) }],
};

function dashboard(
  options: { token?: string; respond?: (url: string, accept: string) => FakeResponse } = {},
) {
  const elements = new Map<string, FakeElement>();
  for (const [, tag, id] of DASHBOARD_HTML.matchAll(/<(\w+)[^>]*\sid="([^"]+)"/g))
    elements.set(id, new FakeElement(tag, id));
  const storage = new Map<string, string>(
    options.token ? [['casebridge.reporting.token', options.token]] : [],
  );
  const requests: { url: string; headers: Record<string, string> }[] = [];
  const body = new FakeElement('body');
  const respond =
    options.respond ??
    ((url: string): FakeResponse => ({ status: 200, body: url.includes('/RU') ? DETAIL : REPORT }));

  const context = createContext({
    document: {
      body,
      getElementById: (id: string) => elements.get(id) ?? null,
      createElement: (tag: string) => new FakeElement(tag),
    },
    sessionStorage: {
      getItem: (k: string) => storage.get(k) ?? null,
      setItem: (k: string, v: string) => storage.set(k, v),
      removeItem: (k: string) => storage.delete(k),
    },
    fetch: (url: string, init: { headers: Record<string, string> }) => {
      requests.push({ url, headers: init.headers });
      const r = respond(url, init.headers.Accept);
      return Promise.resolve({
        status: r.status,
        ok: r.status < 400,
        json: () => Promise.resolve(r.body),
        blob: () => Promise.resolve(r.text ?? ''),
        headers: { get: (name: string) => r.headers?.[name] ?? null },
      });
    },
    Option: function Option(this: { text: string; value: string }, text: string, value: string) {
      this.text = text;
      this.value = value;
    },
    URL: { createObjectURL: () => 'blob:csv', revokeObjectURL: () => undefined },
    URLSearchParams,
    Intl,
    // The page revokes download URLs later; that timer must not keep the test process alive.
    setTimeout: (fn: () => void, ms: number) => setTimeout(fn, ms).unref(),
  });
  runInContext(DASHBOARD_JS, context);
  const el = (id: string) => {
    const found = elements.get(id);
    if (!found) throw new Error(`no element #${id}`);
    return found;
  };
  const settled = async () => {
    for (
      let i = 0;
      i < 50 && ['starting', 'loading'].includes(body.getAttribute('data-state') ?? 'starting');
      i++
    ) {
      await new Promise((r) => setImmediate(r));
    }
    return body.getAttribute('data-state');
  };
  return { el, body, storage, requests, settled };
}

describe('dashboard page script', () => {
  it('asks for a token and calls nothing without one', async () => {
    const page = dashboard();
    expect(await page.settled()).toBe('no-token');
    expect(page.el('message').hidden).toBe(false);
    expect(page.el('message').textContent).toContain('Paste a manager token');
    expect(page.el('report').hidden).toBe(true);
    expect(page.requests).toEqual([]);
  });

  it('keeps a pasted token for the tab and draws the charts and tables from the API', async () => {
    const page = dashboard();
    await page.settled();
    page.el('token-input').value = '  Bearer abc.def.ghi ';
    page.el('token-form').dispatch('submit');
    expect(await page.settled()).toBe('ready');
    expect(page.storage.get('casebridge.reporting.token')).toBe('abc.def.ghi');
    expect(page.el('token-input').value).toBe('');
    expect(page.requests[0]).toEqual({
      url: '/v1/reports/host-countries',
      headers: { Authorization: 'Bearer abc.def.ghi', Accept: 'application/json' },
    });
    expect(page.el('report').hidden).toBe(false);
    expect(page.el('message').hidden).toBe(true);
    const statusChart = page.el('status-chart').innerHTML;
    expect(statusChart).toContain('data-group="RU" data-total="7"');
    expect(statusChart).toContain('data-group="KZ" data-series="in_progress" data-value="1"');
    expect(page.el('monthly-chart').innerHTML).toContain(
      'data-group="2026-01" data-series="received" data-value="6"',
    );
    expect(page.el('headline').textContent).toContain('Cases received10');
    expect(page.el('headline').textContent).toContain('Resolution rate10 %');
    expect(
      page
        .el('country-table')
        .rows()
        .map((r) => r.getAttribute('data-key')),
    ).toEqual(['RU', 'KZ']);
    expect(page.el('country').options.map((o) => o.value)).toEqual(['RU', 'KZ']);
    expect(page.el('freshness').textContent).toBe('Data as of 2026-03-01T10:00:00.000Z (lag 0 s).');
  });

  it('sends the filters and shows one host country in detail', async () => {
    const page = dashboard({ token: 't' });
    await page.settled();
    page.el('from').value = '2026-01-01';
    page.el('category').value = 'unpaid_wages';
    page.el('country').value = 'RU';
    page.el('filters').dispatch('submit');
    expect(await page.settled()).toBe('ready');
    expect(page.requests.slice(-2).map((r) => r.url)).toEqual([
      '/v1/reports/host-countries?from=2026-01-01&category=unpaid_wages',
      '/v1/reports/host-countries/RU?from=2026-01-01&category=unpaid_wages',
    ]);
    expect(page.el('country-detail').hidden).toBe(false);
    expect(
      page
        .el('city-table')
        .rows()
        .map((r) => r.getAttribute('data-key')),
    ).toEqual(['Moscow', '(none)']);
    expect(page.el('monthly-chart-title').textContent).toBe('Cases per month – RU');
  });

  it.each([
    [401, 'The token was refused'],
    [403, 'a manager or admin token is needed'],
  ])('explains a %i plainly and hides the figures', async (status, text) => {
    const page = dashboard({ token: 't', respond: () => ({ status, body: {} }) });
    expect(await page.settled()).toBe('error');
    expect(page.el('message').textContent).toContain(text);
    expect(page.el('message').className).toBe('error');
    expect(page.el('report').hidden).toBe(true);
  });

  it('shows the detail of a refused filter', async () => {
    const page = dashboard({
      token: 't',
      respond: () => ({ status: 400, body: { detail: 'Invalid fields: from.' } }),
    });
    expect(await page.settled()).toBe('error');
    expect(page.el('message').textContent).toBe('Invalid fields: from.');
  });

  it('downloads the CSV with the token and the filters', async () => {
    const page = dashboard({
      token: 't',
      respond: (_url, accept) =>
        accept === 'text/csv'
          ? {
              status: 200,
              text: 'host_country\r\n',
              headers: {
                'Content-Disposition':
                  'attachment; filename="casebridge-host-countries-2026-03-01.csv"',
              },
            }
          : { status: 200, body: REPORT },
    });
    await page.settled();
    page.el('download-csv').dispatch('click');
    await new Promise((r) => setImmediate(r));
    await new Promise((r) => setImmediate(r));
    expect(page.requests.at(-1)).toEqual({
      url: '/v1/reports/host-countries',
      headers: { Authorization: 'Bearer t', Accept: 'text/csv' },
    });
    const link = page.body.children.find((c) => c.tagName === 'a');
    expect(link).toMatchObject({
      href: 'blob:csv',
      download: 'casebridge-host-countries-2026-03-01.csv',
      clicked: 1,
    });
  });

  it('downloads the XLSX workbook with the token and the filters', async () => {
    const xlsx = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
    const page = dashboard({
      token: 't',
      respond: (_url, accept) =>
        accept === xlsx
          ? {
              status: 200,
              text: 'PK',
              headers: {
                'Content-Disposition':
                  'attachment; filename="casebridge-host-countries-2026-03-01.xlsx"',
              },
            }
          : { status: 200, body: REPORT },
    });
    await page.settled();
    page.el('download-xlsx').dispatch('click');
    await new Promise((r) => setImmediate(r));
    await new Promise((r) => setImmediate(r));
    expect(page.requests.at(-1)).toEqual({
      url: '/v1/reports/host-countries',
      headers: { Authorization: 'Bearer t', Accept: xlsx },
    });
    const link = page.body.children.find((c) => c.tagName === 'a');
    expect(link).toMatchObject({
      download: 'casebridge-host-countries-2026-03-01.xlsx',
      clicked: 1,
    });
  });

  it('forgets the token on request', async () => {
    const page = dashboard({ token: 't' });
    await page.settled();
    page.el('forget-token').dispatch('click');
    expect(await page.settled()).toBe('no-token');
    expect(page.storage.size).toBe(0);
  });
});

describe('dashboard files', () => {
  it('keep every script and style in files of their own, so the CSP needs no inline exception', () => {
    expect(DASHBOARD_HTML).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>/);
    expect(DASHBOARD_HTML).not.toMatch(/<style|\sstyle=|\son\w+=|javascript:/i);
    expect([...DASHBOARD_HTML.matchAll(/<script[^>]*\ssrc="([^"]+)"/g)].map((m) => m[1])).toEqual([
      '/dashboard/dashboard.js',
    ]);
    expect(DASHBOARD_HTML).toContain('<link rel="stylesheet" href="/dashboard/dashboard.css" />');
  });

  it('bundle the page script into one plain script that needs no module loader', () => {
    expect(DASHBOARD_JS).not.toMatch(/\brequire\(|\bexports\.|\bimport\(|^\s*(import|export)\s/m);
    // The vocabulary comes from the contracts: every category is an option of the filter.
    expect(DASHBOARD_JS).toContain('"illegal_recruitment_fees"');
  });

  it('are served as built by npm run build', () => {
    const out = mkdtempSync(join(tmpdir(), 'dashboard-'));
    try {
      buildDashboard(DASHBOARD_WEB_DIR, out);
      expect(loadDashboardAssets(out)).toEqual(DASHBOARD);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  it('go out with a strict Content-Security-Policy and no sniffing', () => {
    const headers = (method: keyof DashboardController) =>
      Object.fromEntries(
        (
          Reflect.getMetadata(HEADERS_METADATA, DashboardController.prototype[method]) as {
            name: string;
            value: string;
          }[]
        ).map((h) => [h.name, h.value]),
      );
    const controller = new DashboardController();
    expect(controller.page()).toBe(DASHBOARD.html);
    expect(controller.script()).toBe(DASHBOARD.js);
    expect(controller.stylesheet()).toBe(DASHBOARD.css);
    expect(headers('page')).toEqual({
      'Content-Type': 'text/html; charset=utf-8',
      'Content-Security-Policy':
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
        "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'Cache-Control': 'no-cache',
    });
    expect(headers('script')).toEqual({
      'Content-Type': 'text/javascript; charset=utf-8',
      'X-Content-Type-Options': 'nosniff',
      'Cache-Control': 'no-cache',
    });
    expect(headers('stylesheet')).toEqual({
      'Content-Type': 'text/css; charset=utf-8',
      'X-Content-Type-Options': 'nosniff',
      'Cache-Control': 'no-cache',
    });
  });
});
