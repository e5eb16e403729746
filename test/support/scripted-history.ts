/**
 * Test support for the reporting integration tests (no production code depends on it): a
 * scripted history of cases, the events it produces, and the figures a report must show,
 * computed straight from the script, without the read model's merge or bucket logic (only the
 * medians and p90 use its duration bins: a report shows their estimate, durations.ts).
 */
import {
  CASE_CATEGORIES,
  CASE_STATUSES,
  CHANNELS,
  EventTypes,
  OPEN_CASE_STATUSES,
  OUTCOME_TYPES,
  PRIORITIES,
  RISK_INDICATORS,
  SLA_STAGES,
} from '@casebridge/contracts';
import type {
  AssignmentReason,
  CaseCategory,
  CaseOutcome,
  CaseStatus,
  Channel,
  EventDataMap,
  EventType,
  MoneyAmount,
  Priority,
  PriorityChangeReason,
  RiskIndicator,
  SlaStage,
} from '@casebridge/contracts';
import { durationBin, histogramQuantile } from '../../apps/reporting/src/read-model/durations';

export type Step = { at: Date } & (
  | { kind: 'assign'; consulateId: string; caseworkerId: string | null; reason: AssignmentReason }
  | { kind: 'status'; to: CaseStatus; outcome?: CaseOutcome }
  | { kind: 'breach'; stage: SlaStage; withCountry: boolean }
  | { kind: 'duplicate'; of: string }
  | { kind: 'priority'; to: Priority; reason: PriorityChangeReason }
);

export interface CaseScript {
  caseId: string;
  path: string;
  hostCountry: string;
  hostCity: string | null;
  category: CaseCategory;
  /** The priority triage gave at submission (re-triages are `priority` steps). */
  priority: Priority;
  riskIndicators: RiskIndicator[];
  channel: Channel;
  submittedAt: Date;
  amountClaimed: MoneyAmount | null;
  steps: Step[];
}

export interface ScriptedEvent<T extends EventType = EventType> {
  id: string;
  type: T;
  data: EventDataMap[T];
  /** The scripted time of the fact the event reports. */
  at: Date;
}

/** A small deterministic PRNG (mulberry32), so a failing history can be reproduced. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function uuid(next: () => number): string {
  const hex = Array.from({ length: 32 }, () => Math.floor(next() * 16).toString(16));
  hex[12] = '4';
  hex[16] = ((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16);
  const s = hex.join('');
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
}

interface CountrySetup {
  code: string;
  currency: string;
  /** City → consulate that covers it; null city → the embassy. */
  cities: [string | null, string][];
}

/** Six host countries; PL has no office, so its cases go to the agency's HQ desk. */
export const COUNTRIES: CountrySetup[] = [
  {
    code: 'RU',
    currency: 'RUB',
    cities: [
      ['Moscow', 'RU-MOW'],
      ['Saint Petersburg', 'RU-LED'],
      ['Kazan', 'RU-KZN'],
      [null, 'RU-MOW'],
    ],
  },
  {
    code: 'KZ',
    currency: 'KZT',
    cities: [
      ['Almaty', 'KZ-ALA'],
      ['Astana', 'KZ-NQZ'],
      [null, 'KZ-NQZ'],
    ],
  },
  {
    code: 'KR',
    currency: 'KRW',
    cities: [
      ['Seoul', 'KR-SEL'],
      ['Ansan', 'KR-SEL'],
      ['Busan', 'KR-PUS'],
    ],
  },
  {
    code: 'TR',
    currency: 'TRY',
    cities: [
      ['Istanbul', 'TR-IST'],
      ['Ankara', 'TR-ANK'],
    ],
  },
  {
    code: 'DE',
    currency: 'EUR',
    cities: [
      ['Berlin', 'DE-BER'],
      ['Frankfurt', 'DE-FRA'],
    ],
  },
  {
    code: 'PL',
    currency: 'PLN',
    cities: [
      ['Warsaw', 'HQ'],
      [null, 'HQ'],
    ],
  },
];

/** Every lifecycle path a case can take, as status steps after the first assignment. */
export const PATHS = [
  'submitted',
  'assigned',
  'in_progress',
  'awaiting_third_party',
  'resolved_with_wages',
  'closed_after_pause',
  'reopened',
  'resolved_twice_and_closed',
  'withdrawn',
  'rejected_unassigned',
  'transferred_and_resolved',
  'office_queue_started',
] as const;

