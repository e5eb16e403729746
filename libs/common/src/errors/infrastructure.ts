/** Errors that mean the database or the broker is unreachable: 503 and retry, never the client's fault. */
const TRANSIENT_PG_CODES = new Set([
  '08000',
  '08001',
  '08003',
  '08004',
  '08006',
  '57P01',
  '57P02',
  '57P03',
  '53300',
  '53400',
]);
const TRANSIENT_NET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EHOSTUNREACH',
]);
/**
 * TypeORM errors that follow a lost connection: when PostgreSQL terminates a connection (a
 * restart, a fast shutdown), TypeORM releases the transaction's query runner, and the next query
 * or the COMMIT/ROLLBACK of the request in flight fails with these instead of the driver's error.
 */
const TRANSIENT_ERROR_NAMES = new Set([
  'QueryRunnerAlreadyReleasedError',
  'QueryRunnerProviderAlreadyReleasedError',
  'ConnectionIsNotSetError',
  'CannotExecuteNotConnectedError',
]);
const TRANSIENT_MESSAGES = [
  'Connection terminated',
  'timeout exceeded when trying to connect',
  'Connection terminated unexpectedly',
  'connect ECONNREFUSED',
  'Client has encountered a connection error',
  'Cannot use a pool after calling end',
  'Client was closed and is not queryable',
  'Connection terminated due to connection timeout',
  'the database system is shutting down',
  'the database system is starting up',
];

export function isInfrastructureUnavailable(error: unknown): boolean {
  if (!error || typeof error !== 'object') return false;
  const e = error as {
    code?: unknown;
    message?: unknown;
    name?: unknown;
    driverError?: unknown;
    retriable?: unknown;
  };
  if (
    typeof e.code === 'string' &&
    (TRANSIENT_PG_CODES.has(e.code) || TRANSIENT_NET_CODES.has(e.code))
  )
    return true;
  if (typeof e.name === 'string' && TRANSIENT_ERROR_NAMES.has(e.name)) return true;
  if (typeof e.name === 'string' && e.name.startsWith('KafkaJS') && e.retriable !== false)
    return true;
  // Node's connect() to a host with several addresses fails with an AggregateError of them all.
  if (error instanceof AggregateError && error.errors.some(isInfrastructureUnavailable))
    return true;
  if (
    typeof e.message === 'string' &&
    TRANSIENT_MESSAGES.some((m) => (e.message as string).includes(m))
  )
    return true;
  return e.driverError ? isInfrastructureUnavailable(e.driverError) : false;
}

/** Conflicts the database resolves by retrying the transaction. */
export function isRetryableConflict(error: unknown): boolean {
  const e = error as { code?: unknown; driverError?: { code?: unknown } } | null;
  const code = e?.code ?? e?.driverError?.code;
  return code === '40001' || code === '40P01';
}
