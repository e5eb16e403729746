import { registerDecorator, ValidationOptions } from 'class-validator';

/** RFC 3339 date-time (`2026-11-27T10:15:00Z`, offset or Z required) or a plain date `2026-11-27`. */
const RFC3339 = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|[+-]\d{2}:\d{2}))?$/;

/**
 * The instants any timestamp that reaches SQL must lie between: years 1 to 9999 (UTC), where
 * JavaScript (±275,760 years), PostgreSQL (4713 BC to 294,276 AD, no year 0) and ISO 8601's
 * four-digit years all agree. Keeps year 0, negative and six-digit years out of every query.
 */
export const MIN_SQL_INSTANT = Date.parse('0001-01-01T00:00:00Z');
export const MAX_SQL_INSTANT = Date.parse('9999-12-31T23:59:59.999Z');

/** A valid Date within what PostgreSQL and JavaScript both represent. */
export function isSqlInstant(date: Date): boolean {
  const time = date.getTime();
  return !Number.isNaN(time) && time >= MIN_SQL_INSTANT && time <= MAX_SQL_INSTANT;
}

export function isTimestamp(value: unknown): value is string {
  if (typeof value !== 'string' || !RFC3339.test(value)) return false;
  const time = new Date(value.length === 10 ? `${value}T00:00:00Z` : value);
  const year = Number(value.slice(0, 4));
  // Date.parse rolls 2026-02-30 over to March: compare the calendar date back.
  return (
    isSqlInstant(time) &&
    year >= 1900 &&
    new Date(`${value.slice(0, 10)}T00:00:00Z`).toISOString().startsWith(value.slice(0, 10))
  );
}

/** A point in time the database can hold: RFC 3339 (or a date), year 1900 or later. */
export function IsTimestamp(options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) => {
    registerDecorator({
      name: 'isTimestamp',
      target: target.constructor,
      propertyName: String(propertyName),
      options: {
        message: `${String(propertyName)} must be a date-time such as 2026-11-27T10:15:00Z (or a date 2026-11-27)`,
        ...options,
      },
      validator: { validate: isTimestamp },
    });
  };
}
