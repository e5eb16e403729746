import type { DataSource } from 'typeorm';
import { isInfrastructureUnavailable, isRetryableConflict } from '@casebridge/common';
import { listenerClientConfig, OutboxListener } from '@casebridge/messaging';
import { DELTA_CHANNEL, FOLD_MAX_EVENTS } from './deltas';
import type { FoldResult } from './deltas';
import type { ReadModelTables } from './read-model-tables';
import type { ReadModelWriter } from './read-model.writer';
import { timed } from './read-model.metrics';

const MAX_BACKOFF_MS = 5000;
/** Idle and listening: what it waits at most before looking anyway (a notification ends it). */
const LISTENING_IDLE_MS = 3_600_000;
/** How soon a folder that found another one folding looks again. */
const BUSY_RETRY_MS = 200;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export interface DeltaFolderOptions {
  dataSource: DataSource;
  tables: ReadModelTables;
  writer: ReadModelWriter;
  warn: (message: string) => void;
  /**
   * Woken by the runs' commits (LISTEN on DELTA_CHANNEL on a connection of its own): the live
   * service. Without it (a rebuild), `kick()` after each batch wakes it.
   */
  listen?: boolean;
  /**
   * Looks for runs this often when nothing wakes it: without a listener (a rebuild), or while
   * the listener is disconnected. Listening, an idle folder sends no query at all: every commit
   * of a run notifies every instance, and the listener signals on each (re)connect.
   */
  sweepMs: number;
  maxEvents?: number;
}

/**
 * Keeps folding the delta table into the aggregates (ReadModelWriter.fold), a transaction per
 * fold of up to FOLD_MAX_EVENTS events, whenever runs commit. Several instances may run one each:
 * one folds at a time, the others find it busy and look again shortly. A fold that fails
 * (database down, a conflict) is retried with back-off; nothing is lost, since the runs stay
 * in the delta table until a fold commits.
 */
export class DeltaFolder {
  private readonly wake: OutboxListener;
  private loop?: Promise<void>;
  private closed = false;
  private paused = false;
  private folding?: Promise<unknown>;

  constructor(private readonly options: DeltaFolderOptions) {
    this.wake = new OutboxListener(
      () => listenerClientConfig(options.dataSource, 'delta-listener'),
      options.warn,
      DELTA_CHANNEL,
    );
  }

  start(): void {
    if (this.options.listen) this.wake.start();
    this.loop = this.run();
  }

  /** Runs were committed: fold them soon. */
  kick(): void {
    this.wake.signal();
  }

  /** Waits for the fold in progress, if any, and folds no more until resume(). */
  async pause(): Promise<void> {
    this.paused = true;
    await this.folding?.catch(() => undefined);
  }

  resume(): void {
    this.paused = false;
    this.kick();
  }

  async close(): Promise<void> {
    this.closed = true;
    this.wake.signal();
    await this.wake.close();
    await this.loop;
  }

  private async run(): Promise<void> {
    let backoff = 100;
    while (!this.closed) {
      this.wake.take();
      let next = this.wake.listening ? LISTENING_IDLE_MS : this.options.sweepMs;
      if (!this.paused) {
        try {
          const busy = await this.drain();
          if (busy) next = BUSY_RETRY_MS;
          backoff = 100;
        } catch (error) {
          if (this.closed) return;
          const transient = isInfrastructureUnavailable(error) || isRetryableConflict(error);
          this.options.warn(
            `${transient ? 'database busy or unreachable' : 'folding the read model failed'}, ` +
              `retrying in ${backoff} ms: ${(error as Error).message}`,
          );
          await sleep(backoff);
          backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
          this.wake.signal();
          continue;
        }
      }
      await this.wake.wait(next);
    }
  }

  /** Folds until no run waits; true when another folder held the lock. */
  private async drain(): Promise<boolean> {
    for (;;) {
      if (this.closed || this.paused) return false;
      const result = await this.foldOnce(false);
      if (result.busy) return true;
      if (result.runs === 0) return false;
    }
  }

  private foldOnce(wait: boolean): Promise<FoldResult> {
    const { dataSource, tables, writer, maxEvents = FOLD_MAX_EVENTS } = this.options;
    const fold = timed('fold', () =>
      dataSource.transaction((manager) => writer.fold(manager, tables, { maxEvents, wait })),
    );
    this.folding = fold;
    return fold;
  }
}

/**
 * Folds every run of `tables` now (waiting for another folder's fold to end first): what a test
 * or the rebuild's swap uses to bring the aggregates up to the applied events.
 */
export async function foldEverything(
  dataSource: DataSource,
  tables: ReadModelTables,
  writer: ReadModelWriter,
): Promise<number> {
  let events = 0;
  for (;;) {
    const result = await dataSource.transaction((manager) =>
      writer.fold(manager, tables, { wait: true }),
    );
    if (result.runs === 0) return events;
    events += result.events;
  }
}
