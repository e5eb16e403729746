import { randomUUID } from 'node:crypto';
import type { Kafka, Message } from 'kafkajs';
import { isInfrastructureUnavailable } from '@casebridge/common';
import { DeadLetter, originalMessage, PlannedDeadLetter, readDeadLetter } from './dead-letters';

/** A dead-letter topic goes this long without a message before the read gives up. */
const READ_IDLE_TIMEOUT_MS = 30_000;
const SEND_ATTEMPTS = 5;

export interface ReadResult {
  letters: DeadLetter[];
  /** Messages in the chosen range when the read started (what `letters` has when complete). */
  total: number;
  stopped: boolean;
}

/**
 * Reads `topic` from `from` (default: its beginning) up to `to` (inclusive) or its end offsets
 * at the time of the call, never waiting for more. Reads as a throwaway consumer group of the
 * admin principal, deleted afterwards; commits nothing.
 */
export async function readDeadLetters(
  kafka: Kafka,
  topic: string,
  range: { from?: bigint; to?: bigint },
  signal: AbortSignal,
  progress: (read: number, total: number) => void,
): Promise<ReadResult> {
  const admin = kafka.admin();
  await admin.connect();
  const groupId = `casebridge-dlq-redrive-${randomUUID()}`;
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    /** Per partition: next offset wanted, and the end (exclusive). */
    const pending = new Map<number, { next: bigint; end: bigint }>();
    for (const o of offsets) {
      const low = BigInt(o.low);
      const high = BigInt(o.high);
      const start = range.from !== undefined && range.from > low ? range.from : low;
      const end = range.to !== undefined && range.to + 1n < high ? range.to + 1n : high;
      if (start < end) pending.set(o.partition, { next: start, end });
    }
    const total = [...pending.values()].reduce((n, p) => n + Number(p.end - p.next), 0);
    const letters: DeadLetter[] = [];
    if (total === 0 || signal.aborted) return { letters, total, stopped: signal.aborted };

    const consumer = kafka.consumer({
      groupId,
      maxWaitTimeInMs: 500,
      allowAutoTopicCreation: false,
    });
    await consumer.connect();
    try {
      await consumer.subscribe({ topic, fromBeginning: true });
      const stopped = await new Promise<boolean>((resolve, reject) => {
        let idle: NodeJS.Timeout;
        const armIdle = () => {
          clearTimeout(idle);
          idle = setTimeout(
            () =>
              reject(
                new Error(
                  `${topic} gave nothing for ${READ_IDLE_TIMEOUT_MS / 1000} s after ${letters.length} of ${total} messages; is the broker reachable?`,
                ),
              ),
            READ_IDLE_TIMEOUT_MS,
          );
        };
        const onAbort = () => {
          clearTimeout(idle);
          resolve(true);
        };
        signal.addEventListener('abort', onAbort, { once: true });
        armIdle();
        consumer
          .run({
            autoCommit: false,
            eachBatchAutoResolve: false,
            eachBatch: async ({ batch }) => {
              const wanted = pending.get(batch.partition);
              if (!wanted || signal.aborted) return;
              for (const message of batch.messages) {
                const offset = BigInt(message.offset);
                if (offset < wanted.next || offset >= wanted.end) continue;
                letters.push(readDeadLetter(batch.partition, message));
                wanted.next = offset + 1n;
              }
              armIdle();
              // Offsets may have gaps (deleted records); what is left of the range is the rest.
              if (wanted.next >= wanted.end || BigInt(batch.highWatermark) <= wanted.next)
                pending.delete(batch.partition);
              progress(letters.length, total);
              if (pending.size === 0) {
                clearTimeout(idle);
                signal.removeEventListener('abort', onAbort);
                resolve(false);
              }
              return Promise.resolve();
            },
          })
          .then(() => {
            // Starts at the range, not at the beginning (what fetched before the seek is skipped).
            for (const [partition, { next }] of pending)
              consumer.seek({ topic, partition, offset: next.toString() });
          })
          .catch(reject);
      });
      letters.sort(
        (a, b) => a.partition - b.partition || Number(BigInt(a.offset) - BigInt(b.offset)),
      );
      return { letters, total, stopped };
    } finally {
      await consumer.disconnect();
    }
  } finally {
    await admin.deleteGroups([groupId]).catch(() => undefined);
    await admin.disconnect();
  }
}

/** What publishes one message with acks=all (the project's KafkaProducer). */
export interface MessageSender {
  send(topic: string, messages: Message[]): Promise<void>;
}

export interface RedriveResult {
  redriven: number;
  stopped: boolean;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Re-publishes the planned dead letters to `topic`, one at a time and in order, each confirmed by
 * every in-sync replica before the next; stops between two messages when `signal` aborts. A send
 * the broker did not confirm is tried again, up to SEND_ATTEMPTS while the broker is unreachable:
 * one that reached it anyway is applied once (same event id).
 */
export async function redriveDeadLetters(
  sender: MessageSender,
  topic: string,
  planned: PlannedDeadLetter[],
  signal: AbortSignal,
  onRedriven: (item: PlannedDeadLetter, index: number, count: number) => void,
): Promise<RedriveResult> {
  const chosen = planned.filter((p) => !p.skip);
  let redriven = 0;
  for (const item of chosen) {
    if (signal.aborted) return { redriven, stopped: true };
    const message = originalMessage(item.letter);
    for (let attempt = 1; ; attempt++) {
      try {
        await sender.send(topic, [message]);
        break;
      } catch (error) {
        if (attempt >= SEND_ATTEMPTS || !isInfrastructureUnavailable(error)) throw error;
        await sleep(500 * 2 ** (attempt - 1));
      }
    }
    redriven += 1;
    onRedriven(item, redriven, chosen.length);
  }
  return { redriven, stopped: false };
}
