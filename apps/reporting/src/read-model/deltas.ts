import type { BucketEntry } from './contributions';

/**
 * The delta table: each run the writer applies (ReadModelWriter.applyMany) keeps its signed
 * bucket entries there as one row, in the run's own transaction (the inbox transaction, so
 * exactly once), instead of upserting the buckets and the rollup itself; the folder
 * (ReadModelWriter.fold, driven by DeltaFolder) adds many runs at once to the aggregates and
 * deletes them. Reports read only the aggregates and the state, which the fold moves together:
 * what they answer is a consistent model as of the last fold.
 *
 * Why: the entries of a run reach thousands of bucket and rollup rows, each an upsert at a
 * random place; a backlog's runs share days, months and projection keys, so folding N runs
 * together upserts far fewer rows than N runs one by one, and the runs themselves no longer
 * lock rows other runs share (docs/performance.md, "Folding").
 */

/** NOTIFY channel a committed run wakes the folders on (payload: the delta table). */
export const DELTA_CHANNEL = 'reporting_delta';

/** First key of the folders' advisory lock (the second is the delta table's name, hashed). */
export const FOLD_LOCK = 7_262_023;

/**
 * Events a fold takes at most (at least one run): bounds its memory and how long it holds the
 * aggregate rows. The entries stay in PostgreSQL; what reaches Node is their sums per day and
 * finest key, a row per key with its metrics packed as JSON, fanned out a country at a time,
 * beside two runs being applied, in a 128 MB heap. Larger folds share more rollup rows: at
 * 100,000 cases, folds of up to 60,000 events took the rollup upsert from 48 to 34 s against
 * 20,000 (ingest 6,497 → 7,974 events/s, RSS 249 → 246 MB); before the sums were packed a key
 * per row, folds of 60,000 ran reporting out of heap at 100,000 cases (docs/performance.md).
 */
export const FOLD_MAX_EVENTS = 60_000;

export interface FoldResult {
  /** Runs folded (0: none waiting, or busy). */
  runs: number;
  events: number;
  /** Another folder of the same tables holds the lock. */
  busy: boolean;
}

type Encoded = [0 | 1, string, string, string, string, string, string, string];

/**
 * A run's entries as the delta row keeps them: a JSON array of tuples, [table (0 case,
 * 1 resolution), host country, day, category, consulate, city, metric, value as a decimal
 * string]. The fold reads them by position in SQL (ReadModelWriter.fold), never in Node.
 */
export function encodeEntries(entries: readonly BucketEntry[]): string {
  return JSON.stringify(
    entries.map((e): Encoded => [
      e.table === 'case' ? 0 : 1,
      e.hostCountry,
      e.day,
      e.category,
      e.consulateId,
      e.hostCity,
      e.metric,
      e.value,
    ]),
  );
}
