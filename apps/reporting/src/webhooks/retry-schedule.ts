/** WEBHOOK_RETRY_BASE_MS, WEBHOOK_RETRY_MAX_DELAY_MS, WEBHOOK_MAX_ATTEMPTS. */
export interface RetrySchedule {
  /** The ceiling of the first retry's delay; each next ceiling doubles. */
  baseMs: number;
  /** The largest ceiling. */
  maxDelayMs: number;
  /** Attempts (the first one included) before a delivery is parked. */
  maxAttempts: number;
}

/**
 * The ceiling of the delay before retry number `failures` (1 after the first failed attempt):
 * exponential, capped.
 */
export function retryCeilingMs(schedule: RetrySchedule, failures: number): number {
  return Math.min(schedule.maxDelayMs, schedule.baseMs * 2 ** (failures - 1));
}

/**
 * The delay before the next attempt after `failures` failed ones, or null when the delivery is
 * to be parked: full jitter, a uniformly random delay between 0 and the ceiling, so that
 * receivers coming back after an outage are not hit by every queued delivery at once.
 */
export function nextRetryDelayMs(
  schedule: RetrySchedule,
  failures: number,
  random: () => number = Math.random,
): number | null {
  if (failures >= schedule.maxAttempts) return null;
  return Math.floor(random() * retryCeilingMs(schedule, failures));
}

/** The longest a delivery can take from its first attempt until it is parked (every ceiling). */
export function longestRetrySpanMs(schedule: RetrySchedule): number {
  let total = 0;
  for (let failures = 1; failures < schedule.maxAttempts; failures++)
    total += retryCeilingMs(schedule, failures);
  return total;
}
