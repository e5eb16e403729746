/** Classifications shared by every service. Events carry these, never personal data. */

/** A consulate's id, e.g. `RU-MOW` or `HQ`: capitals, digits and dashes (tokens, APIs, events). */
export const CONSULATE_ID_PATTERN = /^[A-Z0-9][A-Z0-9-]{1,31}$/;

export const CASE_CATEGORIES = [
  'unpaid_wages',
  'document_confiscation',
  'contract_violation',
  'unsafe_conditions',
  'workplace_injury',
  'forced_labour',
  'trafficking',
  'physical_abuse',
  'discrimination',
  'detention',
  'deportation',
  'illegal_recruitment_fees',
  'legal_status',
  'repatriation',
  'missing_person',
  'death_abroad',
  'other',
] as const;
export type CaseCategory = (typeof CASE_CATEGORIES)[number];

/** The ILO's eleven indicators of forced labour. */
export const RISK_INDICATORS = [
  'abuse_of_vulnerability',
  'deception',
  'restriction_of_movement',
  'isolation',
  'physical_sexual_violence',
  'intimidation_threats',
  'retention_of_identity_documents',
  'withholding_of_wages',
  'debt_bondage',
  'abusive_working_living_conditions',
  'excessive_overtime',
] as const;
export type RiskIndicator = (typeof RISK_INDICATORS)[number];

export const CHANNELS = [
  'hotline',
  'walk_in',
  'web',
  'email',
  'integration',
  'partner_referral',
] as const;
export type Channel = (typeof CHANNELS)[number];

export const PRIORITIES = ['urgent', 'high', 'normal'] as const;
export type Priority = (typeof PRIORITIES)[number];

export const CASE_STATUSES = [
  'submitted',
  'assigned',
  'in_progress',
  'awaiting_third_party',
  'resolved',
  'closed',
  'withdrawn',
  'rejected',
] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];

/** Statuses in which a case still needs work (it holds a caseworker's capacity). */
export const OPEN_CASE_STATUSES: readonly CaseStatus[] = [
  'submitted',
  'assigned',
  'in_progress',
  'awaiting_third_party',
];

export const OUTCOME_TYPES = [
  'wages_recovered',
  'documents_returned',
  'repatriated',
  'legal_aid_provided',
  'referred_to_host_authority',
  'compensation_paid',
  'no_resolution',
  'other',
] as const;
export type OutcomeType = (typeof OUTCOME_TYPES)[number];

/** Languages complainants and caseworkers use (ISO 639-1). */
export const LANGUAGES = [
  'uz',
  'ru',
  'en',
  'kk',
  'ky',
  'tg',
  'ko',
  'tr',
  'de',
  'ar',
  'pl',
  'cs',
  'ja',
  'zh',
  'he',
  'it',
  'fr',
  'lv',
  'lt',
  'uk',
  'az',
  'fa',
] as const;
export type Language = (typeof LANGUAGES)[number];

export const ASSIGNMENT_REASONS = ['auto', 'reassigned', 'transferred', 'no_coverage'] as const;
export type AssignmentReason = (typeof ASSIGNMENT_REASONS)[number];

export const SLA_STAGES = ['acceptance', 'resolution'] as const;
export type SlaStage = (typeof SLA_STAGES)[number];

/** Staff roles carried in JWT `roles`. */
export const ROLES = [
  'intake_officer',
  'caseworker',
  'consul',
  'manager',
  'admin',
  'integration',
  /** Personal-data requests (issue 15): erasure and access export; no case work, no reports. */
  'data_protection_officer',
] as const;
export type Role = (typeof ROLES)[number];

/** Why a case was withdrawn, rejected or reopened: codes, never free text (events carry them). */
export const TRANSITION_REASONS = [
  'complainant_request',
  'complainant_unreachable',
  'duplicate',
  'out_of_scope',
  'insufficient_information',
  'resolved_elsewhere',
  'no_jurisdiction',
  'new_information',
  'outcome_not_honoured',
  'other',
] as const;
export type TransitionReason = (typeof TRANSITION_REASONS)[number];

/** Why a complainant's personal data was erased early, on request (SPEC.md, Personal data lifecycle). */
export const ERASURE_REASONS = [
  'data_subject_request',
  'consent_withdrawn',
  'unlawful_processing',
  'court_order',
  'other',
] as const;
export type ErasureReason = (typeof ERASURE_REASONS)[number];

/** Why a case is under legal hold (its retention suspended, erasure refused): codes only. */
export const LEGAL_HOLD_REASONS = [
  'litigation',
  'criminal_investigation',
  'court_order',
  'regulator_request',
  'other',
] as const;
export type LegalHoldReason = (typeof LEGAL_HOLD_REASONS)[number];

/** What erased a case's personal data: a request (the data protection officer) or retention. */
export const ERASURE_TRIGGERS = ['request', 'retention'] as const;
export type ErasureTrigger = (typeof ERASURE_TRIGGERS)[number];

/** What staff decided about a possible duplicate. */
export const DUPLICATE_DECISIONS = ['confirmed', 'dismissed'] as const;
export type DuplicateDecision = (typeof DUPLICATE_DECISIONS)[number];

/** Why a case's priority was changed after intake (re-triage): codes, never free text. */
export const PRIORITY_CHANGE_REASONS = [
  'new_risk_information',
  'risk_reduced',
  'vulnerable_person',
  'triage_error',
  'host_authority_request',
  'other',
] as const;
export type PriorityChangeReason = (typeof PRIORITY_CHANGE_REASONS)[number];

export const CASE_ACTIONS = [
  'start',
  'await_third_party',
  'resume',
  'resolve',
  'close',
  'reopen',
  'withdraw',
  'reject',
] as const;
export type CaseAction = (typeof CASE_ACTIONS)[number];
