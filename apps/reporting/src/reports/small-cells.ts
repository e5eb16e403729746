import {
  CASE_CATEGORIES,
  CASE_STATUSES,
  OPEN_CASE_STATUSES,
  OUTCOME_TYPES,
  PRIORITIES,
  RISK_INDICATORS,
  SLA_STAGES,
} from '@casebridge/contracts';
import type {
  CityRow,
  ConsulateRow,
  CountryFigures,
  HostCountryDetail,
  HostCountryReport,
  HostCountryRow,
  MergedRows,
  MonthlyPoint,
  ReportFigures,
  ReportSuppression,
} from './dto/host-country-report.response';
import { Cell, CellTable, isSmall, suppressSmallCells } from './cell-suppression';
import { round } from './report-figures';

/**
 * Small-cell suppression of the host-country reports, applied once to the service's exact
 * figures before any format (JSON, CSV, XLSX, the dashboard) is written: no published figure
 * describes between 1 and k − 1 cases (k = REPORT_MIN_CELL_SIZE), and no suppressed figure can be
 * worked out from the published ones of the same answer. docs/reporting.md#small-cell-suppression
 */

/** The hostCountry / hostCity / consulateId of the row that merges the groups with fewer than k cases. */
export const MERGED_ROW_KEY = '(other)';

const OPEN = new Set<string>(OPEN_CASE_STATUSES);

/** Counts suppressed figures, and turns a cell into its published value. */
class Publisher {
  suppressed = 0;

  value(cell: Cell | undefined): number | null {
    if (cell === undefined) return null;
    if (cell.shown) return cell.value;
    this.suppressed++;
    return null;
  }

  hide(value: number | null | undefined): null {
    if (value !== null && value !== undefined) this.suppressed++;
    return null;
  }
}

const n = (value: number | null | undefined): number => value ?? 0;

// ---------------------------------------------------------------------------------------------
// Rows: groups with fewer than k cases are merged into one row.

function addCounts<K extends string>(
  maps: readonly Record<K, number | null>[],
  keys?: readonly K[],
): Record<K, number> {
  const all = keys ?? [...new Set(maps.flatMap((m) => Object.keys(m) as K[]))].sort();
  return Object.fromEntries(all.map((k) => [k, maps.reduce((s, m) => s + n(m[k]), 0)])) as Record<
    K,
    number
  >;
}

function addMoney(maps: readonly Record<string, number | null>[]): Record<string, number> {
  const sums = addCounts(maps);
  return Object.fromEntries(Object.entries(sums).map(([c, v]) => [c, round(v, 2)]));
}

/** The figures of several groups together: counts add up; medians cannot, so they are null. */
export function mergeFigures(parts: readonly ReportFigures[]): ReportFigures {
  const sum = (get: (f: ReportFigures) => number | null) =>
    parts.reduce((s, f) => s + n(get(f)), 0);
  const received = sum((f) => f.received);
  const byStatus = addCounts(
    parts.map((f) => f.byStatus),
    CASE_STATUSES,
  );
  const statistics = Object.fromEntries(
    parts
      .flatMap((f) => Object.keys(f))
      .filter(isOrderStatistic)
      .map((k) => [k, null]),
  );
  return {
    received,
    open: sum((f) => f.open),
    inProgress: byStatus.in_progress,
    awaitingThirdParty: byStatus.awaiting_third_party,
    resolved: byStatus.resolved,
    closed: byStatus.closed,
    withdrawn: byStatus.withdrawn,
    rejected: byStatus.rejected,
    assigned: sum((f) => f.assigned),
    byStatus,
    byCategory: addCounts(
      parts.map((f) => f.byCategory),
      CASE_CATEGORIES,
    ),
    byPriority: addCounts(
      parts.map((f) => f.byPriority),
      PRIORITIES,
    ),
    riskIndicators: addCounts(
      parts.map((f) => f.riskIndicators),
      RISK_INDICATORS,
    ),
    slaBreaches: sum((f) => f.slaBreaches),
    slaBreachesByStage: addCounts(
      parts.map((f) => f.slaBreachesByStage),
      SLA_STAGES,
    ),
    medianHoursToAssignment: null,
    medianHoursToFirstAction: null,
    medianDaysToResolution: null,
    p90HoursToAssignment: null,
    p90HoursToFirstAction: null,
    p90DaysToResolution: null,
    resolutionRate:
      received > 0 ? round((byStatus.resolved + byStatus.closed) / received, 4) : null,
    outcomes: addCounts(
      parts.map((f) => f.outcomes),
      OUTCOME_TYPES,
    ),
    amountClaimed: addMoney(parts.map((f) => f.amountClaimed)),
    amountClaimedCases: addCounts(parts.map((f) => f.amountClaimedCases)),
    amountRecovered: addMoney(parts.map((f) => f.amountRecovered)),
    amountRecoveredCases: addCounts(parts.map((f) => f.amountRecoveredCases)),
    ...statistics,
  };
}

