import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  CASE_CATEGORIES,
  CASE_STATUSES,
  CHANNELS,
  OUTCOME_TYPES,
  PRIORITIES,
  RISK_INDICATORS,
} from '@casebridge/contracts';
import type {
  CaseCategory,
  CaseStatus,
  Channel,
  DuplicateDecision,
  OutcomeType,
  Priority,
  RiskIndicator,
} from '@casebridge/contracts';
import type { CaseFile, Complainant, Employer } from '../case-file.entity';

/** `possibleDuplicateOf` reveals that a passport has another case: who may see it (SPEC.md, Access). */
const POSSIBLE_DUPLICATE_OF = {
  type: String,
  format: 'uuid',
  nullable: true,
  description:
    'An earlier case with the same passport, host country and category (90 days); shown only to intake officers and the staff of the consulate holding that case, else null',
} as const;

class MoneyResponse {
  @ApiProperty({ example: 1850.5 }) amount!: number;
  @ApiProperty({ example: 'RUB' }) currency!: string;
}

class OutcomeResponse {
  @ApiProperty({ example: 'wages_recovered', enum: OUTCOME_TYPES }) type!: OutcomeType;
  @ApiPropertyOptional({ type: MoneyResponse, nullable: true })
  amountRecovered!: MoneyResponse | null;
}

export class DuplicateDecisionResponse {
  @ApiProperty({ example: 'confirmed', enum: ['confirmed', 'dismissed'] })
  decision!: DuplicateDecision;
  @ApiProperty({ example: '2026-03-04T11:20:00.000Z' }) decidedAt!: string;
  @ApiProperty({ example: 'intake-officer-7', description: 'Staff user id (token `sub`)' })
  decidedBy!: string;
}

export class LinkedCaseResponse {
  @ApiProperty({ format: 'uuid' }) caseId!: string;
  @ApiProperty({ example: 'CB-2026-000117' }) reference!: string;
  @ApiProperty({
    example: 'duplicate_of',
    enum: ['duplicate_of', 'duplicated_by'],
    description:
      '`duplicate_of`: this case is a confirmed duplicate of the linked one; `duplicated_by`: the reverse',
  })
  relation!: 'duplicate_of' | 'duplicated_by';
}

export class EmployerResponse {
  @ApiProperty({ example: 'Stroy-Invest LLC' }) name!: string;
  @ApiProperty({ type: String, nullable: true }) address!: string | null;
  @ApiProperty({ type: String, nullable: true }) taxId!: string | null;
}

/** The complainant as shown: every personal field is null once the case's data is erased. */
export class ComplainantResponse {
  @ApiProperty({ type: String, nullable: true, description: 'null once erased' })
  fullName!: string | null;
  @ApiProperty({ type: String, nullable: true }) passportNumber!: string | null;
  @ApiProperty({ type: String, nullable: true, example: '1990-04-02' })
  dateOfBirth!: string | null;
  @ApiProperty({ type: String, nullable: true }) phone!: string | null;
  @ApiProperty({ type: String, nullable: true }) email!: string | null;
  @ApiProperty({ example: 'uz' }) preferredLanguage!: string;
  @ApiProperty() consentToShare!: boolean;
}

/** What a case file shows beyond its row: the duplicate decision and the linked cases. */
export interface CaseFileExtras {
  duplicateDecision: DuplicateDecisionResponse | null;
  linkedCases: LinkedCaseResponse[];
}

/** The case file as the API shows it. Fields are listed one by one: a new column never leaks. */
export class CaseResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'CB-2026-000123' }) reference!: string;
  @ApiProperty({ example: 'submitted', enum: CASE_STATUSES }) status!: CaseStatus;
  @ApiProperty({ example: 'high', enum: PRIORITIES }) priority!: Priority;
  @ApiProperty({ example: 'unpaid_wages', enum: CASE_CATEGORIES }) category!: CaseCategory;
  @ApiProperty({ example: ['withholding_of_wages'], enum: RISK_INDICATORS, isArray: true })
  riskIndicators!: RiskIndicator[];
  @ApiProperty({ example: 'RU' }) hostCountry!: string;
  @ApiProperty({ type: String, example: 'Moscow', nullable: true }) hostCity!: string | null;
  @ApiProperty({ example: 'hotline', enum: CHANNELS }) channel!: Channel;
  @ApiProperty({ type: ComplainantResponse }) complainant!: ComplainantResponse;
  @ApiProperty({
    type: EmployerResponse,
    nullable: true,
    description: 'null once the personal data is erased',
  })
  employer!: EmployerResponse | null;
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'null once the personal data is erased',
  })
  description!: string | null;
  @ApiProperty({ type: String, nullable: true, example: '2026-09-01' }) incidentDate!:
    string | null;
  @ApiProperty({ type: MoneyResponse, nullable: true }) amountClaimed!: MoneyResponse | null;
  @ApiProperty({ type: OutcomeResponse, nullable: true }) outcome!: OutcomeResponse | null;
  @ApiProperty(POSSIBLE_DUPLICATE_OF) possibleDuplicateOf!: string | null;
  @ApiProperty({
    type: DuplicateDecisionResponse,
    nullable: true,
    description:
      'What staff decided about possibleDuplicateOf (confirmed: this case was closed as its duplicate); shown where possibleDuplicateOf is',
  })
  duplicateDecision!: DuplicateDecisionResponse | null;
  @ApiProperty({
    type: LinkedCaseResponse,
    isArray: true,
    description:
      'Cases linked to this one (confirmed duplicates, both ways), only those in your scope',
  })
  linkedCases!: LinkedCaseResponse[];
  @ApiProperty({ type: String, example: 'RU-MOW', nullable: true }) consulateId!: string | null;
  @ApiProperty({ type: String, nullable: true }) caseworkerId!: string | null;
  @ApiProperty() submittedAt!: string;
  @ApiProperty() updatedAt!: string;
  @ApiProperty({ example: 1 }) version!: number;
  @ApiProperty({
    type: String,
    nullable: true,
    example: null,
    description:
      'When the personal data of the case was erased (its key destroyed); its personal fields are then null',
  })
  personalDataErasedAt!: string | null;
}

