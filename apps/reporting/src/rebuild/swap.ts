import type { DataSource } from 'typeorm';
import { isRetryableConflict } from '@casebridge/common';
import type { DeltaFolder } from '../read-model/delta-folder';
import { foldEverything } from '../read-model/delta-folder';
import { shadowTables } from '../read-model/read-model-tables';
import { ReadModelWriter } from '../read-model/read-model.writer';
import type { RebuildProgressLog } from './rebuild-progress';
import type { Replay } from './replay';
import { countMissing, lockAndCountMissing, swapInShadowTables } from './shadow-tables';

const writer = new ReadModelWriter();

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Keeps the replay consuming until the shadow inbox holds every event the live consumer applied
 * since the rebuild started, checked under lock of the live tables, then swaps the shadow
 * tables in within that same transaction, every shadow run folded (the shadow's aggregates are
 * complete when it goes live). Until then the service answers from the old model.
 */
export async function catchUpAndSwap(
  dataSource: DataSource,
  replay: Replay,
  folder: DeltaFolder,
  progress: RebuildProgressLog,
  rebuildStartedAt: Date,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    replay.assertRunning();
    let missing = -1;
    await replay.exclusively(async () => {
      // No shadow batch runs meanwhile: fold what the replay left (outside the live tables'
      // locks), then the swap folds, under them, only what might still be there.
      await folder.pause();
      try {
        await foldEverything(dataSource, shadowTables(), writer);
        missing = await trySwap(dataSource, rebuildStartedAt);
      } finally {
        if (missing !== 0) folder.resume();
      }
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
      for (;;) {
        const folded = await writer.fold(runner.manager, shadowTables(), { wait: true });
        if (folded.runs === 0) break;
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
