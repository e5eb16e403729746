import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsDefined,
  IsEmail,
  IsIn,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import {
  CASE_CATEGORIES,
  CaseCategory,
  Channel,
  CHANNELS,
  COUNTRY_CODES,
  CURRENCY_CODES,
  LANGUAGES,
  RISK_INDICATORS,
  RiskIndicator,
} from '@casebridge/contracts';
import { MaxDecimalPlaces, TextLength } from '@casebridge/common';
import { IsPastDate } from './is-past-date.validator';

/** A passport number as typed: the blind index ignores case, spaces and dashes. */
export const PASSPORT_NUMBER = /^[A-Za-z0-9][A-Za-z0-9 -]{3,18}[A-Za-z0-9]$/;
export const PASSPORT_NUMBER_MESSAGE =
  'passportNumber must be 5–20 letters or digits (spaces and dashes allowed inside)';

export class ComplainantDto {
  @ApiProperty({ example: 'Dilnoza Karimova', minLength: 1, maxLength: 200 })
  @IsString()
  @TextLength(1, 200)
  fullName!: string;

  @ApiPropertyOptional({ example: 'AB1234567', description: 'Letters, digits, spaces and dashes' })
  @IsOptional()
  @IsString()
  @Matches(PASSPORT_NUMBER, { message: PASSPORT_NUMBER_MESSAGE })
  passportNumber?: string;

  @ApiPropertyOptional({ example: '1994-03-17', format: 'date' })
  @IsOptional()
  @IsPastDate()
  dateOfBirth?: string;

  @ApiPropertyOptional({ example: '+998901234567' })
  @IsOptional()
  @IsString()
  @Matches(/^\+?[0-9][0-9 ()-]{5,24}$/, {
    message: 'phone must be a phone number, e.g. +998901234567',
  })
  phone?: string;

  @ApiPropertyOptional({ example: 'dilnoza@example.org' })
  @IsOptional()
  @IsEmail({}, { message: 'email must be an e-mail address' })
  @TextLength(3, 254)
  email?: string;

  @ApiProperty({ example: 'uz', enum: LANGUAGES })
  @IsIn(LANGUAGES)
  preferredLanguage!: string;

  @ApiProperty({
    example: true,
    description: 'Consent to share the case with host authorities and partners',
  })
  @IsBoolean()
  consentToShare!: boolean;
}

export class EmployerDto {
  @ApiProperty({ example: 'StroyMontazh LLC' })
  @IsString()
  @TextLength(1, 200)
  name!: string;

  @ApiPropertyOptional({ example: 'ul. Lenina 1, Moscow' })
  @IsOptional()
  @IsString()
  @TextLength(1, 500)
  address?: string;

  @ApiPropertyOptional({ example: '7701234567' })
  @IsOptional()
  @IsString()
  @TextLength(1, 50)
  taxId?: string;
}

export class MoneyDto {
  @ApiProperty({ example: 1850.5, description: 'Amount in major units, at most two decimals' })
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @MaxDecimalPlaces(2)
  @Min(0.01)
  @Max(1_000_000_000)
  amount!: number;

  @ApiProperty({ example: 'RUB', description: 'ISO 4217 currency code' })
  @IsIn(CURRENCY_CODES, {
    message: 'currency must be an ISO 4217 code such as RUB, KZT, KRW, TRY, EUR, USD',
  })
  currency!: string;
}

export class CreateCaseDto {
  @ApiProperty({ type: ComplainantDto })
  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => ComplainantDto)
  complainant!: ComplainantDto;

  @ApiProperty({ example: 'RU', description: 'ISO 3166-1 alpha-2 code of the host country' })
  @IsIn(COUNTRY_CODES, {
    message: 'hostCountry must be an ISO 3166-1 alpha-2 code such as RU, KZ, KR, TR, DE',
  })
  hostCountry!: string;

  @ApiPropertyOptional({ example: 'Moscow' })
  @IsOptional()
  @IsString()
  @TextLength(1, 100)
  hostCity?: string;

  @ApiPropertyOptional({ type: EmployerDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => EmployerDto)
  employer?: EmployerDto;

  @ApiProperty({ example: 'unpaid_wages', enum: CASE_CATEGORIES })
  @IsIn(CASE_CATEGORIES)
  category!: CaseCategory;

  @ApiPropertyOptional({ example: ['withholding_of_wages'], enum: RISK_INDICATORS, isArray: true })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(RISK_INDICATORS.length)
  @ArrayUnique()
  @IsIn(RISK_INDICATORS, { each: true })
  riskIndicators?: RiskIndicator[];

  @ApiProperty({
    example: 'Employer has not paid wages for three months and keeps my passport.',
    minLength: 10,
    maxLength: 10000,
  })
  @IsString()
  @TextLength(10, 10_000)
  description!: string;

  @ApiPropertyOptional({ example: '2026-09-01', format: 'date' })
  @IsOptional()
  @IsPastDate()
  incidentDate?: string;

  @ApiPropertyOptional({ type: MoneyDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => MoneyDto)
  amountClaimed?: MoneyDto;

  @ApiProperty({ example: 'hotline', enum: CHANNELS })
  @IsIn(CHANNELS)
  channel!: Channel;
}
