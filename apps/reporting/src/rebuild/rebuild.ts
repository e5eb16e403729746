import { randomUUID } from 'node:crypto';
import type { Admin, Consumer, EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';
import type { DataSource, EntityManager, QueryRunner } from 'typeorm';
import { ASSIGNMENT_EVENTS_TOPIC, CASE_EVENTS_TOPIC } from '@casebridge/contracts';
import { isInfrastructureUnavailable, isRetryableConflict } from '@casebridge/common';
import { decodeEvent, InvalidEventError, UnknownEventTypeError } from '@casebridge/messaging';
import type { AnyCasebridgeEvent } from '../read-model/case-fact';
import { REPORTING_CONSUMER_GROUP, shadowTables } from '../read-model/read-model-tables';
import { ReadModelWriter } from '../read-model/read-model.writer';
import {
  countMissing,
  createShadowTables,
  dropShadowTables,
  lockAndCountMissing,
  swapInShadowTables,
} from './shadow-tables';

const TOPICS = [CASE_EVENTS_TOPIC, ASSIGNMENT_EVENTS_TOPIC];
/** Only one rebuild at a time per database. */
const REBUILD_LOCK = 7_262_022_003;
const MAX_BACKOFF_MS = 5000;
/** How often the replay also looks at the offsets its group committed (see waitFor). */
const COMMIT_CHECK_MS = 2000;

export type RebuildPhase = 'replaying' | 'catching-up' | 'done';

export interface RebuildProgress {
  phase: RebuildPhase;
  /** Messages read so far (beyond the target too, while catching up). */
  read: number;
  /** Messages on the topics when the rebuild started: the replay reads at least these. */
  target: number;
  applied: number;
  duplicates: number;
  /** Messages that are not valid events or of a type reporting does not know. */
  skipped: number;
  /** Events whose application kept failing (the live consumer dead-letters these too). */
  failed: number;
}

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
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Runs one task at a time: batches and the swap never overlap. */
class Gate {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.tail.then(task);
    this.tail = result.catch(() => undefined);
    return result;
  }
}

interface DecodedMessage {
  topic: string;
  partition: number;
  message: KafkaMessage;
  /** null for a message that is not a valid event of a known type (skipped, as live does). */
  event: AnyCasebridgeEvent | null;
}

/**
 * Rebuilds the reporting read model from the event topics, from their first offset, into shadow
 * tables, while the service keeps answering from (and consuming into) the live tables:
 *
 * 1. shadow tables are created and the topics' end offsets captured;
 * 2. a consumer group of its own replays both topics with the same merge logic as the live
 *    consumer, deduplicating through a shadow inbox, until it has passed the captured ends;
 * 3. it keeps consuming until the shadow inbox holds every event the live consumer applied
 *    meanwhile, checked under lock of the live tables, then swaps the shadow tables in within
 *    that same transaction. The live consumer carries on against the new tables, where the
 *    events the rebuild already applied are recorded in the inbox and so skipped.
 */
export function rebuildReadModel(options: RebuildOptions): Promise<RebuildResult> {
  return new ReadModelRebuild(options).run();
}

class ReadModelRebuild {
  private readonly writer = new ReadModelWriter();
  private readonly shadow = shadowTables();
  private readonly groupId = `${REPORTING_CONSUMER_GROUP}-rebuild-${Date.now()}-${randomUUID().slice(0, 8)}`;
  private readonly gate = new Gate();
  private readonly log: (line: string) => void;
  private readonly progress: RebuildProgress = {
    phase: 'replaying',
    read: 0,
    target: 0,
    applied: 0,
    duplicates: 0,
    skipped: 0,
    failed: 0,
  };
  /** Captured end offset and next offset to read, per `topic/partition` that had messages. */
  private readonly ends = new Map<string, number>();
  private readonly positions = new Map<string, number>();
  private consumer?: Consumer;
  private admin?: Admin;
  private crash?: Error;
  private swapped = false;
  private lastReport = 0;

  constructor(private readonly options: RebuildOptions) {
    this.log = options.log ?? ((line) => process.stdout.write(`${line}\n`));
  }

  async run(): Promise<RebuildResult> {
    const started = Date.now();
    const { dataSource } = this.options;
    const session = dataSource.createQueryRunner();
    await session.connect();
    try {
      const [{ locked }] = await session.manager.query<{ locked: boolean }[]>(
        'SELECT pg_try_advisory_lock($1) AS locked',
        [REBUILD_LOCK],
      );
      if (!locked) throw new Error('another rebuild of the reporting read model is running');
      try {
        return await this.rebuild(session, started);
      } finally {
        await session.query('SELECT pg_advisory_unlock($1)', [REBUILD_LOCK]).catch(() => undefined);
      }
    } finally {
      await session.release();
    }
  }

