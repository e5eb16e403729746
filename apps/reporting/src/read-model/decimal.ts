/** Exact decimal sums of the bucket values (counts and money), as PostgreSQL numerics add them. */

/**
 * An exact decimal: digits × 10^-scale (a sum keeps the larger scale, as numeric addition does).
 * Whole numbers (the counts, nearly every value) are kept as safe integers, the rest (money) as
 * bigint: a run sums tens of thousands of values, and a bigint each was a third of the writer's
 * garbage.
 */
export interface Decimal {
  digits: bigint | number;
  scale: number;
}

const DECIMAL = /^(-?)(\d+)(?:\.(\d+))?$/;
/** Whole numbers of at most 15 digits: exact as doubles, and so is their sum with another. */
const SMALL_INTEGER = /^-?\d{1,15}$/;

export function parseDecimal(value: string): Decimal {
  if (SMALL_INTEGER.test(value)) return { digits: Number(value), scale: 0 };
  const match = DECIMAL.exec(value);
  if (!match) throw new Error(`not a decimal bucket value: ${value}`);
  const fraction = match[3] ?? '';
  return { digits: BigInt(`${match[1]}${match[2]}${fraction}`), scale: fraction.length };
}

/** Adds `b` to `sum` in place. */
export function addInto(sum: Decimal, b: Decimal): void {
  if (typeof sum.digits === 'number' && typeof b.digits === 'number') {
    // Both whole (scale 0): exact while the result stays a safe integer.
    const result = sum.digits + b.digits;
    if (Number.isSafeInteger(result)) {
      sum.digits = result;
      return;
    }
  }
  const scale = Math.max(sum.scale, b.scale);
  const at = (d: Decimal) => BigInt(d.digits) * 10n ** BigInt(scale - d.scale);
  sum.digits = at(sum) + at(b);
  sum.scale = scale;
}

/** Adds `value` to the sum of `metric` in `sums` (never sharing `value` itself). */
export function addToSum(sums: Map<string, Decimal>, metric: string, value: Decimal): void {
  const sum = sums.get(metric);
  if (sum) addInto(sum, value);
  else sums.set(metric, { ...value });
}

export function isZero({ digits }: Decimal): boolean {
  return typeof digits === 'number' ? digits === 0 : digits === 0n;
}

export function formatDecimal({ digits, scale }: Decimal): string {
  if (typeof digits === 'number') return String(digits);
  const negative = digits < 0n;
  const text = (negative ? -digits : digits).toString().padStart(scale + 1, '0');
  const whole = scale === 0 ? text : `${text.slice(0, -scale)}.${text.slice(-scale)}`;
  return negative ? `-${whole}` : whole;
}