function pick<T>(next: () => number, items: readonly T[]): T {
  return items[Math.floor(next() * items.length)];
}

/** An amount with at most two decimals, as intake sends it. */
function money(next: () => number, currency: string, max: number): MoneyAmount {
  return { amount: (100 + Math.floor(next() * max * 100)) / 100, currency };
}

/** The priority after `p` in PRIORITIES, cyclically: what a scripted re-triage changes to. */
function otherPriority(p: Priority): Priority {
  return PRIORITIES[(PRIORITIES.indexOf(p) + 1) % PRIORITIES.length];
}

/**
 * Re-triages of an open case, 30 s after the step they follow (steps are at least a minute
 * apart), on some paths: before routing, after routing, during a pause, and twice around a
 * reopening. Drawn without the PRNG, so every other choice of a history stays as it was.
 */
function withRetriages(c: CaseScript): Step[] {
  const steps = [...c.steps];
  const after = (index: number, reason: PriorityChangeReason): void => {
    const previous = index < 0 ? c.submittedAt : steps[index].at;
    const priorities = steps.filter((s) => s.kind === 'priority').map((s) => s.to);
    const from = priorities.at(-1) ?? c.priority;
    steps.splice(index + 1, 0, {
      kind: 'priority',
      at: new Date(previous.getTime() + 30_000),
      to: otherPriority(from),
      reason,
    });
  };
  const statusIndex = (to: CaseStatus, nth = 0) =>
    steps.flatMap((s, i) => (s.kind === 'status' && s.to === to ? [i] : []))[nth];
  switch (c.path) {
    case 'submitted':
      after(-1, 'triage_error');
      break;
    case 'in_progress':
      after(statusIndex('assigned'), 'new_risk_information');
      break;
    case 'awaiting_third_party':
      after(steps.length - 1, 'host_authority_request');
      break;
    case 'reopened':
      after(statusIndex('in_progress'), 'vulnerable_person');
      after(steps.length - 1, 'risk_reduced');
      break;
  }
  return steps;
}

/**
 * `count` cases submitted within `days` days from `start`, spread over every country and every
 * path (case i: country i mod 6, path ⌊i / 6⌋ mod 12), with whole-minute times.
 */
