import type { ArgumentMetadata } from '@nestjs/common';
import { createValidationPipe, ValidationProblem } from '@casebridge/common';
import { ListCasesQuery } from './list-cases.query';
import { SearchCasesDto } from './search-cases.dto';

async function rejected(
  value: unknown,
  metadata: ArgumentMetadata,
): Promise<{ fields: string[]; text: string }> {
  try {
    await createValidationPipe().transform(value, metadata);
    return { fields: [], text: '' };
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationProblem);
    const problem = error as ValidationProblem;
    return {
      fields: problem.fieldErrors.map((e) => e.field),
      text: JSON.stringify({ detail: problem.detail, errors: problem.fieldErrors }),
    };
  }
}

const body: ArgumentMetadata = { type: 'body', metatype: SearchCasesDto };
const query: ArgumentMetadata = { type: 'query', metatype: ListCasesQuery };

describe('a passport search', () => {
  it.each([
    [{ passportNumber: 'AB1234567' }],
    [{ passportNumber: 'ab 123-4567', limit: 200, cursor: 'WyJ4Il0' }],
  ])('accepts %j', async (search) => {
    expect((await rejected(search, body)).fields).toEqual([]);
  });

  it.each([
    [{}, ['passportNumber']],
    [{ passportNumber: 'AB1' }, ['passportNumber']],
    [{ passportNumber: '-AB12345' }, ['passportNumber']],
    [{ passportNumber: 123456789 }, ['passportNumber']],
    [{ passportNumber: ['AB1234567'] }, ['passportNumber']],
    [{ passportNumber: 'AB1234567', limit: 201 }, ['limit']],
    [{ passportNumber: 'AB1234567', limit: '20' }, ['limit']],
    [{ passportNumber: 'AB1234567', cursor: 'a b' }, ['cursor']],
    [{ passportNumber: 'AB1234567', hostCountry: 'RU' }, ['hostCountry']],
  ])('rejects %j naming the field', async (search, fields) => {
    expect([...new Set((await rejected(search, body)).fields)]).toEqual(fields);
  });

  it('never repeats the number it refuses', async () => {
    const number = 'AB12345678901234567890';
    expect((await rejected({ passportNumber: number }, body)).text).not.toContain(number);
  });
});

describe('the reference filter of the case list', () => {
  it.each(['CB-2026-000123', 'CB-2031-1234567'])('accepts %s', async (reference) => {
    expect((await rejected({ reference }, query)).fields).toEqual([]);
  });

  it.each(['cb-2026-000123', 'CB-2026-123', 'CB-26-000123', ' CB-2026-000123', 'CB-2026-000123x'])(
    'rejects %j naming the field',
    async (reference) => {
      expect((await rejected({ reference }, query)).fields).toEqual(['reference']);
    },
  );
});
