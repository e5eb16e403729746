import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A consular office (embassy, consulate general) or the agency headquarters desk `HQ`. */
@Entity('consulate')
export class Consulate {
  @PrimaryColumn('text') id!: string;
  @Column('text') name!: string;
  @Column('char', { name: 'host_country', length: 2 }) hostCountry!: string;
  /** Cities the office covers, matched case-insensitively against a case's host city. */
  @Column('text', { array: true }) cities!: string[];
  @Column('text', { array: true }) languages!: string[];
  /** The country's fallback office (its embassy) for cities no office covers. */
  @Column('boolean', { name: 'is_default_for_country' }) isDefaultForCountry!: boolean;
  @Column('boolean') active!: boolean;
  @Column('timestamptz', { name: 'created_at' }) createdAt!: Date;
  @Column('timestamptz', { name: 'updated_at' }) updatedAt!: Date;
}