export function scriptedHistory(
  seed: number,
  count: number,
  start: Date,
  days: number,
): CaseScript[] {
  const next = random(seed);
  const cases: CaseScript[] = [];
  for (let i = 0; i < count; i++) {
    const country = COUNTRIES[i % COUNTRIES.length];
    const path = PATHS[Math.floor(i / COUNTRIES.length) % PATHS.length];
    const [hostCity, consulateId] = pick(next, country.cities);
    const submittedAt = new Date(start.getTime() + Math.floor(next() * days * 24 * 60) * 60_000);
    let clock = submittedAt.getTime();
    const later = (maxHours: number) => {
      clock += (1 + Math.floor(next() * maxHours * 60)) * 60_000;
      return new Date(clock);
    };
    const steps: Step[] = [];
    const assign = (consulate: string, caseworkerId: string | null, reason: AssignmentReason) =>
      steps.push({ kind: 'assign', at: later(30), consulateId: consulate, caseworkerId, reason });
    const status = (to: CaseStatus, outcome?: CaseOutcome, maxHours = 200) =>
      steps.push({ kind: 'status', at: later(maxHours), to, ...(outcome ? { outcome } : {}) });
    const breach = (stage: SlaStage) =>
      steps.push({ kind: 'breach', at: later(48), stage, withCountry: next() < 0.5 });
    const firstAssignment = () => {
      assign(
        consulateId,
        consulateId === 'HQ'
          ? null
          : `cw-${consulateId.toLowerCase()}-${1 + Math.floor(next() * 3)}`,
        consulateId === 'HQ' ? 'no_coverage' : 'auto',
      );
      status('assigned', undefined, 1);
    };
    const claimed = next() < 0.7 ? money(next, country.currency, 500_000) : null;
    switch (path) {
      case 'submitted':
        break;
      case 'assigned':
        firstAssignment();
        break;
      case 'in_progress':
        firstAssignment();
        status('in_progress');
        break;
      case 'awaiting_third_party':
        firstAssignment();
        status('in_progress');
        status('awaiting_third_party');
        break;
      case 'resolved_with_wages':
        firstAssignment();
        status('in_progress');
        status('resolved', {
          type: 'wages_recovered',
          amountRecovered: money(next, country.currency, 100_000),
        });
        break;
      case 'closed_after_pause':
        firstAssignment();
        breach('acceptance');
        status('in_progress');
        status('awaiting_third_party');
        status('in_progress');
        status('resolved', { type: 'documents_returned' });
        status('closed');
        break;
      case 'reopened':
        firstAssignment();
        status('in_progress');
        status('resolved', { type: 'repatriated' });
        status('in_progress');
        break;
      case 'resolved_twice_and_closed':
        firstAssignment();
        status('in_progress');
        status('resolved', { type: 'no_resolution' });
        status('in_progress');
        breach('resolution');
        status('resolved', {
          type: 'compensation_paid',
          amountRecovered: money(next, 'USD', 5_000),
        });
        status('closed');
        break;
      case 'withdrawn':
        firstAssignment();
        status('withdrawn');
        break;
      case 'rejected_unassigned':
        status('rejected', undefined, 20);
        break;
      case 'transferred_and_resolved': {
        firstAssignment();
        breach('acceptance');
        const other = country.cities.map(([, c]) => c).find((c) => c !== consulateId) ?? 'HQ';
        assign(other, null, 'transferred');
        status('in_progress');
        breach('resolution');
        status('resolved', { type: 'legal_aid_provided' });
        break;
      }
      case 'office_queue_started':
        assign(consulateId, null, consulateId === 'HQ' ? 'no_coverage' : 'auto');
        status('assigned', undefined, 1);
        breach('acceptance');
        status('in_progress');
        break;
    }
    // One case in every 72 (a Russian one in progress) is then confirmed a duplicate of the
    // first case: closed, and counted nowhere. Its times need no randomness, so every other case
    // of the history stays what it was before duplicates existed.
    if (path === 'in_progress' && i % COUNTRIES.length === 0 && cases.length > 0) {
      clock += 60_000;
      steps.push({ kind: 'status', at: new Date(clock), to: 'closed' });
      steps.push({ kind: 'duplicate', at: new Date(clock), of: cases[0].caseId });
    }
    cases.push({
      caseId: uuid(next),
      path,
      hostCountry: country.code,
      hostCity,
      category: pick(next, CASE_CATEGORIES),
      priority: pick(next, PRIORITIES),
      riskIndicators: RISK_INDICATORS.filter(() => next() < 0.15),
      channel: pick(next, CHANNELS),
      submittedAt,
      amountClaimed: claimed,
      steps,
    });
    cases[i].steps = withRetriages(cases[i]);
  }
  return cases;
}

