import type { KafkaMessage } from 'kafkajs';
import type { DataSource, EntityManager } from 'typeorm';
import { CasebridgeEvent, EventType } from '@casebridge/contracts';
import {
  isInfrastructureUnavailable,
  isRetryableConflict,
  runWithCorrelation,
} from '@casebridge/common';
import {
  decodeEvent,
  InvalidEventError,
  UnknownEventTypeError,
  UntrustedEventError,
  UntrustedReason,
} from '../cloud-event.codec';
import { eventRunsSplit } from '../messaging.metrics';

/** Applies one event inside the inbox transaction: use `manager` for every write. */
export type EventHandlers = {
  [T in EventType]?: (
    event: CasebridgeEvent<T>,
    manager: EntityManager,
    message: InboxMessage,
  ) => Promise<void>;
};

/** A handler of any event type (what the transport dispatches to). */
export type EventHandler = ((
  event: CasebridgeEvent,
  manager: EntityManager,
  message: InboxMessage,
) => Promise<void>) & {
  /**
   * Applies a run of fresh events at once, inside the inbox transaction: consecutive events of
   * one partition, in its order, each id once. Handlers sharing one batch function have their
   * events' runs passed together; the handler itself is what one message alone goes through.
   */
  batch?: EventBatchHandler;
};

/** Fresh events of one partition, in order, applied together (see EventHandler.batch). */
export type EventBatchHandler = (
  items: { event: CasebridgeEvent; message: InboxMessage }[],
  manager: EntityManager,
) => Promise<void>;

/** The handler of one message that applies it as a run of one through `batch`. */
export function batchEventHandler(batch: EventBatchHandler): EventHandler {
  return Object.assign(
    (event: CasebridgeEvent, manager: EntityManager, message: InboxMessage) =>
      batch([{ event, message }], manager),
    { batch },
  );
}

/**
 * Handlers of `types` that apply runs of events through `batch` (one message alone as a run of
 * one), for consumers whose writes are cheaper per batch than per event.
 */
export function batchedHandlers(
  types: readonly EventType[],
  batch: EventBatchHandler,
): EventHandlers {
  const handler = batchEventHandler(batch);
  return Object.fromEntries(types.map((type) => [type, handler]));
}

type Handler = EventHandler;

/** A message as read from a partition (a kafkajs eachMessage payload is one). */
export interface InboxMessage {
  topic: string;
  partition: number;
  message: KafkaMessage;
}

/** Why a message can never be applied: the live consumer dead-letters it under this kind. */
export type RefusalKind = 'invalid_message' | 'decode_failed' | UntrustedReason;

export type ApplyResult =
  | { outcome: 'applied' | 'duplicate'; event: CasebridgeEvent }
  /** A type this consumer does not know (a newer contract) or has no handler for. */
  | { outcome: 'ignored'; eventType: string }
  | { outcome: 'refused'; kind: RefusalKind; error: Error }
  /** The handler kept failing for maxAttempts attempts. */
  | { outcome: 'failed'; event: CasebridgeEvent; error: unknown; attempts: number };

export interface MessageApplierOptions {
  /** The consumer group the inbox records an event under. */
  groupId: string;
  handlers: EventHandlers;
  dataSource: DataSource;
  /** Attempts of a failing handler before the event counts as failed. */
  maxAttempts: number;
  /** The inbox table: `inbox_message`, or a rebuild's shadow copy of it. */
  inboxTable?: string;
  warn: (message: string) => void;
}

export interface ApplyHooks {
  /** Throws to give up, leaving the message unapplied (it is read again): before every attempt. */
  assertRunning?: () => void;
  /** Called after each wait between attempts (a consumer keeps its group membership). */
  heartbeat?: () => Promise<void>;
}

const MAX_BACKOFF_MS = 5000;

