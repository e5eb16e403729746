import { registerDecorator, ValidationOptions } from 'class-validator';

/** RFC 3339 date-time (`2026-11-27T10:15:00Z`, offset or Z required) or a plain date `2026-11-27`. */
const RFC3339 = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|[+-]\d{2}:\d{2}))?$/;

export function isTimestamp(value: unknown): value is string {
  if (typeof value !== 'string' || !RFC3339.test(value)) return false;
  const time = Date.parse(value.length === 10 ? `${value}T00:00:00Z` : value);
  const year = Number(value.slice(0, 4));
  // Date.parse rolls 2026-02-30 over to March: compare the calendar date back.
  return (
    !Number.isNaN(time) &&
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