interface Merged<R> {
  rows: R[];
  /** The groups merged into the `(other)` row (empty: no such row). */
  merged: R[];
}

/**
 * Each row with fewer than k cases goes into the merged row; while that row itself has fewer
 * than k, the next-smallest rows join it (complementary merging), so that it cannot be
 * differenced out of the totals either.
 */
export function mergeSmallRows<R extends { received: number }>(
  rows: readonly R[],
  minCellSize: number,
): Merged<R> {
  const ascending = [...rows].sort((a, b) => a.received - b.received);
  const merged = ascending.filter((r) => r.received > 0 && r.received < minCellSize);
  let size = merged.reduce((s, r) => s + r.received, 0);
  for (const row of ascending) {
    if (merged.length === 0 || size >= minCellSize) break;
    if (merged.includes(row)) continue;
    merged.push(row);
    size += row.received;
  }
  return { rows: rows.filter((r) => !merged.includes(r)), merged };
}

// ---------------------------------------------------------------------------------------------
// Cells: each breakdown of the rows and their margin is one table of counts and equations.

type RowCells = Map<string, Cell>;

/** Builds one row's cells of a table (its received given) and the equations within the row. */
type TableBuilder = (table: CellTable, figures: ReportFigures, received: Cell) => RowCells;

/** received = Σ keys (+ the cases the breakdown does not list, implied). */
function breakdown(
  prefix: string,
  values: (f: ReportFigures) => Record<string, number | null>,
): TableBuilder {
  return (table, f, received) => {
    const cells: RowCells = new Map();
    for (const [key, value] of Object.entries(values(f)))
      cells.set(`${prefix}:${key}`, table.count(n(value)));
    // Cases the breakdown does not list (none when every case has a value, as anyone knows).
    const listed = [...cells.values()].reduce((s, c) => s + c.value, 0);
    const rest = listed < received.value ? [table.implied(received.value - listed)] : [];
    table.sum(received, [...cells.values(), ...rest]);
    return cells;
  };
}

/** The status table: statuses, open (and the implied not-open), resolved or closed, outcomes. */
const statusTable: TableBuilder = (table, f, received) => {
  const cells: RowCells = new Map();
  const status = CASE_STATUSES.map((s) => {
    const cell = table.count(n(f.byStatus[s]));
    cells.set(`status:${s}`, cell);
    return { s, cell };
  });
  const open = table.count(n(f.open));
  const notOpen = table.implied(Math.max(0, received.value - open.value));
  const finished = table.count(n(f.byStatus.resolved) + n(f.byStatus.closed));
  const outcomes = OUTCOME_TYPES.map((o) => {
    const cell = table.count(n(f.outcomes[o]));
    cells.set(`outcome:${o}`, cell);
    return cell;
  });
  cells.set('open', open);
  cells.set('notOpen', notOpen);
  cells.set('finished', finished);
  table.sum(
    received,
    status.map((x) => x.cell),
  );
  table.sum(
    open,
    status.filter((x) => OPEN.has(x.s)).map((x) => x.cell),
  );
  table.sum(
    notOpen,
    status.filter((x) => !OPEN.has(x.s)).map((x) => x.cell),
  );
  table.sum(received, [open, notOpen]);
  table.sum(finished, [cells.get('status:resolved')!, cells.get('status:closed')!]);
  table.sum(finished, outcomes);
  return cells;
};

/** A count of cases with some property and, implied, of those without: received = with + without. */
function binary(key: string, value: (f: ReportFigures) => number | null): TableBuilder {
  return (table, f, received) => {
    const cell = table.count(n(value(f)));
    table.sum(received, [cell, table.implied(Math.max(0, received.value - cell.value))]);
    return new Map([[key, cell]]);
  };
}

const slaTable: TableBuilder = (table, f) => {
  const total = table.count(n(f.slaBreaches));
  const cells: RowCells = new Map([['sla', total]]);
  const stages = SLA_STAGES.map((s) => {
    const cell = table.count(n(f.slaBreachesByStage[s]));
    cells.set(`sla:${s}`, cell);
    return cell;
  });
  table.sum(total, stages);
  return cells;
};

