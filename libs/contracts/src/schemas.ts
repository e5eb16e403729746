import {
  ASSIGNMENT_REASONS,
  CASE_CATEGORIES,
  CASE_STATUSES,
  CHANNELS,
  CONSULATE_ID_PATTERN,
  DUPLICATE_DECISIONS,
  ERASURE_REASONS,
  ERASURE_TRIGGERS,
  OUTCOME_TYPES,
  PRIORITIES,
  PRIORITY_CHANGE_REASONS,
  RISK_INDICATORS,
  SLA_STAGES,
} from './vocabulary';
import { EventType, EventTypes } from './events';
import { NFC_TEXT_FORMAT } from './text';

/**
 * JSON Schemas (draft-07) of each event's data. `additionalProperties: false` everywhere: a
 * field that is not in the contract (a name, a note…) makes the event invalid. Free text carries
 * `format: "nfc-text"` (well-formed, NFC): its `maxLength` then counts what request validation
 * counts (code points after NFC, see text.ts), so a request that passed validation cannot
 * produce an event that fails its schema.
 */
const uuid = { type: 'string', format: 'uuid' } as const;
const dateTime = { type: 'string', format: 'date-time' } as const;
const country = { type: 'string', pattern: '^[A-Z]{2}$' } as const;
/**
 * Versions and sequences count a case's changes; every consumer stores them as a 32-bit integer,
 * so a larger one (only a forged event has it) is invalid rather than a failure to apply.
 */
const MAX_COUNTER = 2_147_483_647;
const consulateId = { type: 'string', pattern: CONSULATE_ID_PATTERN.source } as const;
const caseworkerId = {
  type: 'string',
  minLength: 1,
  maxLength: 64,
  pattern: '^[A-Za-z0-9._-]+$',
} as const;
const money = {
  type: 'object',
  additionalProperties: false,
  required: ['amount', 'currency'],
  properties: {
    amount: { type: 'number', minimum: 0 },
    currency: { type: 'string', pattern: '^[A-Z]{3}$' },
  },
} as const;

/** Who made a change: a staff user (JWT `sub`, never a complainant) or a system component. */
const actor = {
  type: 'object',
  additionalProperties: false,
  required: ['type', 'id'],
  properties: {
    type: { enum: ['user', 'system'] },
    id: { type: 'string', minLength: 1, maxLength: 128 },
    role: { type: 'string', maxLength: 32 },
  },
} as const;

export const caseSubmittedV1Schema = {
  $id: 'https://casebridge.example/schemas/casebridge.case.submitted.v1.json',
  title: EventTypes.CaseSubmitted,
  type: 'object',
  additionalProperties: false,
  required: [
    'caseId',
    'reference',
    'hostCountry',
    'hostCity',
    'category',
    'priority',
    'riskIndicators',
    'channel',
    'preferredLanguage',
    'submittedAt',
  ],
  properties: {
    caseId: uuid,
    reference: { type: 'string', pattern: '^CB-[0-9]{4}-[0-9]{6,}$' },
    hostCountry: country,
    hostCity: { type: ['string', 'null'], maxLength: 100, format: NFC_TEXT_FORMAT },
    category: { enum: CASE_CATEGORIES },
    priority: { enum: PRIORITIES },
    riskIndicators: { type: 'array', items: { enum: RISK_INDICATORS }, uniqueItems: true },
    channel: { enum: CHANNELS },
    preferredLanguage: { type: 'string', pattern: '^[a-z]{2,3}$' },
    submittedAt: dateTime,
    amountClaimed: { oneOf: [money, { type: 'null' }] },
    possibleDuplicateOf: { oneOf: [uuid, { type: 'null' }] },
  },
} as const;

export const caseStatusChangedV1Schema = {
  $id: 'https://casebridge.example/schemas/casebridge.case.status-changed.v1.json',
  title: EventTypes.CaseStatusChanged,
  type: 'object',
  additionalProperties: false,
  required: ['caseId', 'hostCountry', 'from', 'to', 'at', 'actor', 'version'],
  properties: {
    caseId: uuid,
    hostCountry: country,
    from: { enum: CASE_STATUSES },
    to: { enum: CASE_STATUSES },
    at: dateTime,
    actor,
    version: { type: 'integer', minimum: 1, maximum: MAX_COUNTER },
    reason: { type: ['string', 'null'], pattern: '^[a-z_]{1,64}$' },
    outcome: {
      oneOf: [
        { type: 'null' },
        {
          type: 'object',
          additionalProperties: false,
          required: ['type'],
          properties: {
            type: { enum: OUTCOME_TYPES },
            amountRecovered: { oneOf: [money, { type: 'null' }] },
          },
        },
      ],
    },
  },
} as const;

