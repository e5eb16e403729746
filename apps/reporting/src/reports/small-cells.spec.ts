import fc from 'fast-check';
import {
  CASE_CATEGORIES,
  CaseCategory,
  CaseStatus,
  OutcomeType,
  Priority,
  RISK_INDICATORS,
  RiskIndicator,
} from '@casebridge/contracts';
import { disclosuresInDetail, disclosuresInList } from '../../../../test/support/disclosure-check';
import { Metric } from '../read-model/metrics';
import type {
  CityRow,
  ConsulateRow,
  HostCountryDetail,
  HostCountryReport,
  HostCountryRow,
  ReportFigures,
} from './dto/host-country-report.response';
import { buildFigures, monthlySeries } from './report-figures';
import {
  MERGED_ROW_KEY,
  mergeFigures,
  publishHostCountryDetail,
  publishHostCountryReport,
} from './small-cells';

/** One case as the read model counts it. */
interface FakeCase {
  country: string;
  city: string | null;
  consulate: string | null;
  month: string;
  status: CaseStatus;
  category: CaseCategory;
  priority: Priority;
  risks: RiskIndicator[];
  assigned: boolean;
  breaches: number;
  claimed: { currency: string; amount: number } | null;
  recovered: { currency: string; amount: number } | null;
}

const FINISHED: CaseStatus[] = ['resolved', 'closed'];

function sumsOf(cases: readonly FakeCase[], withCaseCounts = true): Map<string, string> {
  const sums = new Map<string, number>();
  const add = (metric: string, value = 1) => sums.set(metric, (sums.get(metric) ?? 0) + value);
  for (const c of cases) {
    add(Metric.received);
    add(Metric.status(c.status));
    add(Metric.category(c.category));
    add(Metric.priority(c.priority));
    if (c.assigned) add(Metric.assigned);
    for (const r of c.risks) add(Metric.risk(r));
    if (c.breaches > 0) add(Metric.slaBreaches('acceptance'), c.breaches);
    if (FINISHED.includes(c.status)) add(Metric.outcome(outcomeOf(c)));
    if (c.claimed) {
      add(Metric.claimed(c.claimed.currency), c.claimed.amount);
      if (withCaseCounts) add(Metric.claimedCases(c.claimed.currency));
    }
    if (c.recovered && FINISHED.includes(c.status)) {
      add(Metric.recovered(c.recovered.currency), c.recovered.amount);
      if (withCaseCounts) add(Metric.recoveredCases(c.recovered.currency));
    }
  }
  return new Map([...sums].map(([k, v]) => [k, String(v)]));
}

function outcomeOf(c: FakeCase): OutcomeType {
  return c.recovered ? 'wages_recovered' : 'legal_aid_provided';
}

/** Order statistics as a non-empty set of cases has them (their estimation is tested elsewhere). */
const STATISTICS = {
  medianHoursToAssignment: 2,
  medianHoursToFirstAction: 1,
  medianDaysToResolution: 10,
  p90HoursToAssignment: 6,
  p90HoursToFirstAction: 3,
  p90DaysToResolution: 30,
};

function figures(cases: readonly FakeCase[], withCaseCounts = true) {
  const exact = buildFigures(sumsOf(cases, withCaseCounts));
  return cases.length ? { ...exact, ...STATISTICS } : exact;
}

function groupBy<T>(items: readonly T[], key: (t: T) => string | null): Map<string | null, T[]> {
  const groups = new Map<string | null, T[]>();
  for (const item of items) groups.set(key(item), [...(groups.get(key(item)) ?? []), item]);
  return groups;
}

const byReceived = <R extends { received: number }>(rows: R[]) =>
  rows.sort((a, b) => b.received - a.received);

/** The list report the service would compute over these cases. */
function listOf(cases: readonly FakeCase[], withCaseCounts = true): HostCountryReport {
  const rows: HostCountryRow[] = byReceived(
    [...groupBy(cases, (c) => c.country)].map(([country, group]) => ({
      hostCountry: country!,
      ...figures(group, withCaseCounts),
    })),
  );
  return {
    asOf: '2026-06-01T00:00:00.000Z',
    lagSeconds: 0,
    filters: { from: null, to: null, category: null, consulateId: null },
    rows,
    totals: figures(cases, withCaseCounts),
    monthly: monthlyOf(cases),
  };
}

