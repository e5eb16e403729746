import {
  CASE_CATEGORIES,
  CASE_STATUSES,
  OPEN_CASE_STATUSES,
  OUTCOME_TYPES,
  PRIORITIES,
  RISK_INDICATORS,
  SLA_STAGES,
} from '@casebridge/contracts';
import {
  DURATION_MEASURES,
  DurationMeasure,
  Histogram,
  histogramQuantile,
} from '../read-model/durations';
import { DURATION_PREFIX, Metric } from '../read-model/metrics';
import type { ExactFigures, MonthlyPoint } from './dto/host-country-report.response';

export function round(value: number, decimals: number): number {
  const factor = 10 ** decimals;
  return Math.round(value * factor) / factor;
}

function perUnit(seconds: number | null, unitSeconds: number): number | null {
  return seconds === null ? null : round(seconds / unitSeconds, 2);
}

function countsOf<K extends string>(
  keys: readonly K[],
  metric: (k: K) => string,
  sums: ReadonlyMap<string, string>,
): Record<K, number> {
  return Object.fromEntries(keys.map((k) => [k, Number(sums.get(metric(k)) ?? 0)])) as Record<
    K,
    number
  >;
}

function amountsOf(prefix: string, sums: ReadonlyMap<string, string>): Record<string, number> {
  const out: [string, number][] = [];
  for (const [metric, value] of sums) {
    if (metric.startsWith(prefix)) out.push([metric.slice(prefix.length), round(Number(value), 2)]);
  }
  return Object.fromEntries(out.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** The distributions of the three durations, from their `duration:` bin counts. */
function histograms(
  sums: ReadonlyMap<string, string>,
): Record<DurationMeasure, Map<number, number>> {
  const out = Object.fromEntries(DURATION_MEASURES.map((m) => [m, new Map<number, number>()]));
  for (const [metric, value] of sums) {
    if (!metric.startsWith(DURATION_PREFIX)) continue;
    const [, measure, bin] = metric.split(':');
    out[measure]?.set(Number(bin), Number(value));
  }
  return out as Record<DurationMeasure, Map<number, number>>;
}

/**
 * Turns summed bucket metrics into the figures a report shows; medians and p90 are estimated
 * from the duration distributions (within the bound stated in durations.ts): `durations` when the
 * caller has them apart (MetricSums), else the `duration:` members of `sums`.
 */
export function buildFigures(
  sums: ReadonlyMap<string, string>,
  durations: Record<DurationMeasure, Histogram> = histograms(sums),
): ExactFigures {
  const count = (metric: string) => Number(sums.get(metric) ?? 0);
  const quantile = (measure: DurationMeasure, p: number, unitSeconds: number) =>
    perUnit(histogramQuantile(durations[measure], p), unitSeconds);
  const byStatus = countsOf(CASE_STATUSES, Metric.status, sums);
  const received = count(Metric.received);
  const slaBreachesByStage = countsOf(SLA_STAGES, Metric.slaBreaches, sums);
  return {
    received,
    open: OPEN_CASE_STATUSES.reduce((n, s) => n + byStatus[s], 0),
    inProgress: byStatus.in_progress,
    awaitingThirdParty: byStatus.awaiting_third_party,
    resolved: byStatus.resolved,
    closed: byStatus.closed,
    withdrawn: byStatus.withdrawn,
    rejected: byStatus.rejected,
    assigned: count(Metric.assigned),
    byStatus,
    byCategory: countsOf(CASE_CATEGORIES, Metric.category, sums),
    byPriority: countsOf(PRIORITIES, Metric.priority, sums),
    riskIndicators: countsOf(RISK_INDICATORS, Metric.risk, sums),
    slaBreaches: SLA_STAGES.reduce((n, s) => n + slaBreachesByStage[s], 0),
    slaBreachesByStage,
    medianHoursToAssignment: quantile('to_assignment', 0.5, 3600),
    medianHoursToFirstAction: quantile('to_first_action', 0.5, 3600),
    medianDaysToResolution: quantile('to_resolution', 0.5, 86_400),
    p90HoursToAssignment: quantile('to_assignment', 0.9, 3600),
    p90HoursToFirstAction: quantile('to_first_action', 0.9, 3600),
    p90DaysToResolution: quantile('to_resolution', 0.9, 86_400),
    resolutionRate:
      received > 0 ? round((byStatus.resolved + byStatus.closed) / received, 4) : null,
    outcomes: countsOf(OUTCOME_TYPES, Metric.outcome, sums),
    amountClaimed: amountsOf(Metric.claimed(''), sums),
    amountClaimedCases: amountsOf(Metric.claimedCases(''), sums),
    amountRecovered: amountsOf(Metric.recovered(''), sums),
    amountRecoveredCases: amountsOf(Metric.recoveredCases(''), sums),
  };
}

/** A month as YYYY-MM, from a YYYY-MM-DD day. */
export function monthOf(day: string): string {
  return day.slice(0, 7);
}

function nextMonth(month: string): string {
  const [y, m] = month.split('-').map(Number);
  return m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
}

/** A series longer than this (50 years) is cut to the months that hold data. */
const MAX_SERIES_MONTHS = 600;

function monthsBetween(first: string, last: string): string[] {
  const out: string[] = [];
  for (let m = first; m <= last && out.length <= MAX_SERIES_MONTHS; m = nextMonth(m)) out.push(m);
  return out;
}

/**
 * Every month from the filter's first to its last (the data's first or last where the filter is
 * open), with zeros where nothing happened, so that a chart shows gaps as gaps.
 */
export function monthlySeries(
  from: string | null,
  to: string | null,
  received: ReadonlyMap<string, number>,
  resolved: ReadonlyMap<string, number>,
): MonthlyPoint[] {
  const withData = [...received.keys(), ...resolved.keys()].sort();
  const dataFirst = withData.at(0);
  const dataLast = withData.at(-1);
  const first = from ? monthOf(from) : dataFirst;
  const last = to ? monthOf(to) : dataLast;
  if (first === undefined || last === undefined) return [];
  let months = monthsBetween(first, last);
  if (months.length > MAX_SERIES_MONTHS) {
    if (dataFirst === undefined || dataLast === undefined) return [];
    months = monthsBetween(
      dataFirst > first ? dataFirst : first,
      dataLast < last ? dataLast : last,
    );
  }
  return months.map((month) => ({
    month,
    received: received.get(month) ?? 0,
    resolved: resolved.get(month) ?? 0,
  }));
}
