import { Counter, Histogram } from 'prom-client';
import { metricsRegistry } from '@casebridge/common';

/**
 * Where applying and folding spend their time, statement by statement (`step`): what an
 * operator reads when reporting lags, and what `npm run bench:reporting` prints as its profile
 * of ingest. Steps of one transaction add up to less than the transaction (its commit and the
 * round trips of BEGIN are not in a step; `fold` is the whole fold, commit included).
 */
export const readModelStepDuration = new Histogram({
  name: 'casebridge_read_model_step_duration_seconds',
  help: 'Time spent in each step of applying runs of events and folding them into the aggregates',
  labelNames: ['step'] as const,
  buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [metricsRegistry],
});

/** What the folds wrote: rollup rows upserted (`rollup`), bucket entries folded (`entries`). */
export const foldRows = new Counter({
  name: 'casebridge_read_model_fold_rows_total',
  help: 'Rollup rows the folds upserted (table="rollup") and bucket entries they folded (table="entries")',
  labelNames: ['table'] as const,
  registers: [metricsRegistry],
});

export type ReadModelStep =
  | 'apply_lock_facts'
  | 'apply_merge'
  | 'apply_save_facts'
  | 'apply_record_run'
  | 'fold'
  | 'fold_select_runs'
  | 'fold_buckets'
  | 'fold_zero_buckets'
  | 'fold_rollup_sum'
  | 'fold_rollup_upsert'
  | 'fold_zero_rollup'
  | 'fold_state'
  | 'fold_delete_runs';

/** Runs `work` and adds its duration (also when it fails) to `step`. */
export async function timed<T>(step: ReadModelStep, work: () => Promise<T>): Promise<T> {
  const end = readModelStepDuration.startTimer({ step });
  try {
    return await work();
  } finally {
    end();
  }
}

/** The synchronous share of a step (work in Node between statements). */
export function timedSync<T>(step: ReadModelStep, work: () => T): T {
  const end = readModelStepDuration.startTimer({ step });
  try {
    return work();
  } finally {
    end();
  }
}