function monthlyOf(cases: readonly FakeCase[]) {
  const count = (list: readonly FakeCase[]) =>
    new Map([...groupBy(list, (c) => c.month)].map(([m, g]) => [m!, g.length]));
  return monthlySeries(
    '2026-01-01',
    '2026-06-30',
    count(cases),
    count(cases.filter((c) => FINISHED.includes(c.status))),
  );
}

/** The detail report of one country over these cases. */
function detailOf(cases: readonly FakeCase[], country: string): HostCountryDetail {
  const mine = cases.filter((c) => c.country === country);
  const byCity: CityRow[] = byReceived(
    [...groupBy(mine, (c) => c.city)].map(([hostCity, g]) => ({ hostCity, ...figures(g) })),
  );
  const byConsulate: ConsulateRow[] = byReceived(
    [...groupBy(mine, (c) => c.consulate)].map(([consulateId, g]) => ({
      consulateId,
      ...figures(g),
    })),
  );
  return {
    asOf: null,
    lagSeconds: null,
    filters: { from: null, to: null, category: 'unpaid_wages', consulateId: null },
    country: { hostCountry: country, ...figures(mine) },
    monthly: monthlyOf(mine),
    byCity,
    byConsulate,
  };
}

const base: FakeCase = {
  country: 'RU',
  city: 'Moscow',
  consulate: 'RU-MOW',
  month: '2026-03',
  status: 'assigned',
  category: 'unpaid_wages',
  priority: 'normal',
  risks: [],
  assigned: true,
  breaches: 0,
  claimed: null,
  recovered: null,
};

const many = (n: number, c: Partial<FakeCase> = {}): FakeCase[] =>
  Array.from({ length: n }, () => ({ ...base, ...c }));

const arbitraryCase: fc.Arbitrary<FakeCase> = fc.record({
  country: fc.constantFrom('RU', 'KZ', 'KR', 'TR', 'DE'),
  city: fc.constantFrom('Moscow', 'Kazan', 'other', null),
  consulate: fc.constantFrom('RU-MOW', 'RU-KZN', null),
  month: fc.constantFrom('2026-01', '2026-02', '2026-03', '2026-04'),
  status: fc.constantFrom<CaseStatus>(
    'submitted',
    'assigned',
    'in_progress',
    'awaiting_third_party',
    'resolved',
    'closed',
    'withdrawn',
  ),
  category: fc.constantFrom<CaseCategory>('unpaid_wages', 'forced_labour', 'trafficking'),
  priority: fc.constantFrom<Priority>('urgent', 'high', 'normal'),
  risks: fc.subarray<RiskIndicator>(['deception', 'isolation', 'debt_bondage']),
  assigned: fc.boolean(),
  breaches: fc.constantFrom(0, 0, 1),
  claimed: fc.option(
    fc.record({
      currency: fc.constantFrom('RUB', 'KZT', 'EUR'),
      amount: fc.integer({ min: 1, max: 900 }),
    }),
  ),
  recovered: fc.option(
    fc.record({
      currency: fc.constantFrom('RUB', 'USD'),
      amount: fc.integer({ min: 1, max: 900 }),
    }),
  ),
});

/** Every published count, wherever it is. */
function allCounts(report: unknown): number[] {
  const out: number[] = [];
  const walk = (value: unknown, key: string) => {
    if (
      typeof value === 'number' &&
      !/^(median|p90|resolutionRate|lagSeconds|amountClaimed$|amountRecovered$)/.test(key)
    )
      out.push(value);
    else if (
      value !== null &&
      typeof value === 'object' &&
      !['amountClaimed', 'amountRecovered', 'suppression'].includes(key)
    )
      for (const [k, v] of Object.entries(value)) walk(v, Array.isArray(value) ? key : k);
  };
  walk(report, '');
  return out;
}

