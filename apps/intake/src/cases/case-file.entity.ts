import { Column, Entity, PrimaryColumn } from 'typeorm';
import type {
  CaseCategory,
  CaseStatus,
  Channel,
  DuplicateDecision,
  ErasureTrigger,
  OutcomeType,
  Priority,
  RiskIndicator,
} from '@casebridge/contracts';

/** A complaint and its lifecycle. Personal data only in the *Enc columns (ciphertext). */
@Entity('case_file')
export class CaseFile {
  @PrimaryColumn('uuid') id!: string;
  @Column('text') reference!: string;
  @Column('text') status!: CaseStatus;
  @Column('text') priority!: Priority;
  @Column('text') category!: CaseCategory;
  @Column('text', { name: 'risk_indicators', array: true }) riskIndicators!: RiskIndicator[];
  @Column('char', { name: 'host_country', length: 2 }) hostCountry!: string;
  @Column('text', { name: 'host_city', nullable: true }) hostCity!: string | null;
  @Column('text') channel!: Channel;
  @Column('text', { name: 'preferred_language' }) preferredLanguage!: string;
  @Column('boolean', { name: 'consent_to_share' }) consentToShare!: boolean;
  /** Null once the case's personal data is erased (as are employerEnc, descriptionEnc). */
  @Column('text', { name: 'complainant_enc', nullable: true }) complainantEnc!: string | null;
  @Column('text', { name: 'employer_enc', nullable: true }) employerEnc!: string | null;
  @Column('text', { name: 'description_enc', nullable: true }) descriptionEnc!: string | null;
  @Column('text', { name: 'passport_index', nullable: true }) passportIndex!: string | null;
  /** Which blind-index key passportIndex is under (null: before key ids, or no passport). */
  @Column('text', { name: 'passport_index_key_id', nullable: true })
  passportIndexKeyId!: string | null;
  @Column('date', { name: 'incident_date', nullable: true }) incidentDate!: string | null;
  @Column('numeric', { name: 'amount_claimed', precision: 16, scale: 2, nullable: true })
  amountClaimed!: string | null;
  @Column('char', { name: 'amount_claimed_currency', length: 3, nullable: true })
  amountClaimedCurrency!: string | null;
  @Column('text', { name: 'outcome_type', nullable: true }) outcomeType!: OutcomeType | null;
  @Column('numeric', { name: 'amount_recovered', precision: 16, scale: 2, nullable: true })
  amountRecovered!: string | null;
  @Column('char', { name: 'amount_recovered_currency', length: 3, nullable: true })
  amountRecoveredCurrency!: string | null;
  @Column('uuid', { name: 'possible_duplicate_of', nullable: true }) possibleDuplicateOf!:
    string | null;
  /** What staff decided about possibleDuplicateOf; null: not decided (or not flagged). */
  @Column('text', { name: 'duplicate_decision', nullable: true })
  duplicateDecision!: DuplicateDecision | null;
  @Column('timestamptz', { name: 'duplicate_decided_at', nullable: true })
  duplicateDecidedAt!: Date | null;
  @Column('text', { name: 'duplicate_decided_by', nullable: true })
  duplicateDecidedBy!: string | null;
  @Column('text', { name: 'consulate_id', nullable: true }) consulateId!: string | null;
  @Column('text', { name: 'caseworker_id', nullable: true }) caseworkerId!: string | null;
  @Column('integer', { name: 'assignment_sequence' }) assignmentSequence!: number;
  @Column('text', { name: 'created_by' }) createdBy!: string;
  @Column('timestamptz', { name: 'submitted_at' }) submittedAt!: Date;
  @Column('timestamptz', { name: 'updated_at' }) updatedAt!: Date;
  @Column('integer') version!: number;
  /** When its personal data was erased (its data key destroyed); null while it is kept. */
  @Column('timestamptz', { name: 'personal_data_erased_at', nullable: true })
  personalDataErasedAt!: Date | null;
  /** The erasure's reason code (ErasureReason, or retention_period_ended). */
  @Column('text', { name: 'erasure_reason', nullable: true }) erasureReason!: string | null;
  @Column('text', { name: 'erasure_trigger', nullable: true })
  erasureTrigger!: ErasureTrigger | null;
  /** A legal hold (LegalHoldReason): retention suspended, erasure refused while set. */
  @Column('text', { name: 'legal_hold_reason', nullable: true }) legalHoldReason!: string | null;
  @Column('timestamptz', { name: 'legal_hold_at', nullable: true }) legalHoldAt!: Date | null;
  @Column('text', { name: 'legal_hold_by', nullable: true }) legalHoldBy!: string | null;
}

/** The decrypted personal part of a case file. */
export interface Complainant {
  fullName: string;
  passportNumber: string | null;
  dateOfBirth: string | null;
  phone: string | null;
  email: string | null;
}

export interface Employer {
  name: string;
  address: string | null;
  taxId: string | null;
}
