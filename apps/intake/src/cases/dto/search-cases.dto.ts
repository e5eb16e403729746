import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '@casebridge/common';
import { PASSPORT_NUMBER, PASSPORT_NUMBER_MESSAGE } from './create-case.dto';

/**
 * A search by passport number. A body, never a query string: the number is personal data and must
 * not appear in a URL, an access log or a proxy's cache key.
 */
export class SearchCasesDto {
  @ApiProperty({
    example: 'AB1234567',
    description:
      'Matched through the keyed blind index: case, spaces and dashes do not matter; never stored or logged',
  })
  @IsString()
  @Matches(PASSPORT_NUMBER, { message: PASSPORT_NUMBER_MESSAGE })
  passportNumber!: string;

  @ApiPropertyOptional({
    example: DEFAULT_PAGE_SIZE,
    minimum: 1,
    maximum: MAX_PAGE_SIZE,
    default: DEFAULT_PAGE_SIZE,
  })
  @IsOptional()
  @IsInt({ message: 'limit must be a whole number' })
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  limit?: number;

  @ApiPropertyOptional({ description: 'nextCursor of the previous page' })
  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z0-9_-]{1,200}$/, {
    message: 'cursor must be the nextCursor of a previous page',
  })
  cursor?: string;
}
