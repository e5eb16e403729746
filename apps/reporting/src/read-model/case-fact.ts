import type {
  CasebridgeEvent,
  CaseCategory,
  CaseStatus,
  Channel,
  EventType,
  MoneyAmount,
  OutcomeType,
  Priority,
  RiskIndicator,
} from '@casebridge/contracts';
import { EventTypes, reportedCity } from '@casebridge/contracts';

/** A money amount as a decimal string with two decimals (no float arithmetic on money). */
export interface Money {
  amount: string;
  currency: string;
}

/**
 * What reporting knows about one case: classifications and milestones, never personal data.
 * `submittedAt` is null until the case's submitted event is known; until then the case is not
 * counted anywhere (its other events are kept and merged when it arrives).
 */
export interface CaseFact {
  caseId: string;
  hostCountry: string | null;
  /** The known city it names (HOST_CITIES), 'other' for any other text, null when none. */
  hostCity: string | null;
  category: CaseCategory | null;
  /** The current priority: the submitted one until a re-triage, then the newest by `version`. */
  priority: Priority | null;
  /** The case version of the priority change applied (0: none, the submitted priority stands). */
  priorityVersion: number;
  riskIndicators: RiskIndicator[];
  channel: Channel | null;
  submittedAt: Date | null;
  amountClaimed: Money | null;
  /** The status of the newest status change applied (by `version`). */
  status: CaseStatus;
  statusVersion: number;
  statusChangedAt: Date | null;
  /** Earliest `assignedAt` of any assignment. */
  firstAssignedAt: Date | null;
  /** Earliest transition to in_progress. */
  firstActionAt: Date | null;
  /** The current resolution: set by `resolve`, cleared by `reopen`, whichever has the higher version. */
  resolvedAt: Date | null;
  resolutionVersion: number;
  outcomeType: OutcomeType | null;
  amountRecovered: Money | null;
  /** The current holder: the assignment with the highest `sequence`. */
  consulateId: string | null;
  caseworkerId: string | null;
  assignmentSequence: number;
  slaAcceptanceBreaches: number;
  slaResolutionBreaches: number;
  /** Set once staff confirm the case duplicates this earlier one: it then counts nowhere. */
  duplicateOf: string | null;
  /** Newest event time seen for the case. */
  lastEventAt: Date | null;
}

/** A Casebridge event as a union discriminated by `type`. */
export type AnyCasebridgeEvent = { [T in EventType]: CasebridgeEvent<T> }[EventType];

export function emptyFact(caseId: string): CaseFact {
  return {
    caseId,
    hostCountry: null,
    hostCity: null,
    category: null,
    priority: null,
    priorityVersion: 0,
    riskIndicators: [],
    channel: null,
    submittedAt: null,
    amountClaimed: null,
    status: 'submitted',
    statusVersion: 0,
    statusChangedAt: null,
    firstAssignedAt: null,
    firstActionAt: null,
    resolvedAt: null,
    resolutionVersion: 0,
    outcomeType: null,
    amountRecovered: null,
    consulateId: null,
    caseworkerId: null,
    assignmentSequence: 0,
    slaAcceptanceBreaches: 0,
    slaResolutionBreaches: 0,
    duplicateOf: null,
    lastEventAt: null,
  };
}

export function toMoney(amount: MoneyAmount | null | undefined): Money | null {
  return amount ? { amount: amount.amount.toFixed(2), currency: amount.currency } : null;
}

function earliest(a: Date | null, b: Date): Date {
  return a !== null && a.getTime() <= b.getTime() ? a : b;
}

function latest(a: Date | null, b: Date): Date {
  return a !== null && a.getTime() >= b.getTime() ? a : b;
}

const FINISHED_RESOLUTION: ReadonlySet<CaseStatus> = new Set(['resolved', 'closed']);

/**
 * Merges one event into a case's fact. Every rule is order-independent (set once, earliest,
 * highest version or sequence wins, counters), so events of a case may arrive in any order
 * across the two topics and the result is the same.
 */
export function mergeEvent(fact: CaseFact, event: AnyCasebridgeEvent): CaseFact {
  const next: CaseFact = { ...fact, lastEventAt: latest(fact.lastEventAt, new Date(event.time)) };
  switch (event.type) {
    case EventTypes.CaseSubmitted: {
      const d = event.data;
      // The submitted event is authoritative for what it carries.
      next.hostCountry = d.hostCountry;
      // Only a known city of the country, or 'other': free text never enters the read model.
      next.hostCity = reportedCity(d.hostCountry, d.hostCity ?? null);
      next.category = d.category;
      // The priority it was submitted with, unless a re-triage (a later version) is known already.
      if (fact.priorityVersion === 0) next.priority = d.priority;
      next.riskIndicators = [...d.riskIndicators].sort();
      next.channel = d.channel;
      next.submittedAt = new Date(d.submittedAt);
      next.amountClaimed = toMoney(d.amountClaimed);
      return next;
    }
    case EventTypes.CaseStatusChanged: {
      const d = event.data;
      const at = new Date(d.at);
      next.hostCountry ??= d.hostCountry;
      if (d.to === 'in_progress') next.firstActionAt = earliest(fact.firstActionAt, at);
      if (d.version > fact.statusVersion) {
        next.status = d.to;
        next.statusVersion = d.version;
        next.statusChangedAt = at;
      }
      const resolves = d.to === 'resolved' && !FINISHED_RESOLUTION.has(d.from);
      const reopens = FINISHED_RESOLUTION.has(d.from) && !FINISHED_RESOLUTION.has(d.to);
      if ((resolves || reopens) && d.version > fact.resolutionVersion) {
        next.resolutionVersion = d.version;
        next.resolvedAt = resolves ? at : null;
        next.outcomeType = resolves ? (d.outcome?.type ?? null) : null;
        next.amountRecovered = resolves ? toMoney(d.outcome?.amountRecovered) : null;
      }
      return next;
    }
    case EventTypes.CasePriorityChanged: {
      const d = event.data;
      next.hostCountry ??= d.hostCountry;
      if (d.version > fact.priorityVersion) {
        next.priority = d.to;
        next.priorityVersion = d.version;
      }
      return next;
    }
    case EventTypes.CaseAssigned: {
      const d = event.data;
      next.hostCountry ??= d.hostCountry;
      next.firstAssignedAt = earliest(fact.firstAssignedAt, new Date(d.assignedAt));
      if (d.sequence > fact.assignmentSequence) {
        next.consulateId = d.consulateId;
        next.caseworkerId = d.caseworkerId;
        next.assignmentSequence = d.sequence;
      }
      return next;
    }
    case EventTypes.CaseSlaBreached: {
      const d = event.data;
      next.hostCountry ??= d.hostCountry ?? null;
      if (d.stage === 'acceptance') next.slaAcceptanceBreaches += 1;
      else next.slaResolutionBreaches += 1;
      return next;
    }
    case EventTypes.CaseDuplicateDecided: {
      const d = event.data;
      next.hostCountry ??= d.hostCountry;
      // A confirmation is final (intake refuses to decide twice), so setting it is order-free.
      if (d.decision === 'confirmed') next.duplicateOf = d.duplicateOf;
      return next;
    }
    case EventTypes.CasePersonalDataErased:
      // Not a reported event (REPORTED_EVENT_TYPES): the read model holds no personal data, so
      // an erasure changes no figure.
      return fact;
  }
}