/** Runs `fn` in the event's correlation context: what a handler logs or emits carries it. */
export function inCorrelationOf<T>(event: CasebridgeEvent, fn: () => T): T {
  return runWithCorrelation(
    { correlationId: event.correlationId, causationId: event.id, traceparent: event.traceparent },
    fn,
  );
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Decodes a Kafka message (CloudEvents headers, JSON Schema, the topic owner's `ce_source`) and
 * applies it with exactly-once effect: its event id goes into the inbox in the same transaction
 * as the handler's writes, so a redelivery changes nothing. While the database is unreachable
 * or a conflict recurs, it retries without limit (it is not the message's fault); a handler that
 * keeps failing is given up after maxAttempts. Shared by the live consumers and the reporting
 * rebuild, which differ only in what they do with the results (dead letters, counts).
 */
export class MessageApplier {
  private readonly inboxTable: string;

  constructor(private readonly options: MessageApplierOptions) {
    this.inboxTable = options.inboxTable ?? 'inbox_message';
  }

  /** One message in a transaction of its own. */
  async apply(message: InboxMessage, hooks: ApplyHooks = {}): Promise<ApplyResult> {
    const decoded = this.decode(message);
    if ('outcome' in decoded) return decoded;
    return inCorrelationOf(decoded.event, () =>
      this.applyWithRetries(message, decoded.event, decoded.handler, hooks),
    );
  }

  /**
   * Messages of one partition, in order, in a single transaction; if that transaction fails
   * for another reason than the database's availability, they are applied one by one.
   */
  async applyBatch(messages: InboxMessage[], hooks: ApplyHooks = {}): Promise<ApplyResult[]> {
    const decoded = messages.map((m) => this.decode(m));
    const pending = decoded.flatMap((d, i) => ('outcome' in d ? [] : [{ ...d, i }]));
    const results: (ApplyResult | undefined)[] = decoded.map((d) =>
      'outcome' in d ? d : undefined,
    );
    if (pending.length > 1) {
      try {
        const outcomes = await this.transaction(async (manager) => {
          const fresh = await this.recordMany(
            manager,
            pending.map((p) => ({ message: messages[p.i], event: p.event })),
          );
          const done: ('applied' | 'duplicate')[] = [];
          // Consecutive fresh events whose handlers share a batch function go in one call.
          const run: { batch?: EventBatchHandler; items: Parameters<EventBatchHandler>[0] } = {
            items: [],
          };
          const flush = async () => {
            if (run.batch) await run.batch(run.items, manager);
            run.batch = undefined;
            run.items = [];
          };
          for (const p of pending) {
            // A fresh id is applied once, at its first occurrence in the batch (PostgreSQL
            // returns uuids in lower case, whatever case the event spelled its id in).
            if (!fresh.delete(p.event.id.toLowerCase())) {
              done.push('duplicate');
              continue;
            }
            const batch = p.handler.batch;
            if (batch) {
              if (run.batch !== batch) await flush();
              run.batch = batch;
              run.items.push({ event: p.event, message: messages[p.i] });
            } else {
              await flush();
              await inCorrelationOf(p.event, () => p.handler(p.event, manager, messages[p.i]));
            }
            done.push('applied');
          }
          await flush();
          return done;
        }, hooks);
        pending.forEach((p, j) => (results[p.i] = { outcome: outcomes[j], event: p.event }));
        return results as ApplyResult[];
      } catch {
        hooks.assertRunning?.();
        eventRunsSplit.inc({ group: this.options.groupId, topic: messages[0].topic });
      }
    }
    for (const p of pending)
      results[p.i] = await inCorrelationOf(p.event, () =>
        this.applyWithRetries(messages[p.i], p.event, p.handler, hooks),
      );
    return results as ApplyResult[];
  }

  private decode({
    topic,
    message,
  }: InboxMessage): { event: CasebridgeEvent; handler: Handler } | ApplyResult {
    let event: CasebridgeEvent;
    try {
      // With the topic: an event its owner cannot have sent is refused.
      event = decodeEvent(message, topic);
    } catch (error) {
      if (error instanceof UnknownEventTypeError)
        return { outcome: 'ignored', eventType: error.eventType };
      if (error instanceof UntrustedEventError)
        return { outcome: 'refused', kind: error.reason, error };
      const kind = error instanceof InvalidEventError ? 'invalid_message' : 'decode_failed';
      return {
        outcome: 'refused',
        kind,
        error: error instanceof Error ? error : new Error(String(error)),
      };
    }
    const handler = this.options.handlers[event.type] as Handler | undefined;
    if (!handler) return { outcome: 'ignored', eventType: event.type };
    return { event, handler };
  }

  private async applyWithRetries(
    message: InboxMessage,
    event: CasebridgeEvent,
    handler: Handler,
    hooks: ApplyHooks,
  ): Promise<ApplyResult> {
    let attempts = 0;
    let backoff = 100;
    for (;;) {
      hooks.assertRunning?.();
      try {
        const outcome = await this.options.dataSource.transaction((manager) =>
          this.record(manager, message, { event, handler }),
        );
        return { outcome, event };
      } catch (error) {
        if (isInfrastructureUnavailable(error) || isRetryableConflict(error)) {
          this.options.warn(
            `transient failure on ${event.type} ${event.id}, retrying in ${backoff} ms: ${(error as Error).message}`,
          );
        } else {
          attempts += 1;
          if (attempts >= this.options.maxAttempts)
            return { outcome: 'failed', event, error, attempts };
          this.options.warn(
            `attempt ${attempts} of ${event.type} ${event.id} failed: ${(error as Error).message}`,
          );
        }
        await sleep(backoff);
        backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
        await hooks.heartbeat?.();
      }
    }
  }

  /** The inbox row, then the handler's writes: a duplicate event id changes nothing. */
  private async record(
    manager: EntityManager,
    inboxMessage: InboxMessage,
    { event, handler }: { event: CasebridgeEvent; handler: Handler },
  ): Promise<'applied' | 'duplicate'> {
    const fresh = await this.recordMany(manager, [{ message: inboxMessage, event }]);
    if (fresh.size === 0) return 'duplicate';
    await handler(event, manager, inboxMessage);
    return 'applied';
  }

  /**
   * The inbox rows of a batch in one statement; returns the event ids that were not there yet
   * (an id twice in the batch comes back once). Rows go in in the batch's order, so two
   * instances inserting one partition's batch during a rebalance take their locks in the same
   * order: the second waits for the first, then finds every id taken.
   */
  private async recordMany(
    manager: EntityManager,
    batch: { message: InboxMessage; event: CasebridgeEvent }[],
  ): Promise<Set<string>> {
    const rows = await manager.query<{ event_id: string }[]>(
      `INSERT INTO ${this.inboxTable} (consumer_group, event_id, event_type, topic, partition, "offset")
       SELECT $1, e.id, e.type, e.topic, e.partition, e.off
       FROM unnest($2::uuid[], $3::text[], $4::text[], $5::int[], $6::bigint[])
         WITH ORDINALITY AS e(id, type, topic, partition, off, n)
       ORDER BY e.n
       ON CONFLICT DO NOTHING RETURNING event_id`,
      [
        this.options.groupId,
        batch.map((b) => b.event.id),
        batch.map((b) => b.event.type),
        batch.map((b) => b.message.topic),
        batch.map((b) => b.message.partition),
        batch.map((b) => b.message.message.offset),
      ],
    );
    return new Set(rows.map((r) => r.event_id.toLowerCase()));
  }

  /** A transaction retried for as long as the database is unreachable or a conflict recurs. */
  private async transaction<T>(
    work: (manager: EntityManager) => Promise<T>,
    hooks: ApplyHooks,
  ): Promise<T> {
    let backoff = 100;
    for (;;) {
      hooks.assertRunning?.();
      try {
        return await this.options.dataSource.transaction(work);
      } catch (error) {
        if (!isInfrastructureUnavailable(error) && !isRetryableConflict(error)) throw error;
        this.options.warn(
          `database busy or unreachable, retrying in ${backoff} ms: ${(error as Error).message}`,
        );
        await sleep(backoff);
        backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
        await hooks.heartbeat?.();
      }
    }
  }
}
