import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  BeforeApplicationShutdown,
} from '@nestjs/common';
import type { Message } from 'kafkajs';
import { DataSource } from 'typeorm';
import { eventsPublished, outboxBacklog } from '@casebridge/common';
import { KafkaProducer } from '../kafka/kafka-producer.service';
import { MESSAGING_OPTIONS, MessagingOptions } from '../messaging.options';
import { settleWithin } from '../shutdown';
import { listenerClientConfig, OutboxListener } from './outbox-listener';

/** Only one relay per database publishes at a time; the others wait their turn. */
const RELAY_LOCK = 7_262_022_002;
const BATCH_SIZE = 500;
const MAX_BACKOFF_MS = 5000;
const CLEANUP_EVERY_MS = 60_000;
const KEEP_PUBLISHED = '7 days';
/**
 * While notifications arrive, the relay still looks this often: a safety net, not the path
 * events take (a notification lost with its connection is made up for on reconnect).
 */
const NOTIFIED_FALLBACK_POLL_MS = 30_000;
/** While a send hangs (broker unreachable), the backlog gauge is refreshed this often. */
const MEASURE_BACKLOG_EVERY_MS = 5000;

interface OutboxRow {
  id: string;
  topic: string;
  message_key: string;
  event_type: string;
  headers: Record<string, string>;
  payload: unknown;
}

/**
 * Publishes outbox rows in id order (acks=all; see KafkaProducer) and marks them published in
 * the same transaction that claimed them. It selects every unpublished row on each pass, so a
 * row that commits late (with a lower id) is published on the next pass, never skipped. A crash
 * between send and commit republishes the batch: consumers deduplicate by event id.
 *
 * It is woken by the commits that add outbox rows (LISTEN/NOTIFY, see OutboxListener): idle, it
 * sends no query at all; it polls every `outboxPollMs` only while it cannot listen.
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(OutboxRelay.name);
  private running = false;
  private loop?: Promise<void>;
  private wake?: () => void;
  private lastCleanup = 0;
  private backlogTimer?: NodeJS.Timeout;
  private measuring = false;
  private sendInFlight = false;
  private listener?: OutboxListener;

  constructor(
    private readonly dataSource: DataSource,
    private readonly producer: KafkaProducer,
    @Inject(MESSAGING_OPTIONS) private readonly options: MessagingOptions,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.options.producesEvents) return;
    this.running = true;
    this.listener = new OutboxListener(
      () => listenerClientConfig(this.dataSource),
      (message) => this.logger.warn(message),
    );
    this.listener.start();
    this.loop = this.run();
    outboxBacklog.reset();
    // A pass blocked in a send (kafkajs retrying for many seconds) measures nothing itself;
    // otherwise the passes keep the gauge current and the timer queries nothing.
    this.backlogTimer = setInterval(() => {
      if (this.sendInFlight) void this.measureBacklog();
    }, MEASURE_BACKLOG_EVERY_MS);
    this.backlogTimer.unref();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.running = false;
    clearInterval(this.backlogTimer);
    this.wake?.();
    this.listener?.signal();
    await settleWithin(this.loop);
    await settleWithin(this.listener?.close());
  }

  private async run(): Promise<void> {
    let backoff = 200;
    while (this.running) {
      try {
        this.listener?.take();
        const published = await this.publishBatch();
        backoff = 200;
        if (published < BATCH_SIZE) await this.idle();
        await this.cleanup();
      } catch (error) {
        this.logger.warn(`outbox relay paused ${backoff} ms: ${(error as Error).message}`);
        await this.measureBacklog();
        await this.sleep(backoff);
        backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
      }
    }
  }

  /** One pass: claim the oldest unpublished rows, publish them, mark them. Returns how many. */
  async publishBatch(): Promise<number> {
    // Idle passes cost one index-only query, not a transaction.
    const [{ pending }] = await this.dataSource.query<{ pending: boolean }[]>(
      'SELECT EXISTS (SELECT 1 FROM outbox_event WHERE published_at IS NULL) AS pending',
    );
    if (!pending) {
      outboxBacklog.set(0);
      return 0;
    }
    return this.dataSource.transaction(async (manager) => {
      const [{ locked }] = await manager.query<{ locked: boolean }[]>(
        'SELECT pg_try_advisory_xact_lock($1) AS locked',
        [RELAY_LOCK],
      );
      if (!locked) return 0;
      const rows = await manager.query<OutboxRow[]>(
        `SELECT id, topic, message_key, event_type, headers, payload FROM outbox_event
         WHERE published_at IS NULL ORDER BY id LIMIT $1`,
        [BATCH_SIZE],
      );
      if (rows.length === 0) return 0;
      const byTopic = new Map<string, Message[]>();
      for (const row of rows) {
        const messages = byTopic.get(row.topic) ?? [];
        messages.push({
          key: row.message_key,
          value: JSON.stringify(row.payload),
          headers: row.headers,
        });
        byTopic.set(row.topic, messages);
      }
      this.sendInFlight = true;
      try {
        await this.producer.sendBatch(
          [...byTopic].map(([topic, messages]) => ({ topic, messages })),
        );
      } finally {
        this.sendInFlight = false;
      }
      await manager.query(
        'UPDATE outbox_event SET published_at = now() WHERE id = ANY($1::bigint[])',
        [rows.map((r) => r.id)],
      );
      for (const row of rows) eventsPublished.inc({ topic: row.topic, type: row.event_type });
      if (rows.length < BATCH_SIZE) {
        outboxBacklog.set(0);
      } else {
        const [{ backlog }] = await manager.query<{ backlog: string }[]>(
          'SELECT count(*) AS backlog FROM outbox_event WHERE published_at IS NULL',
        );
        outboxBacklog.set(Math.max(0, Number(backlog) - rows.length));
      }
      return rows.length;
    });
  }

  /** While publishing fails (broker down), the backlog is what operators watch grow. */
  private async measureBacklog(): Promise<void> {
    if (this.measuring || !this.running) return;
    this.measuring = true;
    try {
      const [{ backlog }] = await this.dataSource.query<{ backlog: string }[]>(
        'SELECT count(*) AS backlog FROM outbox_event WHERE published_at IS NULL',
      );
      outboxBacklog.set(Number(backlog));
    } catch {
      // the database is down too: nothing to measure
    } finally {
      this.measuring = false;
    }
  }

  private async cleanup(): Promise<void> {
    if (Date.now() - this.lastCleanup < CLEANUP_EVERY_MS) return;
    this.lastCleanup = Date.now();
    await this.dataSource.query(
      `DELETE FROM outbox_event WHERE published_at < now() - interval '${KEEP_PUBLISHED}'`,
    );
  }

  /** Until a commit adds outbox rows (or, while not listening, one poll interval). */
  private async idle(): Promise<void> {
    const listener = this.listener;
    if (listener?.listening) await listener.wait(NOTIFIED_FALLBACK_POLL_MS);
    else await this.sleep(this.options.outboxPollMs);
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}
