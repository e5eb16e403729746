import { Logger } from '@nestjs/common';
import type { Consumer, EachBatchPayload, IHeaders, Kafka } from 'kafkajs';
import type { DataSource } from 'typeorm';
import { CasebridgeEvent, DeadLetterHeaders, deadLetterTopic } from '@casebridge/contracts';
import { deadLetters, eventsConsumed } from '@casebridge/common';
import { eventsRefused } from '../messaging.metrics';
import type { KafkaAdmin } from '../kafka/kafka-admin.service';
import type { KafkaProducer } from '../kafka/kafka-producer.service';
import { settleWithin } from '../shutdown';
import {
  ApplyResult,
  EventHandlers,
  inCorrelationOf,
  InboxMessage,
  MessageApplier,
} from './message-applier';

export interface ConsumerDefinition {
  groupId: string;
  topics: string[];
  handlers: EventHandlers;
  /** Partitions processed at once by this instance (default 1: see run()). */
  concurrency?: number;
  /** Messages of one partition applied in one transaction, at most (default MAX_CHUNK). */
  maxChunk?: number;
}

export interface ConsumerDependencies {
  kafka: Kafka;
  dataSource: DataSource;
  producer: KafkaProducer;
  admin: KafkaAdmin;
  maxAttempts: number;
}