  private async rebuild(session: QueryRunner, started: number): Promise<RebuildResult> {
    // Database time: compared with the live inbox's processed_at when catching up.
    const [{ now }] = await session.manager.query<{ now: Date }[]>('SELECT now() AS now');
    try {
      await this.withRunner((runner) => createShadowTables(runner));
      await this.captureEnds();
      this.log(
        `rebuild: replaying ${this.progress.target} events of ${TOPICS.join(', ')} into shadow tables (consumer group ${this.groupId})`,
      );
      await this.startConsumer();
      await this.waitFor(() => this.replayed());
      this.report(true);
      this.progress.phase = 'catching-up';
      this.log('rebuild: replay complete; catching up with the live consumer before the swap');
      await this.catchUpAndSwap(now);
      this.progress.phase = 'done';
      const durationMs = Date.now() - started;
      this.log(
        `rebuild: done in ${(durationMs / 1000).toFixed(1)} s: ${this.progress.applied} events applied, ` +
          `${this.progress.duplicates} duplicates, ${this.progress.skipped} skipped, ${this.progress.failed} failed; the new read model is live`,
      );
      return { ...this.progress, groupId: this.groupId, durationMs };
    } finally {
      await this.stopConsumer();
      if (!this.swapped) {
        await this.withRunner((runner) => dropShadowTables(runner)).catch(() => undefined);
      }
    }
  }

  private async withRunner<T>(work: (runner: QueryRunner) => Promise<T>): Promise<T> {
    const runner = this.options.dataSource.createQueryRunner();
    await runner.connect();
    try {
      return await work(runner);
    } finally {
      await runner.release();
    }
  }

  private async captureEnds(): Promise<void> {
    this.admin = this.options.kafka.admin();
    await this.admin.connect();
    for (const topic of TOPICS) {
      for (const { partition, low, high } of await this.admin.fetchTopicOffsets(topic)) {
        if (Number(high) <= Number(low)) continue;
        this.ends.set(`${topic}/${partition}`, Number(high));
        this.positions.set(`${topic}/${partition}`, Number(low));
        this.progress.target += Number(high) - Number(low);
      }
    }
  }

  /**
   * Batches report where the replay is; the group's committed offsets are a second source, for
   * offsets the client resolves without handing over a batch (e.g. a batch emptied by filtering).
   */
  private async mergeCommittedPositions(): Promise<void> {
    if (!this.admin) return;
    for (const { topic, partitions } of await this.admin.fetchOffsets({
      groupId: this.groupId,
      topics: TOPICS,
    })) {
      for (const { partition, offset } of partitions) {
        const key = `${topic}/${partition}`;
        if (Number(offset) > (this.positions.get(key) ?? 0))
          this.positions.set(key, Number(offset));
      }
    }
  }

  private replayed(): boolean {
    for (const [key, end] of this.ends) if ((this.positions.get(key) ?? 0) < end) return false;
    return true;
  }

