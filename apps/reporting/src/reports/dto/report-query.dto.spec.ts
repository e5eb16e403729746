import type { ArgumentMetadata } from '@nestjs/common';
import { createValidationPipe, ValidationProblem } from '@casebridge/common';
import { ReportQueryDto, toReportFilters } from './report-query.dto';

const metadata: ArgumentMetadata = { type: 'query', metatype: ReportQueryDto };

async function fieldsRejected(query: Record<string, unknown>): Promise<string[]> {
  try {
    await createValidationPipe().transform(query, metadata);
    return [];
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationProblem);
    return (error as ValidationProblem).fieldErrors.map((e) => e.field);
  }
}

describe('report filters', () => {
  it('accept ISO dates, a category of the vocabulary and a consulate id', async () => {
    const query = {
      from: '2026-01-01',
      to: '2026-02-28',
      category: 'forced_labour',
      consulateId: 'RU-MOW',
    };
    expect(await fieldsRejected(query)).toEqual([]);
    expect(toReportFilters(query as ReportQueryDto)).toEqual({ ...query });
  });

  it.each([
    [{ from: '2026-02-30' }, ['from']],
    [{ to: '01/02/2026' }, ['to']],
    [{ from: '2026-01-01T00:00:00Z' }, ['from']],
    [{ category: 'wages' }, ['category']],
    [{ consulateId: 'ru mow' }, ['consulateId']],
    [{ country: 'RU' }, ['country']],
    [{ category: ['unpaid_wages', 'other'] }, ['category']],
  ])('reject %j naming the field', async (query, fields) => {
    expect(await fieldsRejected(query)).toEqual(fields);
  });

  it('reject a period that ends before it starts', () => {
    expect(() => toReportFilters({ from: '2026-03-01', to: '2026-02-01' })).toThrow(
      ValidationProblem,
    );
    expect(toReportFilters({ from: '2026-03-01', to: '2026-03-01' })).toMatchObject({
      from: '2026-03-01',
      to: '2026-03-01',
    });
  });
});
