import type { CaseFact } from './case-fact';
import { durationBin } from './durations';
import type { DurationMeasure } from './durations';
import { Metric } from './metrics';

export type BucketTable = 'case' | 'resolution';

/** One additive value a case adds to a bucket. `value` is a decimal string (counts or money). */
export interface BucketEntry {
  table: BucketTable;
  hostCountry: string;
  /** UTC calendar day, YYYY-MM-DD: the submission day ('case') or the resolution day ('resolution'). */
  day: string;
  category: string;
  /** '' when the case is not assigned. */
  consulateId: string;
  /** '' when the case names no city. */
  hostCity: string;
  metric: string;
  value: string;
}

function utcDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/**
 * Everything one case adds to the bucket tables. A case whose submitted event is not yet known
 * adds nothing: it counts as received only once its submission is known. A confirmed duplicate
 * adds nothing either.
 */
export function contributions(fact: CaseFact): BucketEntry[] {
  if (fact.submittedAt === null || fact.hostCountry === null || fact.category === null) return [];
  // A confirmed duplicate is the earlier case's complaint again: counting it would count one
  // complaint twice (received, statuses, durations, money), so it leaves every figure.
  if (fact.duplicateOf !== null) return [];
  const base = {
    hostCountry: fact.hostCountry,
    category: fact.category,
    consulateId: fact.consulateId ?? '',
    hostCity: fact.hostCity ?? '',
  };
  const submitted = { ...base, table: 'case' as const, day: utcDay(fact.submittedAt) };
  const entry = (metric: string, value = '1'): BucketEntry => ({ ...submitted, metric, value });

  const out: BucketEntry[] = [
    entry(Metric.received),
    entry(Metric.status(fact.status)),
    entry(Metric.category(fact.category)),
  ];
  if (fact.priority !== null) out.push(entry(Metric.priority(fact.priority)));
  if (fact.firstAssignedAt !== null) out.push(entry(Metric.assigned));
  for (const indicator of fact.riskIndicators) out.push(entry(Metric.risk(indicator)));
  if (fact.slaAcceptanceBreaches > 0) {
    out.push(entry(Metric.slaBreaches('acceptance'), String(fact.slaAcceptanceBreaches)));
  }
  if (fact.slaResolutionBreaches > 0) {
    out.push(entry(Metric.slaBreaches('resolution'), String(fact.slaResolutionBreaches)));
  }
  if (fact.outcomeType !== null) out.push(entry(Metric.outcome(fact.outcomeType)));
  if (fact.amountClaimed !== null) {
    out.push(entry(Metric.claimed(fact.amountClaimed.currency), fact.amountClaimed.amount));
    out.push(entry(Metric.claimedCases(fact.amountClaimed.currency)));
  }
  if (fact.amountRecovered !== null) {
    out.push(entry(Metric.recovered(fact.amountRecovered.currency), fact.amountRecovered.amount));
    out.push(entry(Metric.recoveredCases(fact.amountRecovered.currency)));
  }
  const duration = (measure: DurationMeasure, end: Date | null) => {
    if (end === null || fact.submittedAt === null) return;
    const seconds = (end.getTime() - fact.submittedAt.getTime()) / 1000;
    out.push(entry(Metric.duration(measure, durationBin(seconds))));
  };
  duration('to_assignment', fact.firstAssignedAt);
  duration('to_first_action', fact.firstActionAt);
  duration('to_resolution', fact.resolvedAt);
  if (fact.resolvedAt !== null) {
    out.push({
      ...base,
      table: 'resolution',
      day: utcDay(fact.resolvedAt),
      metric: Metric.resolved,
      value: '1',
    });
  }
  return out;
}

function identity(e: BucketEntry): string {
  return [e.table, e.hostCountry, e.day, e.category, e.consulateId, e.hostCity, e.metric].join(
    '\u0000',
  );
}

function negate(value: string): string {
  return value.startsWith('-') ? value.slice(1) : `-${value}`;
}

/**
 * What must change in the buckets when a case's fact changes from `before` to `after`: the old
 * contributions taken out and the new ones put in, where they differ. Entries may share a key
 * (e.g. a changed amount); the writer sums them per key in SQL, so money never passes through
 * floating point.
 */
export function contributionDelta(before: CaseFact, after: CaseFact): BucketEntry[] {
  const old = new Map(contributions(before).map((e) => [identity(e), e]));
  const now = new Map(contributions(after).map((e) => [identity(e), e]));
  const delta: BucketEntry[] = [];
  for (const [id, e] of old) {
    if (now.get(id)?.value !== e.value) delta.push({ ...e, value: negate(e.value) });
  }
  for (const [id, e] of now) {
    if (old.get(id)?.value !== e.value) delta.push(e);
  }
  return delta;
}