function currencies(all: readonly ReportFigures[], field: 'claimed' | 'recovered'): string[] {
  const names = all.flatMap((f) =>
    field === 'claimed'
      ? [...Object.keys(f.amountClaimed), ...Object.keys(f.amountClaimedCases)]
      : [...Object.keys(f.amountRecovered), ...Object.keys(f.amountRecoveredCases)],
  );
  return [...new Set(names)].sort();
}

type MoneyField = 'amountClaimed' | 'amountRecovered';

/**
 * The cases behind one currency's sum, as a binary table. A count the read model lacks (not
 * rebuilt since the counts were added) while the sum exists is never taken as safe.
 */
function moneyCases(field: MoneyField, currency: string, minCellSize: number): TableBuilder {
  const counts = (f: ReportFigures) =>
    field === 'amountClaimed' ? f.amountClaimedCases : f.amountRecoveredCases;
  return (table, f, received) => {
    const known = counts(f)[currency];
    const cell = table.count(n(known));
    if (known === undefined && currency in f[field] && minCellSize > 1) cell.shown = false;
    table.sum(received, [cell, table.implied(Math.max(0, received.value - cell.value))]);
    return new Map([[`${field}Cases:${currency}`, cell]]);
  };
}

/** Every table of a report over these rows and their margin. */
function tableBuilders(all: readonly ReportFigures[], minCellSize: number): TableBuilder[] {
  return [
    statusTable,
    breakdown('category', (f) => f.byCategory),
    breakdown('priority', (f) => f.byPriority),
    ...RISK_INDICATORS.map((i) => binary(`risk:${i}`, (f) => f.riskIndicators[i])),
    binary('assigned', (f) => f.assigned),
    slaTable,
    ...currencies(all, 'claimed').map((c) => moneyCases('amountClaimed', c, minCellSize)),
    ...currencies(all, 'recovered').map((c) => moneyCases('amountRecovered', c, minCellSize)),
  ];
}

/**
 * Suppresses the cells of a margin (the totals or the country) and of one or more families of
 * rows that each add up to it (countries; or cities and consulates): every table's equations
 * within each row, and per figure "margin = Σ rows of the family".
 */
function protectRows(
  margin: ReportFigures,
  families: readonly (readonly ReportFigures[])[],
  minCellSize: number,
): { margin: RowCells; families: RowCells[][] } {
  const all = [margin, ...families.flat()];
  const marginCells: RowCells = new Map();
  const familyCells = families.map((rows) => rows.map((): RowCells => new Map()));
  for (const build of tableBuilders(all, minCellSize)) {
    const table = new CellTable();
    const cellsOf = (f: ReportFigures) => build(table, f, table.count(n(f.received), true));
    const m = cellsOf(margin);
    const rows = families.map((rows) => rows.map(cellsOf));
    for (const family of rows) {
      for (const [key, total] of m) {
        const parts = family.flatMap((r) => (r.has(key) ? [r.get(key)!] : []));
        table.sum(total, parts);
      }
    }
    suppressSmallCells(table, minCellSize);
    for (const [k, v] of m) marginCells.set(k, v);
    rows.forEach((family, i) =>
      family.forEach((cells, j) => cells.forEach((v, k) => familyCells[i][j].set(k, v))),
    );
  }
  return { margin: marginCells, families: familyCells };
}

// ---------------------------------------------------------------------------------------------
// Publishing: the figures of a row as its cells allow.

/** medianHoursToAssignment, p90DaysToResolution…: order statistics of a set of cases. */
function isOrderStatistic(key: string): boolean {
  return /^(median|p90)[A-Z]/.test(key);
}

/**
 * How many cases an order statistic describes, from its name's milestone; at least that many
 * where the exact number is not counted (first action: cases now in progress, awaiting a third
 * party, resolved or closed have all started). An unknown milestone describes none.
 */
function describedCases(key: string, f: ReportFigures): number {
  if (key.endsWith('ToAssignment')) return n(f.assigned);
  if (key.endsWith('ToResolution')) return n(f.byStatus.resolved) + n(f.byStatus.closed);
  if (key.endsWith('ToFirstAction'))
    return (
      n(f.byStatus.in_progress) +
      n(f.byStatus.awaiting_third_party) +
      n(f.byStatus.resolved) +
      n(f.byStatus.closed)
    );
  return 0;
}