describe('small-cell suppression of host-country reports', () => {
  it('with minimum cell size 1, publishes every figure as the service computed it', () => {
    const raw = listOf([
      ...many(3),
      ...many(1, { country: 'KZ', claimed: { currency: 'EUR', amount: 5 } }),
    ]);
    const published = publishHostCountryReport(raw, 1);
    expect(published).toEqual({
      ...raw,
      suppression: { minCellSize: 1, suppressedCells: 0, allSuppressed: false, mergedRows: [] },
    });
    const detail = detailOf([...many(2), ...many(1, { city: null })], 'RU');
    expect(publishHostCountryDetail(detail, 1)).toEqual({
      ...detail,
      suppression: { minCellSize: 1, suppressedCells: 0, allSuppressed: false, mergedRows: [] },
    });
  });

  it('merges the countries with fewer than k cases into one (other) row, adding the next-smallest until it has k', () => {
    const raw = listOf([
      ...many(20),
      ...many(9, { country: 'KZ' }),
      ...many(6, { country: 'KR' }),
      ...many(3, { country: 'TR' }),
    ]);
    const published = publishHostCountryReport(raw, 5);
    // TR (3) alone would be 3 = totals − the rest: KR (6), the next-smallest, joins it.
    expect(published.rows.map((r) => [r.hostCountry, r.received])).toEqual([
      ['RU', 20],
      ['KZ', 9],
      [MERGED_ROW_KEY, 9],
    ]);
    expect(published.suppression?.mergedRows).toEqual([
      { field: 'hostCountry', key: MERGED_ROW_KEY, groups: 2 },
    ]);
    const other = published.rows[2];
    expect(other.byStatus.assigned).toBe(9);
    // A median cannot be recomputed from its parts.
    expect(other.medianHoursToAssignment).toBeNull();
    expect(published.totals.received).toBe(38);
    expect(published.rows.reduce((s, r) => s + r.received, 0)).toBe(38);
    expect(disclosuresInList(published, 5)).toEqual([]);
  });

  it('adds up the figures of merged rows, counts and money alike', () => {
    const a = figures(many(2, { claimed: { currency: 'RUB', amount: 10.5 } }));
    const b = figures(many(1, { status: 'resolved', claimed: { currency: 'RUB', amount: 1 } }));
    expect(mergeFigures([a, b])).toMatchObject({
      received: 3,
      open: 2,
      resolved: 1,
      byStatus: { assigned: 2, resolved: 1 },
      resolutionRate: 0.3333,
      amountClaimed: { RUB: 22 },
      amountClaimedCases: { RUB: 3 },
      medianHoursToAssignment: null,
    });
  });

  it('suppresses everything when the whole report has fewer than k cases', () => {
    const published = publishHostCountryReport(listOf(many(4)), 5);
    expect(published.rows).toEqual([]);
    expect(published.totals.received).toBeNull();
    expect(published.totals.byStatus.assigned).toBeNull();
    expect(published.monthly.every((p) => p.received === null && p.resolved === null)).toBe(true);
    expect(published.suppression).toMatchObject({ allSuppressed: true, minCellSize: 5 });
    expect(allCounts(published).filter((v) => v > 0)).toEqual([]);
    const detail = publishHostCountryDetail(detailOf(many(3), 'RU'), 5);
    expect(detail.byCity).toEqual([]);
    expect(detail.country).toMatchObject({ hostCountry: 'RU', received: null, open: null });
  });

  it('answers a report without cases with zeros, which single nobody out', () => {
    const published = publishHostCountryReport(listOf([]), 5);
    expect(published.totals.received).toBe(0);
    expect(published.totals.byStatus.assigned).toBe(0);
    expect(published.suppression?.suppressedCells).toBe(0);
  });

  it('suppresses a small status together with a complement, so that neither follows from received or open', () => {
    const published = publishHostCountryReport(
      listOf([
        ...many(10),
        ...many(2, { status: 'in_progress' }),
        ...many(8, { status: 'withdrawn' }),
      ]),
      5,
    );
    const ru = published.rows[0];
    expect(ru.byStatus.in_progress).toBeNull();
    expect(ru.inProgress).toBeNull();
    expect(ru.byStatus.submitted).toBe(0);
    // in_progress (2) and its complement: the smallest open status left, assigned (10).
    expect(ru.byStatus.assigned).toBeNull();
    expect(ru.byStatus.withdrawn).toBe(8);
    expect(ru.open).toBe(12);
    expect(disclosuresInList(published, 5)).toEqual([]);
  });

  it('suppresses small categories, priorities, indicators, SLA breaches and outcomes with complements', () => {
    const published = publishHostCountryReport(
      listOf([
        ...many(7, { category: 'unpaid_wages', priority: 'normal' }),
        ...many(2, { category: 'forced_labour', priority: 'urgent', risks: ['deception'] }),
        ...many(1, { category: 'trafficking', priority: 'urgent', breaches: 1 }),
        ...many(3, { status: 'resolved', priority: 'high', assigned: false }),
      ]),
      5,
    );
    const t = published.totals;
    expect([t.byCategory.forced_labour, t.byCategory.trafficking]).toEqual([null, null]);
    expect(t.byCategory.unpaid_wages).toBeNull();
    expect(t.byCategory.deportation).toBe(0);
    expect(t.riskIndicators.deception).toBeNull();
    expect(t.slaBreaches).toBeNull();
    expect(t.assigned).toBeNull();
    expect(t.outcomes.legal_aid_provided).toBeNull();
    expect(t.resolutionRate).toBeNull();
    expect(t.medianDaysToResolution).toBeNull();
    expect(t.medianHoursToAssignment).toBe(2);
    expect(disclosuresInList(published, 5)).toEqual([]);
  });

  it('shows a sum of money only when k cases or more make it up, and never one that follows from the totals', () => {
    const published = publishHostCountryReport(
      listOf([
        ...many(6, { claimed: { currency: 'RUB', amount: 100 } }),
        ...many(10, { country: 'KZ', claimed: { currency: 'KZT', amount: 70 } }),
        ...many(5, { country: 'KZ' }),
        ...many(2, { country: 'KR', claimed: { currency: 'RUB', amount: 50 } }),
        ...many(5, { country: 'KR' }),
        ...many(3, { country: 'TR', claimed: { currency: 'EUR', amount: 20 } }),
        ...many(4, { country: 'TR' }),
      ]),
      5,
    );
    const row = (c: string) => published.rows.find((r) => r.hostCountry === c)!;
    // KR's 2 RUB claims are too few; RU's 6 would give them away through the totals.
    expect(row('KR').amountClaimed).toEqual({ RUB: null });
    expect(row('RU').amountClaimed).toEqual({ RUB: null });
    expect(row('RU').amountClaimedCases).toEqual({ RUB: null });
    expect(row('KZ').amountClaimed).toEqual({ KZT: 700 });
    expect(row('KZ').amountClaimedCases).toEqual({ KZT: 10 });
    expect(row('TR').amountClaimed).toEqual({ EUR: null });
    // The totals: 8 RUB claims, 10 KZT, only 3 EUR.
    expect(published.totals.amountClaimed).toEqual({ EUR: null, KZT: 700, RUB: 700 });
    expect(disclosuresInList(published, 5)).toEqual([]);
  });

  it('suppresses a count of cases whose complement (the cases without it) is small', () => {
    const published = publishHostCountryReport(
      listOf([
        ...many(7, { claimed: { currency: 'RUB', amount: 100 }, risks: ['deception'] }),
        ...many(2),
      ]),
      5,
    );
    // 7 of 9 would say that 2 cases claim nothing and show no deception.
    expect(published.totals.amountClaimedCases).toEqual({ RUB: null });
    expect(published.totals.amountClaimed).toEqual({ RUB: null });
    expect(published.totals.riskIndicators.deception).toBeNull();
    expect(published.totals.riskIndicators.isolation).toBe(0);
  });

  it('treats a missing count of cases behind a sum (a read model not rebuilt) as too small', () => {
    const published = publishHostCountryReport(
      listOf(many(30, { claimed: { currency: 'RUB', amount: 100 } }), false),
      5,
    );
    expect(published.totals.amountClaimed).toEqual({ RUB: null });
    expect(published.rows[0].amountClaimed).toEqual({ RUB: null });
  });

  it('suppresses small months with a complement, so that none follows from the total', () => {
    const published = publishHostCountryReport(
      listOf([
        ...many(9, { month: '2026-01' }),
        ...many(2, { month: '2026-02' }),
        ...many(6, { month: '2026-04' }),
      ]),
      5,
    );
    expect(published.monthly.map((p) => p.received)).toEqual([9, null, 0, null, 0, 0]);
    expect(disclosuresInList(published, 5)).toEqual([]);
  });

  it('nulls every median and p90 whose set of cases is smaller than k, whatever order statistics exist', () => {
    const raw = listOf([...many(6), ...many(2, { status: 'resolved' })]);
    const withP90 = (f: ReportFigures) =>
      Object.assign(f, { p90HoursToAssignment: 9.5, p90DaysToResolution: 12, p90Unknown: 1 });
    raw.rows.forEach(withP90);
    withP90(raw.totals);
    const totals = publishHostCountryReport(raw, 5).totals as ReportFigures &
      Record<string, unknown>;
    expect(totals).toMatchObject({
      medianHoursToAssignment: 2,
      p90HoursToAssignment: 9.5,
      medianDaysToResolution: null,
      p90DaysToResolution: null,
      p90Unknown: null,
    });
  });

  it('merges small cities and consulates of a country, and protects both breakdowns against the country', () => {
    const cases = [
      ...many(8, { city: 'Moscow', consulate: 'RU-MOW' }),
      ...many(3, { city: 'Kazan', consulate: 'RU-KZN', status: 'in_progress' }),
      ...many(2, { city: 'other', consulate: 'RU-MOW', category: 'trafficking' }),
      ...many(6, { city: null, consulate: null }),
    ];
    const published = publishHostCountryDetail(detailOf(cases, 'RU'), 5);
    expect(published.byCity.map((r) => [r.hostCity, r.received])).toEqual([
      ['Moscow', 8],
      [null, 6],
      [MERGED_ROW_KEY, 5],
    ]);
    // RU-KZN (3) alone would follow from the country: the unassigned (6) join it.
    expect(published.byConsulate.map((r) => [r.consulateId, r.received])).toEqual([
      ['RU-MOW', 10],
      [MERGED_ROW_KEY, 9],
    ]);
    expect(published.suppression?.mergedRows).toEqual([
      { field: 'hostCity', key: MERGED_ROW_KEY, groups: 2 },
      { field: 'consulateId', key: MERGED_ROW_KEY, groups: 2 },
    ]);
    expect(disclosuresInDetail(published, 5)).toEqual([]);
  });

  it('on any data, shows no count of 1..k − 1 and no suppressed cell that follows from the shown ones', () => {
    fc.assert(
      fc.property(
        fc.array(arbitraryCase, { maxLength: 150 }),
        fc.constantFrom(3, 5, 10),
        (cases, k) => {
          const list = publishHostCountryReport(listOf(cases), k);
          expect(disclosuresInList(list, k)).toEqual([]);
          expect(allCounts(list).filter((v) => v >= 1 && v < k)).toEqual([]);
          const detail = publishHostCountryDetail(detailOf(cases, 'RU'), k);
          expect(disclosuresInDetail(detail, k)).toEqual([]);
          expect(allCounts(detail).filter((v) => v >= 1 && v < k)).toEqual([]);
          // The rows always add up to the true totals.
          if (!list.suppression?.allSuppressed)
            expect(list.rows.reduce((s, r) => s + r.received, 0)).toBe(cases.length);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('never changes a figure it shows', () => {
    fc.assert(
      fc.property(fc.array(arbitraryCase, { minLength: 5, maxLength: 60 }), (cases) => {
        const raw = listOf(cases);
        const published = publishHostCountryReport(raw, 5);
        const same = (a: unknown, b: unknown): void => {
          if (b === null || a === undefined) return;
          if (typeof b === 'object') {
            for (const [k, v] of Object.entries(b)) same((a as Record<string, unknown>)[k], v);
          } else expect(b).toBe(a);
        };
        same(raw.totals, published.totals);
        for (const row of published.rows)
          if (row.hostCountry !== MERGED_ROW_KEY)
            same(
              raw.rows.find((r) => r.hostCountry === row.hostCountry),
              row,
            );
      }),
      { numRuns: 50 },
    );
  });
});

describe('small-cell suppression covers every category', () => {
  it('keeps the vocabulary in every breakdown map', () => {
    const published = publishHostCountryReport(listOf(many(12)), 5);
    expect(Object.keys(published.totals.byCategory)).toEqual([...CASE_CATEGORIES]);
    expect(Object.keys(published.totals.riskIndicators)).toEqual([...RISK_INDICATORS]);
  });
});
