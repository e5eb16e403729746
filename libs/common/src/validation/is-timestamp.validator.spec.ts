import { isSqlInstant, isTimestamp } from './is-timestamp.validator';

describe('isTimestamp', () => {
  it.each([
    '2026-11-27T10:15:00Z',
    '2026-11-27T10:15:00.123Z',
    '2026-11-27T10:15:00+05:00',
    '2026-11-27',
  ])('accepts %s', (v) => {
    expect(isTimestamp(v)).toBe(true);
  });

  it.each([
    '2024-W01',
    '20240101',
    '2024-123',
    '2024-01-01T10',
    '2024-01-01T10:00:00,5Z',
    '2026-02-30',
    '0000-01-01',
    '1899-12-31',
    '2026-11-27T25:00:00Z',
    '2026-13-01',
    '0000-01-01T00:00:00Z',
    '-0001-01-01T00:00:00Z',
    '+275760-09-13T00:00:00Z',
    '275760-09-13T00:00:00Z',
    '10000-01-01',
    'now',
    '',
  ])('refuses %s', (v) => expect(isTimestamp(v)).toBe(false));
});

describe('isSqlInstant', () => {
  it('keeps to years 1–9999, which PostgreSQL and JavaScript both hold', () => {
    expect(isSqlInstant(new Date('2026-11-27T10:15:00Z'))).toBe(true);
    expect(isSqlInstant(new Date('9999-12-31T23:59:59.999Z'))).toBe(true);
    expect(isSqlInstant(new Date('0001-01-01T00:00:00Z'))).toBe(true);
    expect(isSqlInstant(new Date('0000-06-01T00:00:00Z'))).toBe(false);
    expect(isSqlInstant(new Date('+010000-01-01T00:00:00Z'))).toBe(false);
    expect(isSqlInstant(new Date('-000001-01-01T00:00:00Z'))).toBe(false);
    expect(isSqlInstant(new Date(8.64e15))).toBe(false);
    expect(isSqlInstant(new Date(Number.NaN))).toBe(false);
  });
});
