import { BadRequestException, NotFoundException } from '@nestjs/common';
import { ThrottlerException } from '@nestjs/throttler';
import { DomainProblem, ValidationProblem } from './problem';
import { toProblem } from './problem-details.filter';
import { nulCharacterPaths } from './validation';

describe('toProblem', () => {
  it('keeps the HTTP status even when an extension is named status', () => {
    const problem = toProblem(
      new DomainProblem(409, 'invalid_transition', 'Conflict', 'no', {
        status: 'withdrawn',
        allowed: [],
      }),
    );
    expect(problem).toMatchObject({ status: 409, code: 'invalid_transition', allowed: [] });
  });

  it('lists field errors of a validation problem', () => {
    expect(toProblem(new ValidationProblem([{ field: 'category', message: 'bad' }]))).toMatchObject(
      {
        status: 400,
        errors: [{ field: 'category', message: 'bad' }],
      },
    );
  });

  it('maps framework exceptions and rate limits to their status with a stable code', () => {
    expect(toProblem(new NotFoundException('Cannot GET /nope'))).toMatchObject({
      status: 404,
      code: 'not_found',
    });
    expect(toProblem(new BadRequestException('x'))).toMatchObject({
      status: 400,
      code: 'bad_request',
    });
    expect(toProblem(new ThrottlerException())).toMatchObject({
      status: 429,
      code: 'rate_limited',
    });
  });

  it('answers 503 when the database is unreachable, and hides internal errors behind a generic 500', () => {
    expect(
      toProblem(
        Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }),
      ),
    ).toMatchObject({ status: 503 });
    const internal = toProblem(
      new TypeError("Cannot read properties of undefined (reading 'secret')"),
    );
    expect(internal).toMatchObject({ status: 500, code: 'internal_error' });
    expect(JSON.stringify(internal)).not.toContain('secret');
  });
});

describe('connection loss (a PostgreSQL restart) in the middle of a request', () => {
  it.each([
    [
      'pg: server terminated the connection',
      Object.assign(new Error('terminating connection due to administrator command'), {
        code: '57P01',
      }),
    ],
    [
      'pg: shutting down',
      Object.assign(new Error('the database system is shutting down'), { code: '57P03' }),
    ],
    [
      'pg: too many connections',
      Object.assign(new Error('sorry, too many clients already'), { code: '53300' }),
    ],
    ['pg: client closed', new Error('Client was closed and is not queryable')],
    ['pg: connection terminated', new Error('Connection terminated unexpectedly')],
    ['net: reset', Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' })],
    [
      'net: refused on every address',
      new AggregateError(
        [Object.assign(new Error('connect ECONNREFUSED ::1:5432'), { code: 'ECONNREFUSED' })],
        '',
      ),
    ],
    [
      'typeorm: query runner released',
      namedError(
        'QueryRunnerAlreadyReleasedError',
        'Query runner already released. Cannot run queries anymore.',
      ),
    ],
    [
      'typeorm: connection of the runner released',
      namedError(
        'QueryRunnerProviderAlreadyReleasedError',
        'Database connection provided by a query runner was already released, cannot continue to use its querying methods anymore.',
      ),
    ],
    [
      'typeorm: wrapped driver error',
      Object.assign(new Error('query failed'), {
        name: 'QueryFailedError',
        driverError: Object.assign(new Error('x'), { code: '57P01' }),
      }),
    ],
  ])('answers 503 service_unavailable, never 500, for %s', (_what, error) => {
    expect(toProblem(error)).toMatchObject({ status: 503, code: 'service_unavailable' });
  });
});

function namedError(name: string, message: string): Error {
  const error = new Error(message);
  Object.defineProperty(error, 'name', { value: name });
  return error;
}

describe('nulCharacterPaths', () => {
  it('names every field, key or array element holding a NUL, which PostgreSQL cannot store', () => {
    expect(
      nulCharacterPaths({ a: 'ok', b: 'x\u0000', c: [{ d: '\u0000' }], ['k\u0000']: 1 }),
    ).toEqual(['b', 'c[0].d', 'k\u0000']);
    expect(nulCharacterPaths('\u0000', 'id')).toEqual(['id']);
    expect(nulCharacterPaths({ fine: 'Ташкент ✓' })).toEqual([]);
  });
});