export const casePriorityChangedV1Schema = {
  $id: 'https://casebridge.example/schemas/casebridge.case.priority-changed.v1.json',
  title: EventTypes.CasePriorityChanged,
  type: 'object',
  additionalProperties: false,
  required: ['caseId', 'hostCountry', 'from', 'to', 'reason', 'at', 'actor', 'version'],
  properties: {
    caseId: uuid,
    hostCountry: country,
    from: { enum: PRIORITIES },
    to: { enum: PRIORITIES },
    reason: { enum: PRIORITY_CHANGE_REASONS },
    at: dateTime,
    actor,
    version: { type: 'integer', minimum: 1, maximum: MAX_COUNTER },
  },
} as const;

const holder = {
  type: 'object',
  additionalProperties: false,
  required: ['consulateId', 'caseworkerId'],
  properties: { consulateId, caseworkerId: { oneOf: [caseworkerId, { type: 'null' }] } },
} as const;

export const caseAssignedV1Schema = {
  $id: 'https://casebridge.example/schemas/casebridge.case.assigned.v1.json',
  title: EventTypes.CaseAssigned,
  type: 'object',
  additionalProperties: false,
  required: [
    'caseId',
    'hostCountry',
    'consulateId',
    'caseworkerId',
    'assignedAt',
    'reason',
    'sequence',
  ],
  properties: {
    caseId: uuid,
    hostCountry: country,
    consulateId,
    caseworkerId: { oneOf: [caseworkerId, { type: 'null' }] },
    assignedAt: dateTime,
    reason: { enum: ASSIGNMENT_REASONS },
    previous: { oneOf: [holder, { type: 'null' }] },
    sequence: { type: 'integer', minimum: 1, maximum: MAX_COUNTER },
  },
} as const;

export const caseSlaBreachedV1Schema = {
  $id: 'https://casebridge.example/schemas/casebridge.case.sla-breached.v1.json',
  title: EventTypes.CaseSlaBreached,
  type: 'object',
  additionalProperties: false,
  required: ['caseId', 'consulateId', 'caseworkerId', 'stage', 'dueAt', 'breachedAt'],
  properties: {
    caseId: uuid,
    hostCountry: country,
    consulateId,
    caseworkerId: { oneOf: [caseworkerId, { type: 'null' }] },
    stage: { enum: SLA_STAGES },
    dueAt: dateTime,
    breachedAt: dateTime,
  },
} as const;

export const caseDuplicateDecidedV1Schema = {
  $id: 'https://casebridge.example/schemas/casebridge.case.duplicate-decided.v1.json',
  title: EventTypes.CaseDuplicateDecided,
  type: 'object',
  additionalProperties: false,
  required: ['caseId', 'hostCountry', 'duplicateOf', 'decision', 'at', 'actor', 'version'],
  properties: {
    caseId: uuid,
    hostCountry: country,
    duplicateOf: uuid,
    decision: { enum: DUPLICATE_DECISIONS },
    at: dateTime,
    actor,
    version: { type: 'integer', minimum: 1, maximum: MAX_COUNTER },
  },
} as const;

export const casePersonalDataErasedV1Schema = {
  $id: 'https://casebridge.example/schemas/casebridge.case.personal-data-erased.v1.json',
  title: EventTypes.CasePersonalDataErased,
  type: 'object',
  additionalProperties: false,
  required: ['caseId', 'erasedAt', 'reason', 'trigger'],
  properties: {
    caseId: uuid,
    hostCountry: country,
    erasedAt: dateTime,
    reason: { enum: [...ERASURE_REASONS, 'retention_period_ended'] },
    trigger: { enum: ERASURE_TRIGGERS },
    version: { type: 'integer', minimum: 1, maximum: MAX_COUNTER },
  },
} as const;

export const EVENT_SCHEMAS: Record<EventType, object> = {
  [EventTypes.CaseSubmitted]: caseSubmittedV1Schema,
  [EventTypes.CaseStatusChanged]: caseStatusChangedV1Schema,
  [EventTypes.CasePriorityChanged]: casePriorityChangedV1Schema,
  [EventTypes.CaseAssigned]: caseAssignedV1Schema,
  [EventTypes.CaseSlaBreached]: caseSlaBreachedV1Schema,
  [EventTypes.CaseDuplicateDecided]: caseDuplicateDecidedV1Schema,
  [EventTypes.CasePersonalDataErased]: casePersonalDataErasedV1Schema,
};
