import { ValidationProblem } from '../errors/problem';
import { isSqlInstant } from '../validation/is-timestamp.validator';

/**
 * What each element of a sort key is. A cursor's elements go into SQL as parameters, so each is
 * checked against its kind: a `timestamp` must be an ISO instant this API could have issued
 * (`toISOString()` form, years 1–9999: no year 0, negative or six-digit years).
 */
export type CursorKeyKind = 'timestamp' | 'uuid' | 'serial';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const SERIAL = /^\d{1,18}$/;
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

export function isCursorKeyOfKind(value: string, kind: CursorKeyKind): boolean {
  switch (kind) {
    case 'uuid':
      return UUID.test(value);
    case 'serial':
      return SERIAL.test(value);
    case 'timestamp': {
      if (!ISO_INSTANT.test(value)) return false;
      const date = new Date(value);
      return isSqlInstant(date) && date.toISOString() === value;
    }
  }
}

/** An opaque page cursor: the sort key of the last row of a page, base64url-encoded. */
export function encodeCursor(key: readonly string[]): string {
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
}

/**
 * The sort key inside a cursor, element by element of the given kinds; 400 naming `cursor` when
 * it is not one this service made.
 */
export function decodeCursor(cursor: string, kinds: readonly CursorKeyKind[]): string[] {
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    key = null;
  }
  if (
    !Array.isArray(key) ||
    key.length !== kinds.length ||
    !key.every((k, i): k is string => typeof k === 'string' && isCursorKeyOfKind(k, kinds[i]))
  ) {
    throw new ValidationProblem([
      { field: 'cursor', message: 'cursor must be the nextCursor of a previous page' },
    ]);
  }
  return key;
}
