import type {
  AssignmentReason,
  CaseCategory,
  CaseStatus,
  Channel,
  DuplicateDecision,
  ErasureReason,
  ErasureTrigger,
  OutcomeType,
  Priority,
  PriorityChangeReason,
  RiskIndicator,
  SlaStage,
} from './vocabulary';
import { ASSIGNMENT_EVENTS_TOPIC, CASE_EVENTS_TOPIC, EventTopic } from './topics';

/** CloudEvents `type` of every Casebridge event. The suffix is the contract version. */
export const EventTypes = {
  CaseSubmitted: 'casebridge.case.submitted.v1',
  CaseStatusChanged: 'casebridge.case.status-changed.v1',
  CasePriorityChanged: 'casebridge.case.priority-changed.v1',
  CaseAssigned: 'casebridge.case.assigned.v1',
  CaseSlaBreached: 'casebridge.case.sla-breached.v1',
  CaseDuplicateDecided: 'casebridge.case.duplicate-decided.v1',
  CasePersonalDataErased: 'casebridge.case.personal-data-erased.v1',
} as const;
export type EventType = (typeof EventTypes)[keyof typeof EventTypes];

export const EventSources = {
  intake: '/casebridge/intake',
  assignment: '/casebridge/assignment',
  reporting: '/casebridge/reporting',
} as const;
export type EventSource = (typeof EventSources)[keyof typeof EventSources];

export interface MoneyAmount {
  /** Decimal amount in major units, at most two decimals. */
  amount: number;
  /** ISO 4217 code. */
  currency: string;
}

export interface CaseSubmittedV1 {
  caseId: string;
  reference: string;
  hostCountry: string;
  hostCity: string | null;
  category: CaseCategory;
  priority: Priority;
  riskIndicators: RiskIndicator[];
  channel: Channel;
  preferredLanguage: string;
  submittedAt: string;
  amountClaimed?: MoneyAmount | null;
  possibleDuplicateOf?: string | null;
}

export interface StatusActor {
  type: 'user' | 'system';
  /** Staff user id (JWT `sub`) or the name of the system component. Never a complainant. */
  id: string;
  role?: string;
}

export interface CaseOutcome {
  type: OutcomeType;
  amountRecovered?: MoneyAmount | null;
}

export interface CaseStatusChangedV1 {
  caseId: string;
  hostCountry: string;
  from: CaseStatus;
  to: CaseStatus;
  at: string;
  actor: StatusActor;
  /** The case version after this change; orders a case's changes. */
  version: number;
  /** A reason code (never free text: free text may hold personal data). */
  reason?: string | null;
  outcome?: CaseOutcome | null;
}

/** A case re-triaged: its priority changed by staff, with a reason code. */
export interface CasePriorityChangedV1 {
  caseId: string;
  hostCountry: string;
  from: Priority;
  to: Priority;
  reason: PriorityChangeReason;
  at: string;
  actor: StatusActor;
  /** The case version after this change; orders a case's changes (shared with status changes). */
  version: number;
}

export interface AssignmentHolder {
  consulateId: string;
  caseworkerId: string | null;
}

export interface CaseAssignedV1 {
  caseId: string;
  hostCountry: string;
  consulateId: string;
  caseworkerId: string | null;
  assignedAt: string;
  reason: AssignmentReason;
  previous?: AssignmentHolder | null;
  /** Increases by one with every assignment of the case; orders them. */
  sequence: number;
}

export interface CaseSlaBreachedV1 {
  caseId: string;
  hostCountry?: string;
  consulateId: string;
  caseworkerId: string | null;
  stage: SlaStage;
  dueAt: string;
  breachedAt: string;
}

/**
 * Staff decided whether a case flagged `possibleDuplicateOf` duplicates that earlier case. A
 * confirmed duplicate is closed (a case.status-changed to `closed`, reason `duplicate`, in the
 * same transaction) and leaves every statistic: the complaint counts once, as the earlier case.
 */
export interface CaseDuplicateDecidedV1 {
  caseId: string;
  hostCountry: string;
  /** The earlier case this one was flagged as possibly duplicating. */
  duplicateOf: string;
  decision: DuplicateDecision;
  at: string;
  actor: StatusActor;
  /** The case version after the decision. */
  version: number;
}

/**
 * A case's personal data was erased (its data key destroyed: crypto-shredding), on request or at
 * the end of its retention period. Carries no personal data; classifications and statistics stay.
 */
export interface CasePersonalDataErasedV1 {
  caseId: string;
  hostCountry?: string;
  erasedAt: string;
  /** The request's reason code; `retention_period_ended` when the retention job erased it. */
  reason: ErasureReason | 'retention_period_ended';
  trigger: ErasureTrigger;
  /** The case version after the erasure. */
  version?: number;
}

/** Typed map from CloudEvents type to its data: every emit and handler is type-checked. */
export interface EventDataMap {
  [EventTypes.CaseSubmitted]: CaseSubmittedV1;
  [EventTypes.CaseStatusChanged]: CaseStatusChangedV1;
  [EventTypes.CasePriorityChanged]: CasePriorityChangedV1;
  [EventTypes.CaseAssigned]: CaseAssignedV1;
  [EventTypes.CaseSlaBreached]: CaseSlaBreachedV1;
  [EventTypes.CaseDuplicateDecided]: CaseDuplicateDecidedV1;
  [EventTypes.CasePersonalDataErased]: CasePersonalDataErasedV1;
}

export const EVENT_TOPIC_OF: Record<EventType, EventTopic> = {
  [EventTypes.CaseSubmitted]: CASE_EVENTS_TOPIC,
  [EventTypes.CaseStatusChanged]: CASE_EVENTS_TOPIC,
  [EventTypes.CasePriorityChanged]: CASE_EVENTS_TOPIC,
  [EventTypes.CaseAssigned]: ASSIGNMENT_EVENTS_TOPIC,
  [EventTypes.CaseSlaBreached]: ASSIGNMENT_EVENTS_TOPIC,
  [EventTypes.CaseDuplicateDecided]: CASE_EVENTS_TOPIC,
  [EventTypes.CasePersonalDataErased]: CASE_EVENTS_TOPIC,
};

/**
 * The one service that writes each event topic (the broker's ACLs say the same). Consumers refuse
 * an event whose `ce_source` is not its topic's owner, or whose type belongs to another topic.
 */
export const TOPIC_OWNER: Record<EventTopic, EventSource> = {
  [CASE_EVENTS_TOPIC]: EventSources.intake,
  [ASSIGNMENT_EVENTS_TOPIC]: EventSources.assignment,
};

export function topicOwner(topic: string): EventSource | undefined {
  return Object.prototype.hasOwnProperty.call(TOPIC_OWNER, topic)
    ? TOPIC_OWNER[topic as EventTopic]
    : undefined;
}

/** An event as a consumer sees it: CloudEvents attributes plus typed data. */
export interface CasebridgeEvent<T extends EventType = EventType> {
  id: string;
  type: T;
  source: string;
  subject: string;
  time: string;
  correlationId: string;
  causationId?: string;
  traceparent?: string;
  data: EventDataMap[T];
}
