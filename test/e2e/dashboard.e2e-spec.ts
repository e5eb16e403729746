import { existsSync } from 'node:fs';
import { Browser, BrowserContext, chromium, Page } from 'playwright-core';
import { CASE_STATUSES, CaseAction, CaseStatus } from '@casebridge/contracts';
import { CaseBody, Destination, makeCase, seededRandom, submitCases } from '../support/cases';
import { waitFor } from '../support/infra';
import { ServiceClient } from '../support/service-client';
import {
  fetchReport,
  HostCountryReport,
  RunningSystem,
  startSystem,
  stopSystem,
  waitForReportTotals,
  waitUntilAllAssigned,
} from '../support/system';
import { tokenFor } from '../support/tokens';
import type { HostCountryReport as PublishedReport } from '../../apps/reporting/src/reports/dto/host-country-report.response';
import { publishHostCountryReport } from '../../apps/reporting/src/reports/small-cells';

/**
 * The reporting dashboard driven in headless Chromium (Debian's `chromium` package) against the
 * three real services: the charts must show the numbers of the cases this test submitted.
 * Without Chromium the suite fails and says what to install, unless
 * CASEBRIDGE_SKIP_BROWSER_TESTS=1 asks to skip it.
 */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const NO_CHROMIUM =
  `The dashboard tests need Chromium at ${CHROMIUM} and found none: ` +
  'install it with `apt-get install chromium` (or point CHROMIUM_PATH at one), ' +
  'or set CASEBRIDGE_SKIP_BROWSER_TESTS=1 to skip these tests.';
const SKIP = process.env.CASEBRIDGE_SKIP_BROWSER_TESTS === '1';
if (SKIP) {
  console.warn(
    'NOTICE: CASEBRIDGE_SKIP_BROWSER_TESTS=1 — the dashboard tests in headless Chromium are SKIPPED.',
  );
}

/** 30 cases in 4 host countries (12 RU, 8 KZ, 6 KR, 4 TR). */
const DESTINATIONS: [Destination, number][] = [
  [{ hostCountry: 'RU', hostCity: 'Moscow' }, 7],
  [{ hostCountry: 'RU', hostCity: 'Kazan' }, 5],
  [{ hostCountry: 'KZ', hostCity: 'Almaty' }, 8],
  [{ hostCountry: 'KR', hostCity: 'Seoul' }, 6],
  [{ hostCountry: 'TR', hostCity: 'Istanbul' }, 4],
];

/** Where each case is taken after its assignment, cycling per country; every status but `submitted`. */
const PLAN: { status: CaseStatus; actions: { action: CaseAction; [field: string]: unknown }[] }[] =
  [
    { status: 'assigned', actions: [] },
    { status: 'in_progress', actions: [{ action: 'start' }] },
    {
      status: 'resolved',
      actions: [
        { action: 'start' },
        { action: 'resolve', outcome: { type: 'legal_aid_provided' } },
      ],
    },
    {
      status: 'closed',
      actions: [
        { action: 'start' },
        { action: 'resolve', outcome: { type: 'documents_returned' } },
        { action: 'close' },
      ],
    },
    {
      status: 'awaiting_third_party',
      actions: [{ action: 'start' }, { action: 'await_third_party' }],
    },
    { status: 'withdrawn', actions: [{ action: 'withdraw', reason: 'complainant_request' }] },
    { status: 'rejected', actions: [{ action: 'reject', reason: 'out_of_scope' }] },
  ];

type StatusCounts = Record<CaseStatus, number>;

function zeroCounts(): StatusCounts {
  return Object.fromEntries(CASE_STATUSES.map((s) => [s, 0])) as StatusCounts;
}

interface Chart {
  /** data-group → data-series → data-value of every bar (segment) in the chart. */
  values: Map<string, Map<string, number>>;
  bars: number;
  /** Drawn height per unit of every bar with a value: one scale, so all equal. */
  pixelsPerCase: number[];
}

async function readChart(page: Page, selector: string): Promise<Chart> {
  const values = new Map<string, Map<string, number>>();
  const pixelsPerCase: number[] = [];
  const bars = await page.locator(`${selector} rect[data-series]`).all();
  for (const bar of bars) {
    const [group, series, value, height] = await Promise.all([
      bar.getAttribute('data-group'),
      bar.getAttribute('data-series'),
      bar.getAttribute('data-value'),
      bar.getAttribute('height'),
    ]);
    if (group === null || series === null || value === null) throw new Error('bar without data');
    const row = values.get(group) ?? new Map<string, number>();
    row.set(series, Number(value));
    values.set(group, row);
    if (Number(value) > 0) pixelsPerCase.push(Number(height) / Number(value));
  }
  return { values, bars: bars.length, pixelsPerCase };
}

