import { isDeepStrictEqual } from 'node:util';
import type {
  CaseCategory,
  CaseStatus,
  Channel,
  Priority,
  RiskIndicator,
} from '@casebridge/contracts';
import type {
  CaseResponse,
  DuplicateDecisionResponse,
  LinkedCaseResponse,
} from './dto/case.response';
import type { CreateCaseDto } from './dto/create-case.dto';

/**
 * What an Idempotency-Key keeps of the answer it was first given (`idempotency_key.response`):
 * the creation's answer without a single personal field (no name, passport, birth date, phone,
 * e-mail, employer or description). A retry with the same key gets this answer again, whatever
 * happened to the case since; the personal fields come from the retry's own body, which is the
 * first body (same hash), or are null once the case's personal data is erased. Fields are listed
 * one by one: a field added to CaseResponse never reaches the table unnoticed.
 */
export interface ReplaySnapshot {
  id: string;
  reference: string;
  status: CaseStatus;
  priority: Priority;
  category: CaseCategory;
  riskIndicators: RiskIndicator[];
  hostCountry: string;
  hostCity: string | null;
  channel: Channel;
  preferredLanguage: string;
  consentToShare: boolean;
  incidentDate: string | null;
  amountClaimed: { amount: number; currency: string } | null;
  outcome: CaseResponse['outcome'];
  /** As shown to the creator at creation (null when they could not see it). */
  possibleDuplicateOf: string | null;
  duplicateDecision: DuplicateDecisionResponse | null;
  linkedCases: LinkedCaseResponse[];
  consulateId: string | null;
  caseworkerId: string | null;
  submittedAt: string;
  updatedAt: string;
  version: number;
}

/** The personal fields of an answer, as the request sent them. */
export interface SentPersonalData {
  complainant: Pick<
    CaseResponse['complainant'],
    'fullName' | 'passportNumber' | 'dateOfBirth' | 'phone' | 'email'
  >;
  employer: CaseResponse['employer'];
  description: string;
}

/** The creation answer without its personal fields (what the key row stores). */
export function snapshotOf(answer: CaseResponse): ReplaySnapshot {
  return {
    id: answer.id,
    reference: answer.reference,
    status: answer.status,
    priority: answer.priority,
    category: answer.category,
    riskIndicators: [...answer.riskIndicators],
    hostCountry: answer.hostCountry,
    hostCity: answer.hostCity,
    channel: answer.channel,
    preferredLanguage: answer.complainant.preferredLanguage,
    consentToShare: answer.complainant.consentToShare,
    incidentDate: answer.incidentDate,
    amountClaimed: answer.amountClaimed
      ? { amount: answer.amountClaimed.amount, currency: answer.amountClaimed.currency }
      : null,
    outcome: answer.outcome,
    possibleDuplicateOf: answer.possibleDuplicateOf,
    duplicateDecision: answer.duplicateDecision,
    linkedCases: answer.linkedCases.map((l) => ({ ...l })),
    consulateId: answer.consulateId,
    caseworkerId: answer.caseworkerId,
    submittedAt: answer.submittedAt,
    updatedAt: answer.updatedAt,
    version: answer.version,
  };
}

/** The personal fields of a request body, as its creation answer shows them. */
export function personalDataSent(dto: CreateCaseDto): SentPersonalData {
  return {
    complainant: {
      fullName: dto.complainant.fullName,
      passportNumber: dto.complainant.passportNumber ?? null,
      dateOfBirth: dto.complainant.dateOfBirth ?? null,
      phone: dto.complainant.phone ?? null,
      email: dto.complainant.email ?? null,
    },
    employer: dto.employer
      ? {
          name: dto.employer.name,
          address: dto.employer.address ?? null,
          taxId: dto.employer.taxId ?? null,
        }
      : null,
    description: dto.description,
  };
}

/** The fields of a body that are not personal data, as a creation answer shows them. */
function nonPersonalRequestFields(dto: CreateCaseDto) {
  return {
    category: dto.category,
    riskIndicators: dto.riskIndicators ?? [],
    hostCountry: dto.hostCountry,
    hostCity: dto.hostCity ?? null,
    channel: dto.channel,
    preferredLanguage: dto.complainant.preferredLanguage,
    consentToShare: dto.complainant.consentToShare,
    incidentDate: dto.incidentDate ?? null,
    amountClaimed: dto.amountClaimed
      ? {
          amount: Number(dto.amountClaimed.amount.toFixed(2)),
          currency: dto.amountClaimed.currency,
        }
      : null,
  };
}

/**
 * Whether `dto` agrees with the snapshot in every field that is not personal data: all that can
 * still be compared once the case's personal data, and with it the request's hash, is erased.
 */
export function sameNonPersonalFields(snapshot: ReplaySnapshot, dto: CreateCaseDto): boolean {
  const stored = {
    category: snapshot.category,
    riskIndicators: snapshot.riskIndicators,
    hostCountry: snapshot.hostCountry,
    hostCity: snapshot.hostCity,
    channel: snapshot.channel,
    preferredLanguage: snapshot.preferredLanguage,
    consentToShare: snapshot.consentToShare,
    incidentDate: snapshot.incidentDate,
    amountClaimed: snapshot.amountClaimed,
  };
  return isDeepStrictEqual(stored, nonPersonalRequestFields(dto));
}

/**
 * The first answer again: the snapshot, with the personal data the request sent, or with every
 * personal field null and `personalDataErasedAt` set once it is erased. `possibleDuplicateOf`
 * is the one shown at creation, and only while the caller may still see the earlier case.
 */
export function replayedAnswer(
  s: ReplaySnapshot,
  sent: SentPersonalData | null,
  personalDataErasedAt: Date | null,
  stillShownDuplicateOf: string | null,
): CaseResponse {
  const shownDuplicate = s.possibleDuplicateOf !== null && stillShownDuplicateOf !== null;
  return {
    id: s.id,
    reference: s.reference,
    status: s.status,
    priority: s.priority,
    category: s.category,
    riskIndicators: s.riskIndicators,
    hostCountry: s.hostCountry,
    hostCity: s.hostCity,
    channel: s.channel,
    complainant: {
      fullName: sent?.complainant.fullName ?? null,
      passportNumber: sent?.complainant.passportNumber ?? null,
      dateOfBirth: sent?.complainant.dateOfBirth ?? null,
      phone: sent?.complainant.phone ?? null,
      email: sent?.complainant.email ?? null,
      preferredLanguage: s.preferredLanguage,
      consentToShare: s.consentToShare,
    },
    employer: sent?.employer ?? null,
    description: sent?.description ?? null,
    incidentDate: s.incidentDate,
    amountClaimed: s.amountClaimed,
    outcome: s.outcome,
    possibleDuplicateOf: shownDuplicate ? s.possibleDuplicateOf : null,
    duplicateDecision: shownDuplicate ? s.duplicateDecision : null,
    linkedCases: s.linkedCases,
    consulateId: s.consulateId,
    caseworkerId: s.caseworkerId,
    submittedAt: s.submittedAt,
    updatedAt: s.updatedAt,
    version: s.version,
    personalDataErasedAt: sent === null ? (personalDataErasedAt?.toISOString() ?? null) : null,
  };
}
