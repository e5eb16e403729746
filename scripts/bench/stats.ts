/** Percentiles of latency samples (milliseconds). */
export interface Percentiles {
  count: number;
  p50: number | null;
  p95: number | null;
  p99: number | null;
  max: number | null;
}

export function percentile(sorted: readonly number[], p: number): number | null {
  if (!sorted.length) return null;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

export function percentiles(values: readonly number[]): Percentiles {
  const s = [...values].sort((a, b) => a - b);
  const round = (v: number | null) => (v === null ? null : Math.round(v * 10) / 10);
  return {
    count: s.length,
    p50: round(percentile(s, 50)),
    p95: round(percentile(s, 95)),
    p99: round(percentile(s, 99)),
    max: round(s.length ? s[s.length - 1] : null),
  };
}

/** "12 / 30 / 48 ms" (p50 / p95 / p99), seconds from 10 s on; "–" without samples. */
export function formatPercentiles(p: Percentiles | null | undefined): string {
  if (!p || p.p50 === null) return '–';
  return `${formatMs(p.p50)} / ${formatMs(p.p95)} / ${formatMs(p.p99)}`;
}

export function formatMs(ms: number | null): string {
  if (ms === null) return '–';
  if (ms >= 10_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms >= 100) return `${ms.toFixed(0)} ms`;
  return `${ms.toFixed(1)} ms`;
}

/** Samples grouped by whole second since `start` (ms epoch), e.g. for a latency-over-time chart. */
export function perSecond(
  samples: readonly { at: number; ms: number }[],
  start: number,
): { second: number; p50: number | null; p99: number | null; count: number }[] {
  const buckets = new Map<number, number[]>();
  for (const { at, ms } of samples) {
    const second = Math.floor((at - start) / 1000);
    if (second < 0) continue;
    const list = buckets.get(second) ?? [];
    list.push(ms);
    buckets.set(second, list);
  }
  return [...buckets.entries()]
    .sort(([a], [b]) => a - b)
    .map(([second, list]) => {
      const p = percentiles(list);
      return { second, p50: p.p50, p99: p.p99, count: p.count };
    });
}