/** The events the services would publish for a case, in the order they happened. */
export function eventsOf(script: CaseScript, next: () => number): ScriptedEvent[] {
  const events: ScriptedEvent[] = [
    {
      id: uuid(next),
      type: EventTypes.CaseSubmitted,
      at: script.submittedAt,
      data: {
        caseId: script.caseId,
        reference: `CB-2026-${String(Math.floor(next() * 999_999)).padStart(6, '0')}`,
        hostCountry: script.hostCountry,
        hostCity: script.hostCity,
        category: script.category,
        priority: script.priority,
        riskIndicators: script.riskIndicators,
        channel: script.channel,
        preferredLanguage: 'uz',
        submittedAt: script.submittedAt.toISOString(),
        amountClaimed: script.amountClaimed,
      },
    },
  ];
  let status: CaseStatus = 'submitted';
  let priority: Priority = script.priority;
  let version = 1;
  let sequence = 0;
  let holder: { consulateId: string; caseworkerId: string | null } | null = null;
  for (const step of script.steps) {
    const id = uuid(next);
    switch (step.kind) {
      case 'assign':
        sequence += 1;
        events.push({
          id,
          type: EventTypes.CaseAssigned,
          at: step.at,
          data: {
            caseId: script.caseId,
            hostCountry: script.hostCountry,
            consulateId: step.consulateId,
            caseworkerId: step.caseworkerId,
            assignedAt: step.at.toISOString(),
            reason: step.reason,
            previous: holder,
            sequence,
          },
        });
        holder = { consulateId: step.consulateId, caseworkerId: step.caseworkerId };
        break;
      case 'status':
        version += 1;
        events.push({
          id,
          type: EventTypes.CaseStatusChanged,
          at: step.at,
          data: {
            caseId: script.caseId,
            hostCountry: script.hostCountry,
            from: status,
            to: step.to,
            at: step.at.toISOString(),
            actor: { type: 'user', id: 'cw-test' },
            version,
            ...(step.to === 'withdrawn' || step.to === 'rejected'
              ? { reason: 'duplicate_complaint' }
              : {}),
            ...(script.steps.some((s) => s.kind === 'duplicate') && step.to === 'closed'
              ? { reason: 'duplicate', outcome: null }
              : {}),
            ...(step.outcome ? { outcome: step.outcome } : {}),
          },
        });
        status = step.to;
        break;
      case 'priority':
        version += 1;
        events.push({
          id,
          type: EventTypes.CasePriorityChanged,
          at: step.at,
          data: {
            caseId: script.caseId,
            hostCountry: script.hostCountry,
            from: priority,
            to: step.to,
            reason: step.reason,
            at: step.at.toISOString(),
            actor: { type: 'user', id: 'consul-test', role: 'consul' },
            version,
          },
        });
        priority = step.to;
        break;
      case 'breach':
        events.push({
          id,
          type: EventTypes.CaseSlaBreached,
          at: step.at,
          data: {
            caseId: script.caseId,
            ...(step.withCountry ? { hostCountry: script.hostCountry } : {}),
            consulateId: holder?.consulateId ?? 'HQ',
            caseworkerId: holder?.caseworkerId ?? null,
            stage: step.stage,
            dueAt: new Date(step.at.getTime() - 60_000).toISOString(),
            breachedAt: step.at.toISOString(),
          },
        });
        break;
      case 'duplicate':
        events.push({
          id,
          type: EventTypes.CaseDuplicateDecided,
          at: step.at,
          data: {
            caseId: script.caseId,
            hostCountry: script.hostCountry,
            duplicateOf: step.of,
            decision: 'confirmed',
            at: step.at.toISOString(),
            actor: { type: 'user', id: 'officer-test', role: 'intake_officer' },
            version,
          },
        });
        break;
    }
  }
  return events;
}

/** What is true of a case at the end of its script. */
export interface CaseTruth {
  script: CaseScript;
  status: CaseStatus;
  /** The priority of the last re-triage, else the one given at submission. */
  priority: Priority;
  firstAssignedAt: Date | null;
  firstActionAt: Date | null;
  resolvedAt: Date | null;
  outcome: CaseOutcome | null;
  consulateId: string | null;
  breaches: Record<SlaStage, number>;
  /** Confirmed a duplicate of an earlier case: counted in no figure. */
  duplicate: boolean;
}

export function truthOf(script: CaseScript): CaseTruth {
  const statusSteps = script.steps.filter((s) => s.kind === 'status');
  const assignSteps = script.steps.filter((s) => s.kind === 'assign');
  const status = statusSteps.at(-1)?.to ?? 'submitted';
  const lastResolution = [...statusSteps].reverse().find((s) => s.to === 'resolved');
  const finished = status === 'resolved' || status === 'closed';
  const retriages = script.steps.filter((s) => s.kind === 'priority');
  return {
    script,
    status,
    priority: retriages.at(-1)?.to ?? script.priority,
    firstAssignedAt: assignSteps[0]?.at ?? null,
    firstActionAt: statusSteps.find((s) => s.to === 'in_progress')?.at ?? null,
    resolvedAt: finished && lastResolution ? lastResolution.at : null,
    outcome: finished && lastResolution ? (lastResolution.outcome ?? null) : null,
    consulateId: assignSteps.at(-1)?.consulateId ?? null,
    breaches: {
      acceptance: script.steps.filter((s) => s.kind === 'breach' && s.stage === 'acceptance')
        .length,
      resolution: script.steps.filter((s) => s.kind === 'breach' && s.stage === 'resolution')
        .length,
    },
    duplicate: script.steps.some((s) => s.kind === 'duplicate'),
  };
}

const round2 = (x: number) => Math.round(x * 100) / 100;

/** Seconds from submission to a milestone, for the cases that reached it. */
export function durationsOf(cases: CaseTruth[], end: (c: CaseTruth) => Date | null): number[] {
  return cases.flatMap((c) => {
    const at = end(c);
    return at ? [(at.getTime() - c.script.submittedAt.getTime()) / 1000] : [];
  });
}

