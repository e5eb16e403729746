import { randomUUID } from 'node:crypto';
import type { Admin, Consumer, EachBatchPayload, Kafka } from 'kafkajs';
import type { DataSource } from 'typeorm';
import { MessageApplier } from '@casebridge/messaging';
import { readModelHandlers } from '../read-model/read-model-handlers';
import { REPORTING_CONSUMER_GROUP, shadowTables } from '../read-model/read-model-tables';
import { ReadModelWriter } from '../read-model/read-model.writer';
import { BatchGate } from './batch-gate';
import type { RebuildProgressLog } from './rebuild-progress';

/** How often the replay also looks at the offsets its group committed (see waitUntilReplayed). */
const COMMIT_CHECK_MS = 2000;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export interface ReplayOptions {
  dataSource: DataSource;
  kafka: Kafka;
  topics: string[];
  maxAttempts: number;
  /** Throws once the rebuild must stop (aborted): checked before every attempt. */
  assertRunning: () => void;
  onBatch?: () => Promise<void>;
  /** Partitions applied at once (REPORTING_PARTITIONS_AT_ONCE, as the live consumer). */
  concurrency?: number;
}

/**
 * Replays the event topics from their first offset into the shadow tables, in a consumer group
 * of its own, through libs/messaging's MessageApplier with the live consumer's handlers: the
 * same decoding, source checks and retries. Events are recorded in the shadow inbox under the
 * live group, so that after the swap the live consumer skips what the replay applied.
 */
export class Replay {
  readonly groupId = `${REPORTING_CONSUMER_GROUP}-rebuild-${Date.now()}-${randomUUID().slice(0, 8)}`;
  private readonly gate = new BatchGate();
  private readonly applier: MessageApplier;
  /** Captured end offset and next offset to read, per `topic/partition` that had messages. */
  private readonly ends = new Map<string, number>();
  private readonly positions = new Map<string, number>();
  private consumer?: Consumer;
  private admin?: Admin;
  private crash?: Error;
  private finished = false;

  constructor(
    private readonly options: ReplayOptions,
    private readonly progress: RebuildProgressLog,
  ) {
    const shadow = shadowTables();
    this.applier = new MessageApplier({
      groupId: REPORTING_CONSUMER_GROUP,
      handlers: readModelHandlers(new ReadModelWriter(), shadow),
      dataSource: options.dataSource,
      maxAttempts: options.maxAttempts,
      inboxTable: shadow.inbox,
      warn: (message) => progress.log(`rebuild: ${message}`),
    });
  }

  /** Records the topics' end offsets now: the replay reads at least up to them. */
  async captureEnds(): Promise<void> {
    this.admin = this.options.kafka.admin();
    await this.admin.connect();
    for (const topic of this.options.topics) {
      for (const { partition, low, high } of await this.admin.fetchTopicOffsets(topic)) {
        if (Number(high) <= Number(low)) continue;
        this.ends.set(`${topic}/${partition}`, Number(high));
        this.positions.set(`${topic}/${partition}`, Number(low));
        this.progress.progress.target += Number(high) - Number(low);
      }
    }
  }

  async start(): Promise<void> {
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
    await consumer.subscribe({ topics: this.options.topics, fromBeginning: true });
    // Offsets are resolved only for applied batches: a skipped batch is fetched again.
    await consumer.run({
      partitionsConsumedConcurrently: this.options.concurrency ?? 1,
      eachBatchAutoResolve: false,
      eachBatch: (payload) => this.eachBatch(payload),
    });
  }

  /** Waits until every partition is read past the end offset captured at the start. */
  async waitUntilReplayed(): Promise<void> {
    let lastCommitCheck = Date.now();
    while (!this.replayed()) {
      this.assertRunning();
      this.progress.report(false);
      await sleep(100);
      if (Date.now() - lastCommitCheck >= COMMIT_CHECK_MS) {
        lastCommitCheck = Date.now();
        await this.mergeCommittedPositions();
      }
    }
  }

  /** Runs `task` between batches; once it returns true, no further batch is applied. */
  async exclusively(task: () => Promise<boolean>): Promise<boolean> {
    return this.gate.exclusively(async () => {
      const last = await task();
      if (last) this.finished = true;
      return last;
    });
  }

  assertRunning(): void {
    if (this.crash) throw new Error(`the rebuild's Kafka consumer stopped: ${this.crash.message}`);
    this.options.assertRunning();
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect().catch(() => undefined);
    if (this.consumer) {
      // A leftover group of a finished rebuild would be harmless; delete it all the same.
      await this.admin?.deleteGroups([this.groupId]).catch(() => undefined);
    }
    await this.admin?.disconnect().catch(() => undefined);
  }

  private replayed(): boolean {
    for (const [key, end] of this.ends) if ((this.positions.get(key) ?? 0) < end) return false;
    return true;
  }

  /**
   * Batches report where the replay is; the group's committed offsets are a second source, for
   * offsets the client resolves without handing over a batch (e.g. a batch emptied by filtering).
   */
  private async mergeCommittedPositions(): Promise<void> {
    if (!this.admin) return;
    for (const { topic, partitions } of await this.admin.fetchOffsets({
      groupId: this.groupId,
      topics: this.options.topics,
    })) {
      for (const { partition, offset } of partitions) {
        const key = `${topic}/${partition}`;
        if (Number(offset) > (this.positions.get(key) ?? 0))
          this.positions.set(key, Number(offset));
      }
    }
  }

  private async eachBatch({
    batch,
    resolveOffset,
    heartbeat,
    isRunning,
    isStale,
  }: EachBatchPayload): Promise<void> {
    const applied = await this.gate.batch(async () => {
      if (this.finished || !isRunning() || isStale()) return false;
      const { topic, partition, messages } = batch;
      // One transaction per batch; a batch that fails is applied message by message.
      const results = await this.applier.applyBatch(
        messages.map((message) => ({ topic, partition, message })),
        { assertRunning: () => this.assertRunning(), heartbeat },
      );
      const last = batch.lastOffset();
      resolveOffset(last);
      const key = `${topic}/${partition}`;
      this.positions.set(key, Math.max(this.positions.get(key) ?? 0, Number(last) + 1));
      this.progress.count(results);
      await heartbeat();
      return true;
    });
    this.progress.report(false);
    if (applied && this.options.onBatch) await this.options.onBatch();
  }
}
