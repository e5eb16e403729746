import { ApiProperty } from '@nestjs/swagger';
import type { Caseworker } from '../caseworker.entity';
import type { Consulate } from '../consulate.entity';

/** A consular office as the API shows it. Fields are listed one by one: a new column never leaks. */
export class ConsulateResponse {
  @ApiProperty({ example: 'RU-KZN' }) id!: string;
  @ApiProperty({ example: 'Consulate General of the Republic of Uzbekistan in Kazan' })
  name!: string;
  @ApiProperty({ example: 'RU' }) hostCountry!: string;
  @ApiProperty({ example: ['Kazan', 'Казань', 'Ufa', 'Samara'] }) cities!: string[];
  @ApiProperty({ example: ['uz', 'ru', 'tg'] }) languages!: string[];
  @ApiProperty({ example: false }) isDefaultForCountry!: boolean;
  @ApiProperty({ example: true }) active!: boolean;
  @ApiProperty({ example: '2026-03-02T09:00:00.000Z' }) createdAt!: string;
  @ApiProperty({ example: '2026-03-02T09:00:00.000Z' }) updatedAt!: string;
}

export class CaseworkerResponse {
  @ApiProperty({ example: 'ru-kzn-01' }) id!: string;
  @ApiProperty({ example: 'RU-KZN' }) consulateId!: string;
  @ApiProperty({ example: 'Ravshan Sobirov' }) name!: string;
  @ApiProperty({ example: ['uz', 'ru', 'tg'] }) languages!: string[];
  @ApiProperty({ example: true }) active!: boolean;
  @ApiProperty({ example: 30 }) maxOpenCases!: number;
  @ApiProperty({
    example: 'nargiza.tursunova@mfa.example',
    nullable: true,
    type: String,
    description: 'The staff identity (token `sub`) linked to this caseworker; null: none',
  })
  staffSubject!: string | null;
  @ApiProperty({
    example: 12,
    description: 'Cases this caseworker holds that are not resolved, closed, withdrawn or rejected',
  })
  openCases!: number;
  @ApiProperty({ example: '2026-03-02T09:00:00.000Z' }) createdAt!: string;
  @ApiProperty({ example: '2026-03-02T09:00:00.000Z' }) updatedAt!: string;
}

export function toConsulateResponse(c: Consulate): ConsulateResponse {
  return {
    id: c.id,
    name: c.name,
    hostCountry: c.hostCountry,
    cities: c.cities,
    languages: c.languages,
    isDefaultForCountry: c.isDefaultForCountry,
    active: c.active,
    createdAt: c.createdAt.toISOString(),
    updatedAt: c.updatedAt.toISOString(),
  };
}

export function toCaseworkerResponse(w: Caseworker): CaseworkerResponse {
  return {
    id: w.id,
    consulateId: w.consulateId,
    name: w.name,
    languages: w.languages,
    active: w.active,
    maxOpenCases: w.maxOpenCases,
    staffSubject: w.staffSubject,
    openCases: w.openCases,
    createdAt: w.createdAt.toISOString(),
    updatedAt: w.updatedAt.toISOString(),
  };
}