/**
 * The percentile a report shows: estimated from the durations' bins exactly as the read model
 * keeps them (the estimate's distance from the exact value is checked by its own test).
 */
function percentileOf(
  cases: CaseTruth[],
  end: (c: CaseTruth) => Date | null,
  p: number,
  unitSeconds: number,
): number | null {
  const bins = new Map<number, number>();
  for (const seconds of durationsOf(cases, end)) {
    bins.set(durationBin(seconds), (bins.get(durationBin(seconds)) ?? 0) + 1);
  }
  const estimate = histogramQuantile(bins, p);
  return estimate === null ? null : round2(estimate / unitSeconds);
}

function countBy<K extends string>(
  keys: readonly K[],
  cases: CaseTruth[],
  has: (c: CaseTruth, k: K) => boolean,
): Record<K, number> {
  return Object.fromEntries(keys.map((k) => [k, cases.filter((c) => has(c, k)).length])) as Record<
    K,
    number
  >;
}

function casesPerCurrency(amounts: (MoneyAmount | null | undefined)[]): Record<string, number> {
  const counts = new Map<string, number>();
  for (const a of amounts) if (a) counts.set(a.currency, (counts.get(a.currency) ?? 0) + 1);
  return Object.fromEntries([...counts].sort(([a], [b]) => (a < b ? -1 : 1)));
}

function sumMoney(amounts: (MoneyAmount | null | undefined)[]): Record<string, number> {
  const cents = new Map<string, number>();
  for (const a of amounts)
    if (a) cents.set(a.currency, (cents.get(a.currency) ?? 0) + Math.round(a.amount * 100));
  return Object.fromEntries(
    [...cents].sort(([a], [b]) => (a < b ? -1 : 1)).map(([c, v]) => [c, v / 100]),
  );
}

/** The figures of a set of cases, as the report must show them. */
export function expectedFigures(cases: CaseTruth[]) {
  const byStatus = countBy(CASE_STATUSES, cases, (c, s) => c.status === s);
  const finished = cases.filter((c) => c.resolvedAt !== null);
  const breaches: Record<SlaStage, number> = { acceptance: 0, resolution: 0 };
  for (const c of cases) for (const s of SLA_STAGES) breaches[s] += c.breaches[s];
  return {
    received: cases.length,
    open: cases.filter((c) => (OPEN_CASE_STATUSES as readonly string[]).includes(c.status)).length,
    inProgress: byStatus.in_progress,
    awaitingThirdParty: byStatus.awaiting_third_party,
    resolved: byStatus.resolved,
    closed: byStatus.closed,
    withdrawn: byStatus.withdrawn,
    rejected: byStatus.rejected,
    assigned: cases.filter((c) => c.firstAssignedAt !== null).length,
    byStatus,
    byCategory: countBy(CASE_CATEGORIES, cases, (c, k) => c.script.category === k),
    byPriority: countBy(PRIORITIES, cases, (c, k) => c.priority === k),
    riskIndicators: countBy(RISK_INDICATORS, cases, (c, k) => c.script.riskIndicators.includes(k)),
    slaBreaches: breaches.acceptance + breaches.resolution,
    slaBreachesByStage: breaches,
    medianHoursToAssignment: percentileOf(cases, (c) => c.firstAssignedAt, 0.5, 3600),
    medianHoursToFirstAction: percentileOf(cases, (c) => c.firstActionAt, 0.5, 3600),
    medianDaysToResolution: percentileOf(cases, (c) => c.resolvedAt, 0.5, 86_400),
    p90HoursToAssignment: percentileOf(cases, (c) => c.firstAssignedAt, 0.9, 3600),
    p90HoursToFirstAction: percentileOf(cases, (c) => c.firstActionAt, 0.9, 3600),
    p90DaysToResolution: percentileOf(cases, (c) => c.resolvedAt, 0.9, 86_400),
    resolutionRate: cases.length
      ? Math.round(((byStatus.resolved + byStatus.closed) / cases.length) * 10_000) / 10_000
      : null,
    outcomes: countBy(OUTCOME_TYPES, finished, (c, k) => c.outcome?.type === k),
    amountClaimed: sumMoney(cases.map((c) => c.script.amountClaimed)),
    amountClaimedCases: casesPerCurrency(cases.map((c) => c.script.amountClaimed)),
    amountRecovered: sumMoney(finished.map((c) => c.outcome?.amountRecovered)),
    amountRecoveredCases: casesPerCurrency(finished.map((c) => c.outcome?.amountRecovered)),
  };
}