function publishFigures(
  f: ReportFigures,
  cells: RowCells,
  minCellSize: number,
  out: Publisher,
): ReportFigures {
  const v = (key: string) => out.value(cells.get(key));
  const map = <K extends string>(keys: readonly K[], prefix: string) =>
    Object.fromEntries(keys.map((k) => [k, v(`${prefix}:${k}`)])) as Record<K, number | null>;
  const money = (amounts: Record<string, number | null>, counts: string) =>
    Object.fromEntries(
      Object.keys(amounts)
        .sort()
        .map((c) => {
          const cases = cells.get(`${counts}:${c}`);
          const safe =
            minCellSize <= 1 || (cases !== undefined && cases.shown && cases.value >= minCellSize);
          return [c, safe ? amounts[c] : out.hide(amounts[c])];
        }),
    );
  const caseCounts = (counts: Record<string, number | null>, prefix: string) =>
    Object.fromEntries(
      Object.keys(counts)
        .sort()
        .map((c) => [c, v(`${prefix}:${c}`)]),
    );
  const finished = cells.get('finished');
  const received = n(f.received);
  const statistics: Record<string, number | null> = {};
  for (const [key, value] of Object.entries(f)) {
    if (!isOrderStatistic(key)) continue;
    const known = typeof value === 'number' ? value : null;
    statistics[key] =
      minCellSize <= 1 || describedCases(key, f) >= minCellSize ? known : out.hide(known);
  }
  return {
    received: f.received,
    open: v('open'),
    inProgress: v('status:in_progress'),
    awaitingThirdParty: v('status:awaiting_third_party'),
    resolved: v('status:resolved'),
    closed: v('status:closed'),
    withdrawn: v('status:withdrawn'),
    rejected: v('status:rejected'),
    assigned: v('assigned'),
    byStatus: map(CASE_STATUSES, 'status'),
    byCategory: map(CASE_CATEGORIES, 'category'),
    byPriority: map(PRIORITIES, 'priority'),
    riskIndicators: map(RISK_INDICATORS, 'risk'),
    slaBreaches: v('sla'),
    slaBreachesByStage: map(SLA_STAGES, 'sla'),
    medianHoursToAssignment: null,
    medianHoursToFirstAction: null,
    medianDaysToResolution: null,
    p90HoursToAssignment: null,
    p90HoursToFirstAction: null,
    p90DaysToResolution: null,
    resolutionRate:
      finished?.shown && received > 0
        ? round(finished.value / received, 4)
        : out.hide(f.resolutionRate),
    outcomes: map(OUTCOME_TYPES, 'outcome'),
    amountClaimed: money(f.amountClaimed, 'amountClaimedCases'),
    amountClaimedCases: caseCounts(f.amountClaimedCases, 'amountClaimedCases'),
    amountRecovered: money(f.amountRecovered, 'amountRecoveredCases'),
    amountRecoveredCases: caseCounts(f.amountRecoveredCases, 'amountRecoveredCases'),
    ...statistics,
  };
}

/** Every figure null: the answer as a whole has too few cases. */
function suppressAll(f: ReportFigures, out: Publisher): ReportFigures {
  const counted = new Publisher();
  const none = publishFigures(f, new Map(), Number.POSITIVE_INFINITY, counted);
  const figures = Object.values(f).flatMap((v) => (typeof v === 'number' ? [v] : numbersOf(v)));
  out.suppressed += figures.filter((v) => typeof v === 'number').length;
  return { ...none, received: null };
}

function numbersOf(value: unknown): unknown[] {
  return value !== null && typeof value === 'object' ? Object.values(value) : [];
}

/**
 * The months of a series: received (adding up to the answer's received) and resolved (adding up
 * to a figure taken as known), each month with 1..k − 1 suppressed, with complements.
 */
function publishMonthly(
  points: readonly MonthlyPoint[],
  received: number,
  minCellSize: number,
  out: Publisher,
): MonthlyPoint[] {
  const series = (values: number[], total: Cell | null, table: CellTable) => {
    const cells = values.map((v) => table.count(v));
    table.sum(total ?? table.count(values.reduce((s, v) => s + v, 0)), cells);
    return cells;
  };
  const receivedTable = new CellTable();
  const receivedCells = series(
    points.map((p) => n(p.received)),
    receivedTable.count(received, true),
    receivedTable,
  );
  const resolvedTable = new CellTable();
  const resolvedCells = series(
    points.map((p) => n(p.resolved)),
    null,
    resolvedTable,
  );
  suppressSmallCells(receivedTable, minCellSize);
  suppressSmallCells(resolvedTable, minCellSize);
  return points.map((p, i) => ({
    month: p.month,
    received: out.value(receivedCells[i]),
    resolved: out.value(resolvedCells[i]),
  }));
}

function summary(
  minCellSize: number,
  out: Publisher,
  allSuppressed: boolean,
  mergedRows: MergedRows[],
): ReportSuppression {
  return { minCellSize, suppressedCells: out.suppressed, allSuppressed, mergedRows };
}