function money(amount: string | null, currency: string | null): MoneyResponse | null {
  return amount !== null && currency !== null
    ? { amount: Number(amount), currency: currency.trim() }
    : null;
}

export function toCaseResponse(
  c: CaseFile,
  /** null: the case's personal data is erased. */
  complainant: Complainant | null,
  employer: Employer | null,
  description: string | null,
  /** The earlier case's id, only where the caller may see it (see CasesService). */
  visibleDuplicateOf: string | undefined,
  extras: CaseFileExtras = { duplicateDecision: null, linkedCases: [] },
): CaseResponse {
  return {
    id: c.id,
    reference: c.reference,
    status: c.status,
    priority: c.priority,
    category: c.category,
    riskIndicators: c.riskIndicators,
    hostCountry: c.hostCountry,
    hostCity: c.hostCity,
    channel: c.channel,
    complainant: {
      fullName: complainant?.fullName ?? null,
      passportNumber: complainant?.passportNumber ?? null,
      dateOfBirth: complainant?.dateOfBirth ?? null,
      phone: complainant?.phone ?? null,
      email: complainant?.email ?? null,
      preferredLanguage: c.preferredLanguage,
      consentToShare: c.consentToShare,
    },
    employer: employer
      ? { name: employer.name, address: employer.address, taxId: employer.taxId }
      : null,
    description,
    incidentDate: c.incidentDate,
    amountClaimed: money(c.amountClaimed, c.amountClaimedCurrency),
    outcome: c.outcomeType
      ? {
          type: c.outcomeType,
          amountRecovered: money(c.amountRecovered, c.amountRecoveredCurrency),
        }
      : null,
    possibleDuplicateOf: visibleDuplicateOf ?? null,
    duplicateDecision: visibleDuplicateOf === undefined ? null : extras.duplicateDecision,
    linkedCases: extras.linkedCases,
    consulateId: c.consulateId,
    caseworkerId: c.caseworkerId,
    submittedAt: c.submittedAt.toISOString(),
    updatedAt: c.updatedAt.toISOString(),
    version: c.version,
    personalDataErasedAt: c.personalDataErasedAt?.toISOString() ?? null,
  };
}

/** A row of a case list: classifications only, no personal data. */
export class CaseSummaryResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'CB-2026-000123' }) reference!: string;
  @ApiProperty({ enum: CASE_STATUSES }) status!: CaseStatus;
  @ApiProperty({ enum: PRIORITIES }) priority!: Priority;
  @ApiProperty({ enum: CASE_CATEGORIES }) category!: CaseCategory;
  @ApiProperty() hostCountry!: string;
  @ApiProperty({ type: String, nullable: true }) hostCity!: string | null;
  @ApiProperty({ type: String, nullable: true }) consulateId!: string | null;
  @ApiProperty({ type: String, nullable: true }) caseworkerId!: string | null;
  @ApiProperty(POSSIBLE_DUPLICATE_OF) possibleDuplicateOf!: string | null;
  @ApiProperty() submittedAt!: string;
  @ApiProperty() updatedAt!: string;
  @ApiProperty() version!: number;
}

export class CaseListResponse {
  @ApiProperty({ type: [CaseSummaryResponse] }) items!: CaseSummaryResponse[];
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Pass as `cursor` for the next page; null on the last page',
  })
  nextCursor!: string | null;
}

export function toCaseSummary(
  c: CaseFile,
  visibleDuplicateOf: string | undefined,
): CaseSummaryResponse {
  return {
    id: c.id,
    reference: c.reference,
    status: c.status,
    priority: c.priority,
    category: c.category,
    hostCountry: c.hostCountry,
    hostCity: c.hostCity,
    consulateId: c.consulateId,
    caseworkerId: c.caseworkerId,
    possibleDuplicateOf: visibleDuplicateOf ?? null,
    submittedAt: c.submittedAt.toISOString(),
    updatedAt: c.updatedAt.toISOString(),
    version: c.version,
  };
}
