import { binMidpoint, DURATION_ESTIMATE_FACTOR, durationBin, histogramQuantile } from './durations';

/** PostgreSQL's percentile_cont over the values. */
function exactQuantile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const position = p * (sorted.length - 1);
  const lower = Math.floor(position);
  const upper = Math.ceil(position);
  return sorted[lower] + (position - lower) * (sorted[upper] - sorted[lower]);
}

function histogramOf(values: number[]): Map<number, number> {
  const out = new Map<number, number>();
  for (const v of values) out.set(durationBin(v), (out.get(durationBin(v)) ?? 0) + 1);
  return out;
}

/** The stated bound: est ∈ [x/F − ½ s, x·F + ½ s]. */
function withinBound(estimate: number, exact: number): boolean {
  const slack = 1e-9 * Math.max(1, Math.abs(exact));
  return (
    estimate >= exact / DURATION_ESTIMATE_FACTOR - 0.5 - slack &&
    estimate <= exact * DURATION_ESTIMATE_FACTOR + 0.5 + slack
  );
}

/** A deterministic generator (mulberry32), so that a failure can be reproduced. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

describe('duration distributions', () => {
  it('place every duration in a bin whose midpoint is within the stated factor', () => {
    for (const seconds of [1, 1.5, 59, 60, 3600, 86_399, 86_400, 1e6, 3.2e8]) {
      const mid = binMidpoint(durationBin(seconds));
      expect(mid / seconds).toBeLessThanOrEqual(DURATION_ESTIMATE_FACTOR + 1e-12);
      expect(seconds / mid).toBeLessThanOrEqual(DURATION_ESTIMATE_FACTOR + 1e-12);
    }
    expect(durationBin(0)).toBe(0);
    expect(durationBin(-30)).toBe(0);
    expect(durationBin(0.999)).toBe(0);
    expect(durationBin(1)).toBe(1);
    expect(durationBin(10 * 365 * 86_400)).toBeLessThan(450);
  });

  it('estimate medians and p90 within the bound of the exact percentile_cont', () => {
    const next = random(42);
    for (let round = 0; round < 300; round++) {
      const n = 1 + Math.floor(next() * (round % 3 === 0 ? 8 : 400));
      const spread = [60, 3600, 86_400, 2_592_000][round % 4];
      const values = Array.from({ length: n }, () =>
        next() < 0.05 ? next() : Math.round(next() * next() * spread * 1000) / 1000,
      );
      const histogram = histogramOf(values);
      for (const p of [0.5, 0.9]) {
        const estimate = histogramQuantile(histogram, p);
        const exact = exactQuantile(values, p);
        if (estimate === null || !withinBound(estimate, exact)) {
          throw new Error(`p${p * 100} of ${JSON.stringify(values)}: ${estimate} vs ${exact}`);
        }
      }
    }
  });

  it('is null for an empty distribution and ignores empty bins', () => {
    expect(histogramQuantile(new Map(), 0.5)).toBeNull();
    expect(histogramQuantile(new Map([[10, 0]]), 0.5)).toBeNull();
    expect(
      histogramQuantile(
        new Map([
          [10, 0],
          [20, 3],
        ]),
        0.5,
      ),
    ).toBe(binMidpoint(20));
  });
});