function mergedRow<K extends 'hostCountry' | 'hostCity' | 'consulateId'>(
  field: K,
  merged: readonly ReportFigures[],
): MergedRows[] {
  return merged.length ? [{ field, key: MERGED_ROW_KEY, groups: merged.length }] : [];
}

/** The host-country list as it may be published with minimum cell size k. */
export function publishHostCountryReport(
  report: HostCountryReport,
  minCellSize: number,
): HostCountryReport {
  const out = new Publisher();
  const total = n(report.totals.received);
  if (isSmall(total, minCellSize)) {
    report.rows.forEach((r) => suppressAll(r, out));
    return {
      ...report,
      rows: [],
      totals: suppressAll(report.totals, out),
      monthly: report.monthly.map((p) => ({
        month: p.month,
        received: out.hide(p.received),
        resolved: out.hide(p.resolved),
      })),
      suppression: summary(minCellSize, out, true, []),
    };
  }
  const { rows, merged } = mergeSmallRows(report.rows, minCellSize);
  const listed: HostCountryRow[] = merged.length
    ? [
        ...rows,
        { hostCountry: MERGED_ROW_KEY, ...mergeFigures(merged), received: sumReceived(merged) },
      ]
    : rows;
  const cells = protectRows(report.totals, [listed], minCellSize);
  return {
    asOf: report.asOf,
    lagSeconds: report.lagSeconds,
    filters: report.filters,
    rows: listed.map((r, i) => ({
      hostCountry: r.hostCountry,
      ...publishFigures(r, cells.families[0][i], minCellSize, out),
      received: r.received,
    })),
    totals: publishFigures(report.totals, cells.margin, minCellSize, out),
    monthly: publishMonthly(report.monthly, total, minCellSize, out),
    suppression: summary(minCellSize, out, false, mergedRow('hostCountry', merged)),
  };
}

function sumReceived(rows: readonly { received: number }[]): number {
  return rows.reduce((s, r) => s + r.received, 0);
}

/** One host country's report as it may be published with minimum cell size k. */
export function publishHostCountryDetail(
  detail: HostCountryDetail,
  minCellSize: number,
): HostCountryDetail {
  const out = new Publisher();
  const total = n(detail.country.received);
  if (isSmall(total, minCellSize)) {
    detail.byCity.forEach((r) => suppressAll(r, out));
    detail.byConsulate.forEach((r) => suppressAll(r, out));
    return {
      ...detail,
      country: {
        ...(suppressAll(detail.country, out) as CountryFigures),
        hostCountry: detail.country.hostCountry,
      },
      monthly: detail.monthly.map((p) => ({
        month: p.month,
        received: out.hide(p.received),
        resolved: out.hide(p.resolved),
      })),
      byCity: [],
      byConsulate: [],
      suppression: summary(minCellSize, out, true, []),
    };
  }
  const cities = mergeSmallRows(detail.byCity, minCellSize);
  const consulates = mergeSmallRows(detail.byConsulate, minCellSize);
  const byCity: CityRow[] = cities.merged.length
    ? [
        ...cities.rows,
        {
          hostCity: MERGED_ROW_KEY,
          ...mergeFigures(cities.merged),
          received: sumReceived(cities.merged),
        },
      ]
    : cities.rows;
  const byConsulate: ConsulateRow[] = consulates.merged.length
    ? [
        ...consulates.rows,
        {
          consulateId: MERGED_ROW_KEY,
          ...mergeFigures(consulates.merged),
          received: sumReceived(consulates.merged),
        },
      ]
    : consulates.rows;
  const cells = protectRows(detail.country, [byCity, byConsulate], minCellSize);
  return {
    asOf: detail.asOf,
    lagSeconds: detail.lagSeconds,
    filters: detail.filters,
    country: {
      hostCountry: detail.country.hostCountry,
      ...publishFigures(detail.country, cells.margin, minCellSize, out),
    },
    monthly: publishMonthly(detail.monthly, total, minCellSize, out),
    byCity: byCity.map((r, i) => ({
      hostCity: r.hostCity,
      ...publishFigures(r, cells.families[0][i], minCellSize, out),
      received: r.received,
    })),
    byConsulate: byConsulate.map((r, i) => ({
      consulateId: r.consulateId,
      ...publishFigures(r, cells.families[1][i], minCellSize, out),
      received: r.received,
    })),
    suppression: summary(minCellSize, out, false, [
      ...mergedRow('hostCity', cities.merged),
      ...mergedRow('consulateId', consulates.merged),
    ]),
  };
}
