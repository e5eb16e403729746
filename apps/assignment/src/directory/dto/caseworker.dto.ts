import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
} from 'class-validator';
import { LANGUAGES } from '@casebridge/contracts';
import { TextLength } from '@casebridge/common';
import { CASEWORKER_ID, STAFF_SUBJECT } from '../caseworker.entity';
const MAX_OPEN_CASES_LIMIT = 1000;

const STAFF_SUBJECT_MESSAGE =
  "staffSubject must be 1–128 characters without control characters (the `sub` of the person's tokens)";

const trimmed = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' ? value.trim() : value;

export class CreateCaseworkerDto {
  @ApiProperty({
    example: 'ru-kzn-03',
    description: '1–64 letters, digits, dots, dashes or underscores; unique across all offices',
  })
  @Matches(CASEWORKER_ID, {
    message: 'id must be 1–64 letters, digits, dots, dashes or underscores',
  })
  id!: string;

  @ApiProperty({ example: 'Nargiza Tursunova', minLength: 1, maxLength: 200 })
  @Transform(trimmed)
  @IsString()
  @TextLength(1, 200)
  name!: string;

  @ApiProperty({ example: ['uz', 'ru'], enum: LANGUAGES, isArray: true })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayUnique({ message: 'languages must not list a language twice' })
  @IsIn(LANGUAGES, { each: true })
  languages!: string[];

  @ApiProperty({
    example: 30,
    minimum: 1,
    maximum: MAX_OPEN_CASES_LIMIT,
    description: 'Routing never gives this caseworker more open cases',
  })
  @IsInt()
  @Min(1)
  @Max(MAX_OPEN_CASES_LIMIT)
  maxOpenCases!: number;

  @ApiPropertyOptional({ example: true, default: true })
  @IsOptional()
  @IsBoolean()
  active?: boolean;

  @ApiPropertyOptional({
    example: 'nargiza.tursunova@mfa.example',
    maxLength: 128,
    description:
      "The staff identity (the `sub` claim of this person's tokens) that works as this caseworker: their own queue, claiming. " +
      'At most one caseworker per identity.',
  })
  @IsOptional()
  @IsString()
  @Matches(STAFF_SUBJECT, { message: STAFF_SUBJECT_MESSAGE })
  staffSubject?: string;
}

export class UpdateCaseworkerDto {
  @ApiPropertyOptional({ example: 'Nargiza Tursunova' })
  @IsOptional()
  @Transform(trimmed)
  @IsString()
  @TextLength(1, 200)
  name?: string;

  @ApiPropertyOptional({ example: ['uz', 'ru', 'tg'], enum: LANGUAGES, isArray: true })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayUnique({ message: 'languages must not list a language twice' })
  @IsIn(LANGUAGES, { each: true })
  languages?: string[];

  @ApiPropertyOptional({ example: 35, minimum: 1, maximum: MAX_OPEN_CASES_LIMIT })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_OPEN_CASES_LIMIT)
  maxOpenCases?: number;

  @ApiPropertyOptional({
    example: false,
    description: 'false deactivates: routing skips them; cases they hold stay until reassigned',
  })
  @IsOptional()
  @IsBoolean()
  active?: boolean;

  @ApiPropertyOptional({
    example: 'nargiza.tursunova@mfa.example',
    type: String,
    maxLength: 128,
    nullable: true,
    description: 'Links the caseworker to a staff identity (a token `sub`); null unlinks it',
  })
  @IsOptional() // null passes too: it unlinks
  @IsString()
  @Matches(STAFF_SUBJECT, { message: STAFF_SUBJECT_MESSAGE })
  staffSubject?: string | null;
}
