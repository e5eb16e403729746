import { daysOf, periodParts } from './report-period';

describe('periodParts', () => {
  it('answers an unfiltered report from the all-time rows', () => {
    expect(periodParts(null, null)).toEqual({ allTime: true, months: null, days: [] });
  });

  it('uses whole months only when the range is month-aligned', () => {
    expect(periodParts('2025-01-01', '2025-12-31')).toEqual({
      allTime: false,
      months: { from: '2025-01-01', to: '2025-12-01' },
      days: [],
    });
    expect(periodParts('2024-02-01', '2024-02-29')).toEqual({
      allTime: false,
      months: { from: '2024-02-01', to: '2024-02-01' },
      days: [],
    });
  });

  it('reads the partial months at the edges from the days', () => {
    expect(periodParts('2025-01-15', '2025-04-10')).toEqual({
      allTime: false,
      months: { from: '2025-02-01', to: '2025-03-01' },
      days: [
        { from: '2025-01-15', to: '2025-01-31' },
        { from: '2025-04-01', to: '2025-04-10' },
      ],
    });
    expect(periodParts('2024-12-31', '2025-01-01')).toEqual({
      allTime: false,
      months: null,
      days: [
        { from: '2024-12-31', to: '2024-12-31' },
        { from: '2025-01-01', to: '2025-01-01' },
      ],
    });
  });

  it('keeps a range inside one month as days', () => {
    expect(periodParts('2025-03-10', '2025-03-20')).toEqual({
      allTime: false,
      months: null,
      days: [{ from: '2025-03-10', to: '2025-03-20' }],
    });
  });

  it('opens either end to the first or last representable month', () => {
    expect(periodParts('2025-06-02', null)).toEqual({
      allTime: false,
      months: { from: '2025-07-01', to: '9999-12-01' },
      days: [{ from: '2025-06-02', to: '2025-06-30' }],
    });
    expect(periodParts(null, '2025-06-29')).toEqual({
      allTime: false,
      months: { from: '0001-01-01', to: '2025-05-01' },
      days: [{ from: '2025-06-01', to: '2025-06-29' }],
    });
  });

  it('covers every day of a range exactly once', () => {
    const day = (d: Date) => d.toISOString().slice(0, 10);
    const covered = (from: string, to: string) => {
      const parts = periodParts(from, to);
      const seen: string[] = [];
      const add = (a: string, b: string) => {
        for (let d = new Date(`${a}T00:00:00Z`); day(d) <= b; d.setUTCDate(d.getUTCDate() + 1)) {
          seen.push(day(d));
        }
      };
      for (const d of parts.days) add(d.from, d.to);
      if (parts.months) {
        const last = new Date(`${parts.months.to}T00:00:00Z`);
        last.setUTCMonth(last.getUTCMonth() + 1, 0);
        add(parts.months.from, day(last));
      }
      return seen.sort();
    };
    const start = Date.UTC(2023, 10, 20);
    for (let i = 0; i < 400; i += 7) {
      for (const length of [0, 1, 13, 31, 45, 70, 400]) {
        const from = day(new Date(start + i * 86_400_000));
        const to = day(new Date(start + (i + length) * 86_400_000));
        const expected: string[] = [];
        for (
          let d = new Date(`${from}T00:00:00Z`);
          day(d) <= to;
          d.setUTCDate(d.getUTCDate() + 1)
        ) {
          expected.push(day(d));
        }
        expect(covered(from, to)).toEqual(expected);
      }
    }
  });

  it('names every day of each edge range, in order', () => {
    for (const [from, to] of [
      ['2024-03-15', '2024-11-10'],
      ['2024-02-03', '2024-02-29'],
      ['0001-01-01', '0001-02-05'],
      ['9999-12-02', '9999-12-31'],
    ]) {
      const parts = periodParts(from, to);
      for (const range of parts.days) {
        const days = daysOf(range);
        expect(days[0]).toBe(range.from);
        expect(days.at(-1)).toBe(range.to);
        expect(new Set(days).size).toBe(days.length);
        expect([...days].sort()).toEqual(days);
        expect(days.every((d) => d.slice(0, 7) === range.from.slice(0, 7))).toBe(true);
      }
    }
    expect(daysOf({ from: '2024-03-15', to: '2024-03-31' })).toHaveLength(17);
    expect(daysOf({ from: '2024-11-01', to: '2024-11-10' })).toHaveLength(10);
    expect(() => daysOf({ from: '2024-03-15', to: '2024-04-02' })).toThrow();
  });
});
