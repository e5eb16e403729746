/**
 * Database errors that a request's data caused rather than an outage or a bug: PostgreSQL refused
 * a value (class 22, data exception: out of range, bad encoding, overflow…) or a constraint
 * (class 23). Every value reaches SQL as a bound parameter, so the statement itself is never the
 * client's (class 42, syntax and access, stays a 500: it is our bug). Validation should catch
 * these first; this is the net under it, so that no input can produce a 5xx.
 */
export interface DatabaseInputError {
  status: 400 | 409;
  code: string;
  title: string;
  detail: string;
}

/** SQLSTATE of a pg error, directly or wrapped in TypeORM's QueryFailedError. */
export function sqlState(error: unknown): string | undefined {
  if (!error || typeof error !== 'object') return undefined;
  const e = error as { code?: unknown; driverError?: { code?: unknown } };
  const code = typeof e.code === 'string' ? e.code : e.driverError?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

export function databaseInputError(error: unknown): DatabaseInputError | undefined {
  const state = sqlState(error);
  if (!state) return undefined;
  if (state === '23505' || state === '23P01') {
    return {
      status: 409,
      code: 'conflict',
      title: 'Conflict',
      detail: 'The request conflicts with existing data.',
    };
  }
  if (state.startsWith('22') || state.startsWith('23') || state === '54000') {
    // 54000 program_limit_exceeded: a value too large to index or store.
    return {
      status: 400,
      code: 'invalid_value',
      title: 'Bad request',
      detail: 'A value in the request cannot be stored or compared by the database.',
    };
  }
  return undefined;
}