export interface ExpectedFilters {
  from?: string;
  to?: string;
  category?: CaseCategory;
  consulateId?: string;
}

const day = (d: Date) => d.toISOString().slice(0, 10);

function withinDays(d: Date, f: ExpectedFilters): boolean {
  return (!f.from || day(d) >= f.from) && (!f.to || day(d) <= f.to);
}

function matchesCase(c: CaseTruth, f: ExpectedFilters): boolean {
  return (
    (!f.category || c.script.category === f.category) &&
    (!f.consulateId || c.consulateId === f.consulateId)
  );
}

/** Cases the filters select: submitted in the period, of the category, held by the consulate. */
export function selected(cases: CaseTruth[], f: ExpectedFilters): CaseTruth[] {
  return cases.filter((c) => withinDays(c.script.submittedAt, f) && matchesCase(c, f));
}

/** The cases the figures count: a confirmed duplicate is counted nowhere. */
function counted(cases: CaseTruth[]): CaseTruth[] {
  return cases.filter((c) => !c.duplicate);
}

function groupRows<K extends string>(
  cases: CaseTruth[],
  keyName: K,
  key: (c: CaseTruth) => string | null,
) {
  const groups = new Map<string | null, CaseTruth[]>();
  for (const c of cases) groups.set(key(c), [...(groups.get(key(c)) ?? []), c]);
  return [...groups]
    .map(
      ([k, members]) =>
        ({ [keyName]: k, ...expectedFigures(members) }) as { [P in K]: string | null } & ReturnType<
          typeof expectedFigures
        >,
    )
    .sort((a, b) => b.received - a.received || ((a[keyName] ?? '') < (b[keyName] ?? '') ? -1 : 1));
}

export function expectedReport(all: CaseTruth[], f: ExpectedFilters = {}) {
  const cases = counted(all);
  const chosen = selected(cases, f);
  return {
    rows: groupRows(chosen, 'hostCountry', (c) => c.script.hostCountry),
    totals: expectedFigures(chosen),
    monthly: expectedMonthly(cases, f, null),
  };
}

export function expectedCountry(all: CaseTruth[], code: string, f: ExpectedFilters = {}) {
  const cases = counted(all);
  const chosen = selected(cases, f).filter((c) => c.script.hostCountry === code);
  return {
    country: { hostCountry: code, ...expectedFigures(chosen) },
    monthly: expectedMonthly(cases, f, code),
    byCity: groupRows(chosen, 'hostCity', (c) => c.script.hostCity),
    byConsulate: groupRows(chosen, 'consulateId', (c) => c.consulateId),
  };
}

/** Received by submission month and resolved by resolution month, each within the period. */
export function expectedMonthly(all: CaseTruth[], f: ExpectedFilters, country: string | null) {
  const scoped = counted(all).filter(
    (c) => matchesCase(c, f) && (country === null || c.script.hostCountry === country),
  );
  const received = new Map<string, number>();
  const resolved = new Map<string, number>();
  for (const c of scoped) {
    if (withinDays(c.script.submittedAt, f)) {
      const m = day(c.script.submittedAt).slice(0, 7);
      received.set(m, (received.get(m) ?? 0) + 1);
    }
    if (c.resolvedAt && withinDays(c.resolvedAt, f)) {
      const m = day(c.resolvedAt).slice(0, 7);
      resolved.set(m, (resolved.get(m) ?? 0) + 1);
    }
  }
  const months = [...received.keys(), ...resolved.keys()].sort();
  let first = f.from ? f.from.slice(0, 7) : months[0];
  const last = f.to ? f.to.slice(0, 7) : months.at(-1);
  const out: { month: string; received: number; resolved: number }[] = [];
  if (first === undefined || last === undefined) return out;
  while (first <= last) {
    out.push({
      month: first,
      received: received.get(first) ?? 0,
      resolved: resolved.get(first) ?? 0,
    });
    const [y, m] = first.split('-').map(Number);
    first = m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
  }
  return out;
}