const describeBrowser = SKIP ? describe.skip : describe;

describeBrowser('The reporting dashboard in headless Chromium', () => {
  let system: RunningSystem | undefined;
  let browser: Browser | undefined;
  let bodies: CaseBody[];
  /** Per host country: the statuses this test drove its cases to. */
  const expected = new Map<string, StatusCounts>();
  let report: HostCountryReport;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(NO_CHROMIUM);
    // The charts must show every number this test drove the cases to, small ones included:
    // small-cell suppression off on purpose; the last test shows a suppressed report.
    system = await startSystem({ REPORT_MIN_CELL_SIZE: '1' });

    const random = seededRandom(5005);
    bodies = DESTINATIONS.flatMap(([destination, n]) =>
      Array<Destination>(n).fill(destination),
    ).map((destination, i) => makeCase(random, destination, 500_000 + i));
    const ids = await submitCases(system.intake.url, bodies);
    await waitUntilAllAssigned(ids);

    const intake = new ServiceClient(system.intake.url);
    const perCountry = new Map<string, number>();
    for (const [i, id] of ids.entries()) {
      const country = bodies[i].hostCountry;
      const index = perCountry.get(country) ?? 0;
      perCountry.set(country, index + 1);
      const plan = PLAN[index % PLAN.length];
      const counts = expected.get(country) ?? zeroCounts();
      counts[plan.status] += 1;
      expected.set(country, counts);
      if (plan.actions.length === 0) continue;
      const file = await intake.call<{ consulateId: string }>(
        { role: 'intake_officer' },
        'GET',
        `/v1/cases/${id}`,
      );
      expect(file.status).toBe(200);
      const caseworker = { role: 'caseworker' as const, consulateId: file.body.consulateId };
      for (const body of plan.actions) {
        const moved = await intake.call(caseworker, 'POST', `/v1/cases/${id}/transitions`, body);
        if (moved.status !== 200)
          throw new Error(
            `${body.action} on ${id}: HTTP ${moved.status} ${JSON.stringify(moved.body)}`,
          );
      }
    }

    await waitForReportTotals(system.reporting.url, bodies.length, bodies.length);
    report = await waitFor(
      'the report to show every status change',
      async () => {
        const current = await fetchReport(system!.reporting.url);
        const settled = [...expected].every(([country, counts]) => {
          const row = current.rows.find((r) => r.hostCountry === country);
          return JSON.stringify(row?.byStatus) === JSON.stringify(counts);
        });
        return settled ? current : undefined;
      },
      120_000,
      500,
    );

    try {
      // Playwright gives the browser a new empty profile (--user-data-dir) and removes it on close.
      browser = await chromium.launch({
        executablePath: CHROMIUM,
        headless: true,
        args: CHROMIUM_ARGS,
      });
    } catch (error) {
      throw new Error(`Chromium at ${CHROMIUM} did not start: ${(error as Error).message}`);
    }
  });

  afterAll(async () => {
    await browser?.close();
    await stopSystem(system);
  });

  // Every test's pages run without script errors, Content-Security-Policy violations or failed
  // requests.
  afterEach(() => {
    expect(pageErrors.splice(0)).toEqual([]);
  });

  /** A fresh tab (empty sessionStorage) on the dashboard; page errors and CSP reports are kept. */
  async function openDashboard(): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser!.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(`page error: ${error.message}`));
    page.on('console', (message) => {
      // Failed requests are checked by URL below; every other console error is a defect.
      if (message.type() === 'error' && !message.text().startsWith('Failed to load resource'))
        pageErrors.push(`console: ${message.text()}`);
    });
    page.on('response', (response) => {
      const path = new URL(response.url()).pathname;
      // 401/403 are what the token tests ask for; the browser's own favicon probe may 404.
      const expectedFailure =
        (path.startsWith('/v1/reports/') && [401, 403].includes(response.status())) ||
        path === '/favicon.ico';
      if (response.status() >= 400 && !expectedFailure)
        pageErrors.push(`HTTP ${response.status()} for ${path}`);
    });
    const response = await page.goto(`${system!.reporting.url}/dashboard`);
    expect(response?.status()).toBe(200);
    return { context, page };
  }

  async function enterToken(page: Page, token: string): Promise<void> {
    await page.fill('#token-input', token);
    await page.click('#token-form button[type="submit"]');
  }

  it('without a token, asks plainly for a manager token and shows no report', async () => {
    const { context, page } = await openDashboard();
    try {
      await page.waitForSelector('body[data-state="no-token"]');
      const message = page.locator('#message');
      await expect(message.isVisible()).resolves.toBe(true);
      await expect(message.textContent()).resolves.toBe(
        'Paste a manager token above to see the reports.',
      );
      await expect(page.locator('#report').isHidden()).resolves.toBe(true);
      await expect(page.locator('#token-input').isVisible()).resolves.toBe(true);
      expect(await page.locator('rect[data-series]').count()).toBe(0);
    } finally {
      await context.close();
    }
  });

  it("with a manager token, draws each host country's bar split by status with the numbers of the submitted cases", async () => {
    const { context, page } = await openDashboard();
    try {
      await page.waitForSelector('body[data-state="no-token"]');
      await enterToken(page, tokenFor('manager'));
      await page.waitForSelector('body[data-state="ready"]', { timeout: 30_000 });
      await expect(page.locator('#message').isHidden()).resolves.toBe(true);
      await expect(page.locator('#token-input').inputValue()).resolves.toBe('');

      const chart = await readChart(page, '#status-chart');
      // What the test drove the cases to, what the JSON report says, and what the chart shows.
      const fromChart = new Map<string, StatusCounts>();
      for (const [country, series] of chart.values) {
        const counts = zeroCounts();
        for (const [status, value] of series) counts[status as CaseStatus] = value;
        fromChart.set(country, counts);
      }
      const fromReport = new Map(report.rows.map((r) => [r.hostCountry, r.byStatus]));
      expect(Object.fromEntries(fromChart)).toEqual(Object.fromEntries(expected));
      expect(Object.fromEntries(fromReport)).toEqual(Object.fromEntries(expected));
      expect([...chart.values.keys()].sort()).toEqual(['KR', 'KZ', 'RU', 'TR']);
      // One segment per non-zero status, no empty segments.
      const nonZero = [...expected.values()].flatMap((c) => Object.values(c).filter((n) => n > 0));
      expect(chart.bars).toBe(nonZero.length);
      // Drawn to one scale: every segment's height is proportional to its number.
      for (const ratio of chart.pixelsPerCase) expect(ratio).toBeCloseTo(chart.pixelsPerCase[0], 6);
      expect(chart.pixelsPerCase[0]).toBeGreaterThan(0);
      // Each bar's total is the country's received count, in the report's order (most cases first).
      const groups = page.locator('#status-chart g.bar');
      const order: string[] = [];
      for (const group of await groups.all()) {
        const country = (await group.getAttribute('data-group'))!;
        order.push(country);
        const submitted = bodies.filter((b) => b.hostCountry === country).length;
        expect({ country, total: Number(await group.getAttribute('data-total')) }).toEqual({
          country,
          total: submitted,
        });
      }
      expect(order).toEqual(report.rows.map((r) => r.hostCountry));
      expect(order).toEqual(['RU', 'KZ', 'KR', 'TR']);
    } finally {
      await context.close();
    }
  });

  it('with a manager token, shows the monthly chart and headline figures that match the totals', async () => {
    const { context, page } = await openDashboard();
    try {
      await enterToken(page, tokenFor('manager'));
      await page.waitForSelector('body[data-state="ready"]', { timeout: 30_000 });

      const total = zeroCounts();
      for (const counts of expected.values())
        for (const status of CASE_STATUSES) total[status] += counts[status];

      const monthly = await readChart(page, '#monthly-chart');
      const fromReport = (
        report as unknown as { monthly: { month: string; received: number; resolved: number }[] }
      ).monthly;
      expect(fromReport.length).toBeGreaterThan(0);
      expect(monthly.bars).toBe(fromReport.length * 2);
      for (const point of fromReport) {
        expect({
          month: point.month,
          ...Object.fromEntries(monthly.values.get(point.month)!),
        }).toEqual({ month: point.month, received: point.received, resolved: point.resolved });
      }
      const sum = (series: string) =>
        [...monthly.values.values()].reduce((n, s) => n + (s.get(series) ?? 0), 0);
      expect(sum('received')).toBe(bodies.length);
      for (const ratio of monthly.pixelsPerCase)
        expect(ratio).toBeCloseTo(monthly.pixelsPerCase[0], 6);
      expect(sum('resolved')).toBe(total.resolved + total.closed);

      const headline = async (id: string) => page.locator(`#headline-${id} dd`).textContent();
      const open =
        total.submitted + total.assigned + total.in_progress + total.awaiting_third_party;
      expect(report.totals).toMatchObject({
        received: bodies.length,
        open,
        resolved: total.resolved,
        closed: total.closed,
      });
      await expect(headline('received')).resolves.toBe(String(bodies.length));
      await expect(headline('open')).resolves.toBe(String(open));
      await expect(headline('resolved')).resolves.toBe(String(total.resolved + total.closed));
      const rate = (total.resolved + total.closed) / bodies.length;
      expect(report.totals.resolutionRate).toBeCloseTo(rate, 4);
      await expect(headline('resolution-rate')).resolves.toBe(`${Math.round(rate * 1000) / 10} %`);

      // The country table repeats the chart's numbers.
      for (const row of report.rows) {
        const cells = page.locator(`#country-table tr[data-key="${row.hostCountry}"] > *`);
        await expect(cells.nth(1).textContent()).resolves.toBe(String(row.received));
      }
      // Statistics only: nothing personal of the submitted cases reaches the page.
      const text = (await page.locator('body').textContent()) ?? '';
      for (const body of bodies) {
        expect(text).not.toContain(body.complainant.fullName);
        expect(text).not.toContain(body.complainant.passportNumber);
      }
    } finally {
      await context.close();
    }
  });

  it('with a caseworker token, says that a manager or admin token is needed (403) and shows no report', async () => {
    const { context, page } = await openDashboard();
    try {
      await enterToken(page, tokenFor('caseworker', 'RU-MOW'));
      await page.waitForSelector('body[data-state="error"]', { timeout: 30_000 });
      await expect(page.locator('#message').textContent()).resolves.toBe(
        'This token may not read reports: a manager or admin token is needed.',
      );
      await expect(page.locator('#report').isHidden()).resolves.toBe(true);
      expect(await page.locator('rect[data-series]').count()).toBe(0);
    } finally {
      await context.close();
    }
  });

  it('with a token the service refuses (401), asks for a fresh manager token', async () => {
    const { context, page } = await openDashboard();
    try {
      await enterToken(page, `${tokenFor('manager')}x`);
      await page.waitForSelector('body[data-state="error"]', { timeout: 30_000 });
      await expect(page.locator('#message').textContent()).resolves.toBe(
        'The token was refused (invalid or expired). Paste a fresh manager token.',
      );
    } finally {
      await context.close();
    }
  });

  it('shows a suppressed report: [c] for small cells with an explanation, and the (other) row', async () => {
    // The same cases with minimum cell size 5, as the service publishes them by default.
    const suppressed = publishHostCountryReport(report as unknown as PublishedReport, 5);
    expect(suppressed.rows.map((r) => [r.hostCountry, r.received])).toEqual([
      ['RU', 12],
      ['KZ', 8],
      ['(other)', 10],
    ]);
    const { context, page } = await openDashboard();
    try {
      await page.route(
        (url) => url.pathname === '/v1/reports/host-countries',
        (route) =>
          route.fulfill({
            status: 200,
            contentType: 'application/json',
            body: JSON.stringify(suppressed),
          }),
      );
      await enterToken(page, tokenFor('manager'));
      await page.waitForSelector('body[data-state="ready"]', { timeout: 30_000 });

      const note = (await page.locator('#suppression').textContent()) ?? '';
      expect(note).toContain(
        '[c] marks a figure suppressed because it describes fewer than 5 cases',
      );
      expect(note).toContain('"(other)" merges the 2 host countries');
      // Each bar still adds up to the row's received: what is suppressed is one grey segment.
      const chart = await readChart(page, '#status-chart');
      expect([...chart.values.keys()]).toEqual(['RU', 'KZ', '(other)']);
      for (const row of suppressed.rows) {
        const segments = [...chart.values.get(row.hostCountry)!.values()];
        expect(segments.reduce((a, b) => a + b, 0)).toBe(row.received);
        for (const [status, value] of chart.values.get(row.hostCountry)!) {
          if (status !== 'suppressed') expect(value).toBe(row.byStatus[status as CaseStatus]);
        }
      }
      // The table's counts (received … SLA breaches): none between 1 and 4; a suppressed one says why.
      let marked = 0;
      for (const tr of await page.locator('#country-table tbody tr').all()) {
        const counts = (await tr.locator('td').allTextContents()).slice(0, 9);
        for (const [i, text] of counts.entries()) {
          if (/^\d+$/.test(text)) expect(Number(text) === 0 || Number(text) >= 5).toBe(true);
          if (text !== '[c]') continue;
          marked++;
          await expect(tr.locator('td').nth(i).getAttribute('title')).resolves.toContain(
            'fewer than 5 cases',
          );
        }
      }
      expect(marked).toBeGreaterThan(0);
      await expect(
        page.locator('#country-table tr[data-key="(other)"] > *').nth(1).textContent(),
      ).resolves.toBe('10');
      // The merged row has no detail report of its own.
      const options = await page.locator('#country option').allTextContents();
      expect(options).not.toContain('(other)');
    } finally {
      await context.close();
    }
  });
});