const MAX_TRANSIENT_BACKOFF_MS = 5000;
/** Messages of one partition applied in one transaction, at most, unless the consumer says otherwise. */
export const MAX_CHUNK = 200;
const LAG_REFRESH_MS = 10_000;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Consumes event topics with exactly-once effect: each event id is recorded in the inbox in the
 * same transaction as the handler's writes, so a redelivery (crash, rebalance, replay) changes
 * nothing. A message that cannot be decoded, or whose handler keeps failing, goes to
 * `<topic>.dlq` with the error in its headers and the partition moves on; so does an event its
 * topic's owner cannot have sent (another `ce_source`), which is refused unapplied. While the database
 * is unreachable the message is retried without limit (it is not the message's fault).
 *
 * It consumes in batches: what a fetch returned for a partition is applied in order, up to
 * MAX_CHUNK messages in one transaction (their inbox rows and the handlers' writes), and the
 * offset is committed after each chunk. A chunk whose transaction fails is applied again one
 * message at a time (MessageApplier.applyBatch), so a poison message is retried and
 * dead-lettered alone while the others are applied.
 */
export class EventConsumer {
  private readonly logger: Logger;
  private consumer?: Consumer;
  private stopping = false;
  private lagTimer?: NodeJS.Timeout;
  private startup?: Promise<void>;
  private readonly applier: MessageApplier;

  constructor(
    private readonly definition: ConsumerDefinition,
    private readonly deps: ConsumerDependencies,
  ) {
    this.logger = new Logger(`EventConsumer:${definition.groupId}`);
    this.applier = new MessageApplier({
      groupId: definition.groupId,
      handlers: definition.handlers,
      dataSource: deps.dataSource,
      maxAttempts: deps.maxAttempts,
      warn: (message) => this.logger.warn(message),
    });
  }

  /** Starts in the background, retrying while the broker is unreachable. */
  start(): void {
    this.startup = this.connectWithRetry();
    const refreshLag = () =>
      void this.deps.admin.refreshLag(this.definition.groupId, this.definition.topics);
    // A first measurement as soon as the consumer runs, so lag is known without waiting a period.
    void this.startup.then(() => {
      if (!this.stopping) refreshLag();
    });
    this.lagTimer = setInterval(refreshLag, LAG_REFRESH_MS);
    this.lagTimer.unref();
  }

  /** Resolves once the consumer has joined its group and started fetching. */
  async ready(): Promise<void> {
    await this.startup;
  }

  async stop(): Promise<void> {
    this.stopping = true;
    clearInterval(this.lagTimer);
    await settleWithin(this.startup);
    await settleWithin(this.consumer?.disconnect());
  }

  private async connectWithRetry(): Promise<void> {
    let backoff = 500;
    while (!this.stopping) {
      try {
        await this.run();
        return;
      } catch (error) {
        this.logger.warn(
          `consumer not started, retrying in ${backoff} ms: ${(error as Error).message}`,
        );
        await this.consumer?.disconnect().catch(() => undefined);
        await sleep(backoff);
        backoff = Math.min(backoff * 2, MAX_TRANSIENT_BACKOFF_MS);
      }
    }
  }

  private async run(): Promise<void> {
    const { groupId, topics, concurrency } = this.definition;
    const consumer = this.deps.kafka.consumer({
      groupId,
      // A member that is gone holds its partitions until its session times out, and the group
      // waits for it before anyone consumes again: after a kill -9, and after a broker outage
      // (kafkajs restarts a consumer that lost the broker as a new member). 6 s is the broker's
      // minimum (group.min.session.timeout.ms); heartbeats go every 2 s, also while a message
      // waits for the database.
      sessionTimeout: 6000,
      heartbeatInterval: 2000,
      maxWaitTimeInMs: 500,
      allowAutoTopicCreation: false,
      retry: { retries: 10 },
    });
    this.consumer = consumer;
    // kafkajs restarts a crashed consumer only after errors it deems retriable; after others
    // (e.g. no group coordinator while the broker shuts down) it stays down for good. Such a
    // consumer is started again here, as on start-up, until the broker serves it.
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      if (payload.restart || this.stopping || this.consumer !== consumer) return;
      this.logger.warn(`consumer stopped on ${payload.error.name}; starting it again`);
      this.startup = this.connectWithRetry();
    });
    await consumer.connect();
    await consumer.subscribe({ topics, fromBeginning: true });
    await consumer.run({
      // One batch transaction at a time per instance unless the service says otherwise: batches
      // of several partitions at once that lock the same hot rows (a caseworker's load) in
      // different orders deadlocked each other hundreds of times a minute under load (the
      // bench's logs). Reporting's writer locks in one global order and applies two at once.
      partitionsConsumedConcurrently: concurrency ?? 1,
      eachBatchAutoResolve: false,
      eachBatch: (payload) => this.handleBatch(payload),
    });
  }

  private async handleBatch(payload: EachBatchPayload): Promise<void> {
    const { batch, resolveOffset, heartbeat, commitOffsetsIfNecessary, isRunning, isStale } =
      payload;
    const { topic, partition } = batch;
    const hooks = {
      assertRunning: () => {
        if (this.stopping) throw new Error('consumer stopping; the message will be redelivered');
      },
      heartbeat,
    };
    const size = this.definition.maxChunk ?? MAX_CHUNK;
    for (let start = 0; start < batch.messages.length; start += size) {
      if (!isRunning() || isStale()) return;
      const chunk: InboxMessage[] = batch.messages
        .slice(start, start + size)
        .map((message) => ({ topic, partition, message }));
      const results = await this.applier.applyBatch(chunk, hooks);
      for (let i = 0; i < chunk.length; i++) await this.settle(chunk[i], results[i]);
      resolveOffset(chunk[chunk.length - 1].message.offset);
      await commitOffsetsIfNecessary();
      await heartbeat();
    }
  }

  /** Counts an applied message, or dead-letters one that can never be applied. */
  private async settle(message: InboxMessage, result: ApplyResult): Promise<void> {
    const { topic } = message;
    switch (result.outcome) {
      case 'applied':
      case 'duplicate':
        eventsConsumed.inc({ topic, type: result.event.type, outcome: result.outcome });
        return;
      case 'ignored':
        eventsConsumed.inc({ topic, type: result.eventType, outcome: 'ignored' });
        return;
      case 'refused':
        if (result.kind === 'untrusted_source' || result.kind === 'wrong_topic')
          eventsRefused.inc({ topic, reason: result.kind });
        await this.deadLetter(message, result.error, 1, result.kind);
        return;
      case 'failed':
        await inCorrelationOf(result.event, () =>
          this.deadLetter(message, result.error, result.attempts, 'handler_failed', result.event),
        );
        return;
    }
  }

  private async deadLetter(
    payload: InboxMessage,
    error: unknown,
    attempts: number,
    kind: string,
    event?: CasebridgeEvent,
  ): Promise<void> {
    const { topic, partition, message } = payload;
    const reason = ((error as Error)?.message ?? String(error)).slice(0, 1000);
    const headers: IHeaders = {
      ...(message.headers ?? {}),
      [DeadLetterHeaders.error]: reason,
      [DeadLetterHeaders.errorKind]: kind,
      [DeadLetterHeaders.originalTopic]: topic,
      [DeadLetterHeaders.originalPartition]: String(partition),
      [DeadLetterHeaders.originalOffset]: message.offset,
      [DeadLetterHeaders.consumerGroup]: this.definition.groupId,
      [DeadLetterHeaders.attempts]: String(attempts),
      [DeadLetterHeaders.failedAt]: new Date().toISOString(),
    };
    await this.deps.producer.send(deadLetterTopic(topic), [
      { key: message.key, value: message.value, headers },
    ]);
    deadLetters.inc({ topic });
    eventsConsumed.inc({ topic, type: event?.type ?? 'unknown', outcome: 'dead_lettered' });
    this.logger.error(`dead-lettered ${topic}/${partition}@${message.offset} (${kind}): ${reason}`);
  }
}
