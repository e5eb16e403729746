import {
  longestRetrySpanMs,
  nextRetryDelayMs,
  retryCeilingMs,
  type RetrySchedule,
} from './retry-schedule';

const DEFAULTS: RetrySchedule = { baseMs: 30_000, maxDelayMs: 8 * 3600_000, maxAttempts: 16 };

describe('webhook retry schedule', () => {
  it('doubles the ceiling from the base up to the cap', () => {
    const ceilings = Array.from({ length: 15 }, (_, i) => retryCeilingMs(DEFAULTS, i + 1) / 1000);
    expect(ceilings).toEqual([
      30, 60, 120, 240, 480, 960, 1920, 3840, 7680, 15360, 28800, 28800, 28800, 28800, 28800,
    ]);
  });

  it('draws each delay uniformly between 0 and the ceiling (full jitter)', () => {
    expect(nextRetryDelayMs(DEFAULTS, 3, () => 0)).toBe(0);
    expect(nextRetryDelayMs(DEFAULTS, 3, () => 0.5)).toBe(60_000);
    expect(nextRetryDelayMs(DEFAULTS, 3, () => 0.999999)).toBe(119_999);
    for (let i = 0; i < 1000; i++) {
      const delay = nextRetryDelayMs(DEFAULTS, 12)!;
      expect(delay).toBeGreaterThanOrEqual(0);
      expect(delay).toBeLessThan(8 * 3600_000);
    }
  });

  it('parks a delivery after its last attempt', () => {
    expect(nextRetryDelayMs(DEFAULTS, 15, () => 1)).not.toBeNull();
    expect(nextRetryDelayMs(DEFAULTS, 16)).toBeNull();
    expect(nextRetryDelayMs({ ...DEFAULTS, maxAttempts: 1 }, 1)).toBeNull();
  });

  it('spans about a day by default: 24 h on average, 48.5 h at most', () => {
    const longest = longestRetrySpanMs(DEFAULTS);
    expect(longest / 3600_000).toBeCloseTo(48.5, 1);
    // Full jitter: the expected delay is half its ceiling.
    expect(longest / 2 / 3600_000).toBeCloseTo(24.3, 1);
  });
});
