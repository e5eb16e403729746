import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, IsUUID, Matches } from 'class-validator';
import { FieldError } from '@casebridge/common';
import { PASSPORT_NUMBER, PASSPORT_NUMBER_MESSAGE } from '../../cases/dto/create-case.dto';
import { CASE_REFERENCE } from '../../cases/dto/list-cases.query';

export const LOOKUP_FIELDS = ['caseId', 'reference', 'passportNumber'] as const;

/**
 * Whose personal data to export: exactly one of a case id, a case reference or a passport number.
 * A body, never a query string: the passport number must not appear in a URL or an access log.
 */
export class PersonalDataExportRequestDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'A case of the complainant' })
  @IsOptional()
  @IsUUID('all', { message: 'caseId must be a UUID' })
  caseId?: string;

  @ApiPropertyOptional({ example: 'CB-2026-000123', description: 'A case reference' })
  @IsOptional()
  @IsString()
  @Matches(CASE_REFERENCE, { message: 'reference must be a case reference, e.g. CB-2026-000123' })
  reference?: string;

  @ApiPropertyOptional({
    example: 'AB1234567',
    description:
      'Matched through the keyed blind index (case, spaces and dashes do not matter); never stored, logged, audited or echoed',
  })
  @IsOptional()
  @IsString()
  @Matches(PASSPORT_NUMBER, { message: PASSPORT_NUMBER_MESSAGE })
  passportNumber?: string;
}

/** The field errors of a request that does not name exactly one lookup (none when it does). */
export function lookupFieldErrors(dto: PersonalDataExportRequestDto): FieldError[] {
  // A null is no lookup (the validators skip it as absent).
  const given = LOOKUP_FIELDS.filter((f) => dto[f] !== undefined && dto[f] !== null);
  if (given.length === 1) return [];
  return [
    {
      field: given.length ? given.join(',') : LOOKUP_FIELDS.join(','),
      message: `exactly one of ${LOOKUP_FIELDS.join(', ')} is required`,
    },
  ];
}
