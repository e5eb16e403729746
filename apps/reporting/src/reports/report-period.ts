/** Days as YYYY-MM-DD (UTC calendar days), the form of the report filters and bucket days. */

const MIN_DAY = '0001-01-01';
const MAX_DAY = '9999-12-31';

/** A date range split into what the rollup answers (whole months) and what it cannot. */
export interface PeriodParts {
  /** No date filter: the all-time rows answer. */
  allTime: boolean;
  /** Whole months, as their first days, inclusive; null when the range holds none. */
  months: { from: string; to: string } | null;
  /**
   * The partial months at the edges (at most two ranges, each within one month), read from the
   * rollup's day rows or the daily buckets.
   */
  days: { from: string; to: string }[];
}

function firstOfMonth(day: string): string {
  return `${day.slice(0, 7)}-01`;
}

/** A UTC day (month and day may overflow); setUTCFullYear, unlike Date.UTC, keeps years < 100. */
function utcDay(year: number, monthIndex: number, day: number): string {
  const date = new Date(0);
  date.setUTCFullYear(year, monthIndex, day);
  return date.toISOString().slice(0, 10);
}

function lastOfMonth(day: string): string {
  const [y, m] = day.split('-').map(Number);
  return utcDay(y, m, 0);
}

function addMonths(firstDay: string, months: number): string {
  const [y, m] = firstDay.split('-').map(Number);
  return utcDay(y, m - 1 + months, 1);
}

/**
 * Every day of an inclusive range within one month (a range of PeriodParts.days), in order: what
 * a bucket read names one by one, so that each (country, day) is one seek of the buckets' key
 * to its category and consulate rather than a scan of every bucket of the days.
 */
export function daysOf(range: { from: string; to: string }): string[] {
  const [y, m, first] = range.from.split('-').map(Number);
  const last = Number(range.to.slice(8, 10));
  if (firstOfMonth(range.from) !== firstOfMonth(range.to) || last < first) {
    throw new Error(`not a range within one month: ${range.from}..${range.to}`);
  }
  const out: string[] = [];
  for (let d = first; d <= last; d++) out.push(utcDay(y, m - 1, d));
  return out;
}

/**
 * Splits an inclusive day range (either end open) into whole months and edge days, so that a
 * report sums at most two months of daily rows whatever the length of the range.
 */
export function periodParts(from: string | null, to: string | null): PeriodParts {
  if (from === null && to === null) return { allTime: true, months: null, days: [] };
  const lo = from ?? MIN_DAY;
  const hi = to ?? MAX_DAY;
  const startsMonth = lo === firstOfMonth(lo);
  const endsMonth = hi === lastOfMonth(hi);
  if (firstOfMonth(lo) === firstOfMonth(hi)) {
    return startsMonth && endsMonth
      ? { allTime: false, months: { from: firstOfMonth(lo), to: firstOfMonth(lo) }, days: [] }
      : { allTime: false, months: null, days: [{ from: lo, to: hi }] };
  }
  const days: PeriodParts['days'] = [];
  let monthsFrom = firstOfMonth(lo);
  if (!startsMonth) {
    days.push({ from: lo, to: lastOfMonth(lo) });
    monthsFrom = addMonths(monthsFrom, 1);
  }
  let monthsTo = firstOfMonth(hi);
  if (!endsMonth) {
    days.push({ from: monthsTo, to: hi });
    monthsTo = addMonths(monthsTo, -1);
  }
  return {
    allTime: false,
    months: monthsFrom <= monthsTo ? { from: monthsFrom, to: monthsTo } : null,
    days,
  };
}
