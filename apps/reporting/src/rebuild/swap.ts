import type { DataSource } from 'typeorm';
import { isRetryableConflict } from '@casebridge/common';
import type { RebuildProgressLog } from './rebuild-progress';
import type { Replay } from './replay';
import { countMissing, lockAndCountMissing, swapInShadowTables } from './shadow-tables';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Keeps the replay consuming until the shadow inbox holds every event the live consumer applied
 * since the rebuild started, checked under lock of the live tables, then swaps the shadow
 * tables in within that same transaction. Until then the service answers from the old model.
 */
export async function catchUpAndSwap(
  dataSource: DataSource,
  replay: Replay,
  progress: RebuildProgressLog,
  rebuildStartedAt: Date,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    replay.assertRunning();
    let missing = -1;
    await replay.exclusively(async () => {
      missing = await trySwap(dataSource, rebuildStartedAt);
      return missing === 0;
    });
    if (missing === 0) return;
    if (Date.now() > deadline) {
      throw new Error(
        missing > 0
          ? `the rebuild could not catch up with the live consumer in time (${missing} events behind)`
          : 'the rebuild could not lock the live tables in time',
      );
    }
    if (missing > 0 && progress.report(false)) {
      progress.log(`rebuild: ${missing} events applied live are not replayed yet`);
    }
    await sleep(250);
  }
}

/** 0 once swapped; else how many live events the shadow still lacks (-1: tables were busy). */
async function trySwap(dataSource: DataSource, rebuildStartedAt: Date): Promise<number> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    // Cheap check first: the live tables are locked only when the shadow looks complete.
    const behind = await countMissing(runner, rebuildStartedAt);
    if (behind > 0) return behind;
    await runner.startTransaction();
    try {
      const missing = await lockAndCountMissing(runner, rebuildStartedAt);
      if (missing > 0) {
        await runner.rollbackTransaction();
        return missing;
      }
      await swapInShadowTables(runner);
      await runner.commitTransaction();
      return 0;
    } catch (error) {
      if (runner.isTransactionActive) await runner.rollbackTransaction();
      const code = (error as { code?: string }).code;
      // Lock timeout or deadlock with a reader: try again shortly.
      if (code === '55P03' || isRetryableConflict(error)) return -1;
      throw error;
    }
  } finally {
    await runner.release();
  }
}
