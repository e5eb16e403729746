import type { ReportingEnvironment } from '../config/reporting.environment';
import type { HostCountryReport } from './dto/host-country-report.response';
import type { ReportFilters } from './dto/report-query.dto';
import type { HostCountryReportsService } from './host-country-reports.service';
import { buildFigures } from './report-figures';
import { PUBLISHED_CACHE_SIZE, PublishedReports } from './published-reports';

const NO_FILTERS: ReportFilters = { from: null, to: null, category: null, consulateId: null };

function reportWith(received: number): HostCountryReport {
  const figures = buildFigures(new Map([['received', String(received)]]));
  return {
    asOf: '2026-03-01T10:00:00.000Z',
    lagSeconds: 7,
    filters: NO_FILTERS,
    rows: [{ hostCountry: 'RU', ...figures }],
    totals: figures,
    monthly: [],
  };
}

/** A service whose model is at `version`, counting how often a report is read from it. */
function fakeService() {
  const state = { version: 'v1', received: 40, reads: 0, lag: 3 };
  const service = {
    version: () => Promise.resolve(state.version),
    lagSeconds: () => Promise.resolve(state.lag),
    list: () => {
      state.reads += 1;
      return Promise.resolve({ version: state.version, report: reportWith(state.received) });
    },
    country: () => Promise.reject(new Error('not used')),
  };
  return { state, service: service as unknown as HostCountryReportsService };
}

describe('published reports', () => {
  const env = { REPORT_MIN_CELL_SIZE: 5 } as ReportingEnvironment;

  it('answers a repeated question from memory until the read model changes', async () => {
    const { state, service } = fakeService();
    const published = new PublishedReports(service, env);
    const first = await published.list(NO_FILTERS);
    expect(first.totals.received).toBe(40);
    state.lag = 0;
    const again = await published.list(NO_FILTERS);
    expect(state.reads).toBe(1);
    // The figures as published before, the lag measured now.
    expect({ ...again, lagSeconds: 7 }).toEqual(first);
    expect(again.lagSeconds).toBe(0);

    state.version = 'v2';
    state.received = 41;
    expect((await published.list(NO_FILTERS)).totals.received).toBe(41);
    expect(state.reads).toBe(2);
  });

  it('keeps answers per question, and only the most recently used ones', async () => {
    const { state, service } = fakeService();
    const published = new PublishedReports(service, env);
    const filters = (i: number): ReportFilters => ({
      ...NO_FILTERS,
      from: `2026-01-${String(1 + (i % 28)).padStart(2, '0')}`,
      to: `20${30 + Math.floor(i / 28)}-01-01`,
    });
    await published.list(filters(0));
    for (let i = 1; i <= PUBLISHED_CACHE_SIZE; i++) await published.list(filters(i));
    expect(state.reads).toBe(PUBLISHED_CACHE_SIZE + 1);
    // The first question was the least recently used: it is read again; the last one is not.
    await published.list(filters(PUBLISHED_CACHE_SIZE));
    expect(state.reads).toBe(PUBLISHED_CACHE_SIZE + 1);
    await published.list(filters(0));
    expect(state.reads).toBe(PUBLISHED_CACHE_SIZE + 2);
  });

  it('suppresses what it publishes', async () => {
    const { state, service } = fakeService();
    state.received = 3;
    const published = await new PublishedReports(service, env).list(NO_FILTERS);
    expect(published.rows).toEqual([]);
    expect(published.totals.received).toBeNull();
  });
});
