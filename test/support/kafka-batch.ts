import type { EachBatchPayload, EachMessagePayload } from 'kafkajs';

/**
 * What kafkajs hands `eachBatch` for a fetch that returned these messages of one partition, for
 * fakes of the consumer: `resolved` lists the offsets the consumer resolved, in order.
 */
export function batchOf(messages: EachMessagePayload[], resolved: string[] = []): EachBatchPayload {
  const [{ topic, partition }] = messages;
  const last = messages[messages.length - 1].message.offset;
  return {
    batch: {
      topic,
      partition,
      highWatermark: String(Number(last) + 1),
      messages: messages.map((m) => m.message),
      isEmpty: () => messages.length === 0,
      firstOffset: () => messages[0].message.offset,
      lastOffset: () => last,
      offsetLag: () => '0',
      offsetLagLow: () => '0',
    },
    resolveOffset: (offset: string) => void resolved.push(offset),
    heartbeat: () => Promise.resolve(),
    pause: () => () => undefined,
    commitOffsetsIfNecessary: () => Promise.resolve(),
    uncommittedOffsets: () => ({ topics: [] }),
    isRunning: () => true,
    isStale: () => false,
  };
}
