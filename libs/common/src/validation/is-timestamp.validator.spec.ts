import { isTimestamp } from './is-timestamp.validator';

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
    'now',
    '',
  ])('refuses %s', (v) => expect(isTimestamp(v)).toBe(false));
});
