import type { Kafka } from 'kafkajs';
import type { DataSource, QueryRunner } from 'typeorm';
import { ASSIGNMENT_EVENTS_TOPIC, CASE_EVENTS_TOPIC } from '@casebridge/contracts';
import { DeltaFolder } from '../read-model/delta-folder';
import { shadowTables } from '../read-model/read-model-tables';
import { ReadModelWriter } from '../read-model/read-model.writer';
import { RebuildProgress, RebuildProgressLog } from './rebuild-progress';
import { Replay } from './replay';
import { createShadowTables, dropShadowTables } from './shadow-tables';
import { catchUpAndSwap } from './swap';

export type { RebuildPhase, RebuildProgress } from './rebuild-progress';

const TOPICS = [CASE_EVENTS_TOPIC, ASSIGNMENT_EVENTS_TOPIC];
/** Only one rebuild at a time per database. */
const REBUILD_LOCK = 7_262_022_003;

export interface RebuildResult extends RebuildProgress {
  groupId: string;
  durationMs: number;
}

export interface RebuildOptions {
  dataSource: DataSource;
  kafka: Kafka;
  /** Progress lines (stdout by default). */
  log?: (line: string) => void;
  progressIntervalMs?: number;
  /** How long the catch-up with the live consumer may take after the replay. */
  catchUpTimeoutMs?: number;
  /** Attempts of an event whose application fails, before it is counted as failed. */
  maxAttempts?: number;
  signal?: AbortSignal;
  /** Called after each batch is committed to the shadow tables. */
  onBatch?: (progress: RebuildProgress) => Promise<void>;
  /** Partitions replayed at once (default 1). */
  concurrency?: number;
}

/**
 * Rebuilds the reporting read model from the event topics, from their first offset, into shadow
 * tables, while the service keeps answering from (and consuming into) the live tables:
 *
 * 1. shadow tables are created (shadow-tables.ts) and the topics' end offsets captured;
 * 2. a consumer group of its own replays both topics through the live consumer's machinery
 *    (replay.ts), deduplicating through a shadow inbox, until it has passed the captured ends;
 * 3. it keeps consuming until the shadow holds every event the live consumer applied meanwhile,
 *    then swaps the shadow tables in (swap.ts). The live consumer carries on against the new
 *    tables, where the events the rebuild already applied are recorded in the inbox and so
 *    skipped.
 */
export async function rebuildReadModel(options: RebuildOptions): Promise<RebuildResult> {
  const started = Date.now();
  const session = options.dataSource.createQueryRunner();
  await session.connect();
  try {
    const [{ locked }] = await session.manager.query<{ locked: boolean }[]>(
      'SELECT pg_try_advisory_lock($1) AS locked',
      [REBUILD_LOCK],
    );
    if (!locked) throw new Error('another rebuild of the reporting read model is running');
    try {
      return await rebuild(options, session, started);
    } finally {
      await session.query('SELECT pg_advisory_unlock($1)', [REBUILD_LOCK]).catch(() => undefined);
    }
  } finally {
    await session.release();
  }
}

async function rebuild(
  options: RebuildOptions,
  session: QueryRunner,
  started: number,
): Promise<RebuildResult> {
  const { dataSource } = options;
  const log = new RebuildProgressLog(
    options.log ?? ((line) => process.stdout.write(`${line}\n`)),
    options.progressIntervalMs ?? 2000,
  );
  const { progress } = log;
  // The shadow model's runs are folded as they commit, so that the swap finds little to fold.
  const folder = new DeltaFolder({
    dataSource,
    tables: shadowTables(),
    writer: new ReadModelWriter(),
    warn: (message) => log.log(`rebuild: ${message}`),
    sweepMs: 1000,
  });
  const replay = new Replay(
    {
      dataSource,
      kafka: options.kafka,
      topics: TOPICS,
      maxAttempts: options.maxAttempts ?? 5,
      assertRunning: () => {
        if (options.signal?.aborted) throw new Error('the rebuild was aborted');
      },
      onBatch: async () => {
        folder.kick();
        await options.onBatch?.({ ...progress });
      },
      concurrency: options.concurrency,
    },
    log,
  );
  // Database time: compared with the live inbox's processed_at when catching up.
  const [{ now }] = await session.manager.query<{ now: Date }[]>('SELECT now() AS now');
  let swapped = false;
  try {
    await withRunner(dataSource, (runner) => createShadowTables(runner));
    folder.start();
    await replay.captureEnds();
    log.log(
      `rebuild: replaying ${progress.target} events of ${TOPICS.join(', ')} into shadow tables (consumer group ${replay.groupId})`,
    );
    await replay.start();
    await replay.waitUntilReplayed();
    log.report(true);
    progress.phase = 'catching-up';
    log.log('rebuild: replay complete; catching up with the live consumer before the swap');
    await catchUpAndSwap(dataSource, replay, folder, log, now, options.catchUpTimeoutMs ?? 120_000);
    swapped = true;
    progress.phase = 'done';
    const durationMs = Date.now() - started;
    log.log(
      `rebuild: done in ${(durationMs / 1000).toFixed(1)} s: ${progress.applied} events applied, ` +
        `${progress.duplicates} duplicates, ${progress.skipped} skipped, ${progress.failed} failed; the new read model is live`,
    );
    return { ...progress, groupId: replay.groupId, durationMs };
  } finally {
    await replay.stop();
    await folder.close();
    if (!swapped) {
      await withRunner(dataSource, (runner) => dropShadowTables(runner)).catch(() => undefined);
    }
  }
}

async function withRunner<T>(
  dataSource: DataSource,
  work: (runner: QueryRunner) => Promise<T>,
): Promise<T> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    return await work(runner);
  } finally {
    await runner.release();
  }
}
