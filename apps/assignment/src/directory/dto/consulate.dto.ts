import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsIn,
  IsOptional,
  IsString,
  Matches,
} from 'class-validator';
import { CONSULATE_ID_PATTERN, COUNTRY_CODES, LANGUAGES } from '@casebridge/contracts';
import { TextLength } from '@casebridge/common';

const MAX_CITIES = 200;

const trimmed = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' ? value.trim() : value;
const trimmedEach = ({ value }: { value: unknown }): unknown =>
  Array.isArray(value) ? value.map((v: unknown) => (typeof v === 'string' ? v.trim() : v)) : value;

export class CreateConsulateDto {
  @ApiProperty({
    example: 'RU-NNV',
    description: 'Host country code and a city code: capitals, digits and dashes, 2–32 characters',
  })
  @Matches(CONSULATE_ID_PATTERN, {
    message: 'id must be 2–32 capital letters, digits or dashes, e.g. RU-MOW',
  })
  id!: string;

  @ApiProperty({
    example: 'Consulate General of the Republic of Uzbekistan in Nizhny Novgorod',
    minLength: 1,
    maxLength: 200,
  })
  @Transform(trimmed)
  @IsString()
  @TextLength(1, 200)
  name!: string;

  @ApiProperty({ example: 'RU', description: 'ISO 3166-1 alpha-2 code of the host country' })
  @IsIn(COUNTRY_CODES, {
    message: 'hostCountry must be an ISO 3166-1 alpha-2 code such as RU, KZ, KR, TR, DE',
  })
  hostCountry!: string;

  @ApiProperty({
    example: ['Nizhny Novgorod', 'Нижний Новгород', 'Dzerzhinsk'],
    description: 'Cities the office covers (matched case- and accent-insensitively)',
  })
  @Transform(trimmedEach)
  @IsArray()
  @ArrayMaxSize(MAX_CITIES)
  @ArrayUnique({ message: 'cities must not list a city twice' })
  @IsString({ each: true })
  @TextLength(1, 100, { each: true })
  cities!: string[];

  @ApiProperty({ example: ['uz', 'ru'], enum: LANGUAGES, isArray: true })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayUnique({ message: 'languages must not list a language twice' })
  @IsIn(LANGUAGES, { each: true })
  languages!: string[];

  @ApiPropertyOptional({
    example: false,
    default: false,
    description: "Makes this office the country's default (replacing the previous one)",
  })
  @IsOptional()
  @IsBoolean()
  isDefaultForCountry?: boolean;

  @ApiPropertyOptional({ example: true, default: true })
  @IsOptional()
  @IsBoolean()
  active?: boolean;
}

/** What an administrator may change; the id and host country are fixed once created. */
export class UpdateConsulateDto {
  @ApiPropertyOptional({ example: 'Consulate General of the Republic of Uzbekistan in Kazan' })
  @IsOptional()
  @Transform(trimmed)
  @IsString()
  @TextLength(1, 200)
  name?: string;

  @ApiPropertyOptional({ example: ['Kazan', 'Казань', 'Naberezhnye Chelny'] })
  @IsOptional()
  @Transform(trimmedEach)
  @IsArray()
  @ArrayMaxSize(MAX_CITIES)
  @ArrayUnique({ message: 'cities must not list a city twice' })
  @IsString({ each: true })
  @TextLength(1, 100, { each: true })
  cities?: string[];

  @ApiPropertyOptional({ example: ['uz', 'ru', 'tg'], enum: LANGUAGES, isArray: true })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayUnique({ message: 'languages must not list a language twice' })
  @IsIn(LANGUAGES, { each: true })
  languages?: string[];

  @ApiPropertyOptional({ example: true })
  @IsOptional()
  @IsBoolean()
  isDefaultForCountry?: boolean;

  @ApiPropertyOptional({
    example: false,
    description: 'false deactivates the office: routing skips it; its cases stay where they are',
  })
  @IsOptional()
  @IsBoolean()
  active?: boolean;
}

export class ListConsulatesQuery {
  @ApiPropertyOptional({ example: 'RU' })
  @IsOptional()
  @IsIn(COUNTRY_CODES, {
    message: 'hostCountry must be an ISO 3166-1 alpha-2 code such as RU, KZ, KR, TR, DE',
  })
  hostCountry?: string;

  @ApiPropertyOptional({ example: true, type: Boolean })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) =>
    value === 'true' ? true : value === 'false' ? false : value,
  )
  @IsBoolean({ message: 'active must be true or false' })
  active?: boolean;
}
