import { ValidationProblem } from '../errors/problem';

/** An opaque page cursor: the sort key of the last row of a page, base64url-encoded. */
export function encodeCursor(key: readonly string[]): string {
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
}

/** The sort key inside a cursor; 400 naming `cursor` when it is not one this service made. */
export function decodeCursor(cursor: string, validate: (key: string[]) => boolean): string[] {
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    key = null;
  }
  if (
    !Array.isArray(key) ||
    !key.every((k): k is string => typeof k === 'string') ||
    !validate(key)
  ) {
    throw new ValidationProblem([
      { field: 'cursor', message: 'cursor must be the nextCursor of a previous page' },
    ]);
  }
  return key;
}
