import { toProblem } from './problem-details.filter';

function pgError(code: string, message = 'db said no: "the value"') {
  return Object.assign(new Error(message), { code });
}

/** TypeORM wraps pg errors: the SQLSTATE is on the wrapper and on driverError. */
function queryFailed(code: string) {
  return Object.assign(new Error('db said no'), {
    name: 'QueryFailedError',
    driverError: { code },
  });
}

describe('database errors caused by request data', () => {
  it.each(['22008', '22007', '22009', '22P02', '22021', '22003', '23502', '23503', '23514'])(
    'answers 400 problem+json for SQLSTATE %s, never echoing the database message',
    (code) => {
      for (const error of [pgError(code), queryFailed(code)]) {
        const problem = toProblem(error);
        expect(problem).toMatchObject({ status: 400, code: 'invalid_value' });
        expect(JSON.stringify(problem)).not.toContain('the value');
      }
    },
  );

  it('answers 409 for a unique or exclusion violation', () => {
    expect(toProblem(pgError('23505'))).toMatchObject({ status: 409, code: 'conflict' });
  });

  it('keeps connection failures 503 and bugs in our SQL 500', () => {
    expect(toProblem(pgError('57P01'))).toMatchObject({ status: 503 });
    expect(toProblem(pgError('08006'))).toMatchObject({ status: 503 });
    expect(toProblem(pgError('42601'))).toMatchObject({ status: 500 });
    expect(toProblem(pgError('42P01'))).toMatchObject({ status: 500 });
  });
});