  private async startConsumer(): Promise<void> {
    const consumer = this.options.kafka.consumer({
      groupId: this.groupId,
      sessionTimeout: 30_000,
      heartbeatInterval: 3000,
      maxWaitTimeInMs: 250,
      allowAutoTopicCreation: false,
      retry: { retries: 10 },
    });
    this.consumer = consumer;
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      if (!payload.restart) this.crash = payload.error;
    });
    await consumer.connect();
    await consumer.subscribe({ topics: TOPICS, fromBeginning: true });
    // Offsets are resolved only for applied batches: a skipped batch is fetched again.
    await consumer.run({
      partitionsConsumedConcurrently: 1,
      eachBatchAutoResolve: false,
      eachBatch: (payload) => this.eachBatch(payload),
    });
  }

  private async stopConsumer(): Promise<void> {
    await this.consumer?.disconnect().catch(() => undefined);
    if (this.consumer) {
      // A leftover group of a finished rebuild would be harmless; delete it all the same.
      await this.admin?.deleteGroups([this.groupId]).catch(() => undefined);
    }
    await this.admin?.disconnect().catch(() => undefined);
  }

  private async eachBatch({
    batch,
    resolveOffset,
    heartbeat,
    isRunning,
    isStale,
  }: EachBatchPayload): Promise<void> {
    const applied = await this.gate.run(async () => {
      if (this.swapped || !isRunning() || isStale()) return false;
      const { topic, partition, messages } = batch;
      await this.applyMessages(messages.map((message) => this.decode(topic, partition, message)));
      const last = batch.lastOffset();
      resolveOffset(last);
      const key = `${topic}/${partition}`;
      this.positions.set(key, Math.max(this.positions.get(key) ?? 0, Number(last) + 1));
      this.progress.read += messages.length;
      await heartbeat();
      return true;
    });
    this.report(false);
    if (applied && this.options.onBatch) await this.options.onBatch({ ...this.progress });
  }

  private decode(topic: string, partition: number, message: KafkaMessage): DecodedMessage {
    try {
      // With the topic, an event its owner cannot have sent is skipped (live dead-letters it).
      const event = decodeEvent(message, topic) as AnyCasebridgeEvent;
      return { topic, partition, message, event };
    } catch (error) {
      if (error instanceof InvalidEventError || error instanceof UnknownEventTypeError) {
        this.progress.skipped += 1;
        return { topic, partition, message, event: null };
      }
      throw error;
    }
  }

  /** One transaction per batch; a batch that fails is retried message by message. */
  private async applyMessages(messages: DecodedMessage[], attempt = 1): Promise<void> {
    const events = messages.filter((m) => m.event !== null);
    if (events.length === 0) return;
    try {
      const counts = await this.transaction(async (manager) => {
        let applied = 0;
        for (const decoded of events) {
          const event = decoded.event;
          if (event === null) continue;
          if (await this.recordInShadowInbox(manager, decoded, event)) {
            await this.writer.apply(event, manager, this.shadow);
            applied += 1;
          }
        }
        return applied;
      });
      this.progress.applied += counts;
      this.progress.duplicates += events.length - counts;
    } catch (error) {
      this.throwIfStopped();
      if (events.length > 1) {
        for (const single of events) await this.applyMessages([single]);
        return;
      }
      const maxAttempts = this.options.maxAttempts ?? 5;
      if (attempt < maxAttempts) {
        await sleep(Math.min(100 * 2 ** attempt, MAX_BACKOFF_MS));
        return this.applyMessages(messages, attempt + 1);
      }
      this.progress.failed += 1;
      this.log(
        `rebuild: event ${events[0].event?.id} failed ${attempt} times and is left out: ${(error as Error).message}`,
      );
    }
  }

  private async recordInShadowInbox(
    manager: EntityManager,
    { topic, partition, message }: DecodedMessage,
    event: AnyCasebridgeEvent,
  ): Promise<boolean> {
    // Recorded under the live group: after the swap the live consumer skips what the rebuild applied.
    const inserted = await manager.query<unknown[]>(
      `INSERT INTO ${this.shadow.inbox} (consumer_group, event_id, event_type, topic, partition, "offset")
       VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING RETURNING event_id`,
      [REPORTING_CONSUMER_GROUP, event.id, event.type, topic, partition, message.offset],
    );
    return inserted.length > 0;
  }

  /** A transaction retried for as long as the database is unreachable or a conflict recurs. */
  private async transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    let backoff = 100;
    for (;;) {
      this.throwIfStopped();
      try {
        return await this.options.dataSource.transaction(work);
      } catch (error) {
        if (!isInfrastructureUnavailable(error) && !isRetryableConflict(error)) throw error;
        this.log(
          `rebuild: database busy or unreachable, retrying in ${backoff} ms: ${(error as Error).message}`,
        );
        await sleep(backoff);
        backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
      }
    }
  }

  private async catchUpAndSwap(rebuildStartedAt: Date): Promise<void> {
    const deadline = Date.now() + (this.options.catchUpTimeoutMs ?? 120_000);
    for (;;) {
      this.throwIfStopped();
      const missing = await this.gate.run(() => this.trySwap(rebuildStartedAt));
      if (missing === 0) return;
      if (Date.now() > deadline) {
        throw new Error(
          missing > 0
            ? `the rebuild could not catch up with the live consumer in time (${missing} events behind)`
            : 'the rebuild could not lock the live tables in time',
        );
      }
      if (missing > 0 && this.report(false)) {
        this.log(`rebuild: ${missing} events applied live are not replayed yet`);
      }
      await sleep(250);
    }
  }

  /** 0 once swapped; else how many live events the shadow still lacks (-1: tables were busy). */
  private trySwap(rebuildStartedAt: Date): Promise<number> {
    return this.withRunner(async (runner) => {
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
        this.swapped = true;
        return 0;
      } catch (error) {
        if (runner.isTransactionActive) await runner.rollbackTransaction();
        const code = (error as { code?: string; driverError?: { code?: string } }).code;
        // Lock timeout or deadlock with a reader: try again shortly.
        if (code === '55P03' || isRetryableConflict(error)) return -1;
        throw error;
      }
    });
  }

  private async waitFor(done: () => boolean): Promise<void> {
    let lastCommitCheck = Date.now();
    while (!done()) {
      this.throwIfStopped();
      this.report(false);
      await sleep(100);
      if (Date.now() - lastCommitCheck >= COMMIT_CHECK_MS) {
        lastCommitCheck = Date.now();
        await this.mergeCommittedPositions();
      }
    }
  }

  private throwIfStopped(): void {
    if (this.crash) throw new Error(`the rebuild's Kafka consumer stopped: ${this.crash.message}`);
    if (this.options.signal?.aborted) throw new Error('the rebuild was aborted');
  }

  /** Prints a progress line at most every progressIntervalMs (or now, when forced). */
  private report(force: boolean): boolean {
    const now = Date.now();
    if (!force && now - this.lastReport < (this.options.progressIntervalMs ?? 2000)) return false;
    this.lastReport = now;
    const p = this.progress;
    const percent = p.target === 0 ? 100 : Math.min(100, Math.floor((p.read / p.target) * 100));
    this.log(
      `rebuild: ${p.phase} ${p.read}/${p.target} events read (${percent}%): ${p.applied} applied, ` +
        `${p.duplicates} duplicates, ${p.skipped} skipped, ${p.failed} failed`,
    );
    return true;
  }
}
