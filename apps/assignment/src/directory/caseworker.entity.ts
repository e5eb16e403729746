import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A caseworker's id: 1–64 letters, digits, dots, dashes or underscores (DTOs of every feature check it). */
export const CASEWORKER_ID = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * A staff identity: what the services accept as a token's `sub` (1–128 UTF-16 code units, no
 * control characters; see TokenVerifier), so that every linkable identity can sign in.
 */
// eslint-disable-next-line no-control-regex -- refusing control characters is the point
export const STAFF_SUBJECT = /^[^\u0000-\u001f\u007f-\u009f]{1,128}$/;

/** A member of a consular office's staff who works cases. */
@Entity('caseworker')
export class Caseworker {
  @PrimaryColumn('text') id!: string;
  @Column('text', { name: 'consulate_id' }) consulateId!: string;
  @Column('text') name!: string;
  @Column('text', { array: true }) languages!: string[];
  @Column('boolean') active!: boolean;
  @Column('integer', { name: 'max_open_cases' }) maxOpenCases!: number;
  /** The `sub` of this person's tokens, set by an administrator; null: not linked. */
  @Column('text', { name: 'staff_subject', nullable: true }) staffSubject!: string | null;
  /** Cases held in an open state (submitted … awaiting_third_party); maintained by the service. */
  @Column('integer', { name: 'open_cases' }) openCases!: number;
  @Column('timestamptz', { name: 'created_at' }) createdAt!: Date;
  @Column('timestamptz', { name: 'updated_at' }) updatedAt!: Date;
}
