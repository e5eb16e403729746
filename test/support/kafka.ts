import { randomUUID } from 'node:crypto';
import { Partitioners, type IHeaders, type Producer } from 'kafkajs';
import { EVENT_TOPIC_OF, EventDataMap, EventType, TOPIC_OWNER } from '@casebridge/contracts';
import { buildHeaders } from '@casebridge/messaging';
import { kafkaClient } from './infra';

export interface ReadMessage {
  partition: number;
  offset: string;
  key: string | null;
  value: string | null;
  headers: Record<string, string>;
}

let producer: Producer | undefined;

async function testProducer(): Promise<Producer> {
  if (!producer) {
    producer = kafkaClient('casebridge-test-producer').producer({
      idempotent: true,
      maxInFlightRequests: 1,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    await producer.connect();
  }
  return producer;
}

export async function disconnectTestProducer(): Promise<void> {
  await producer?.disconnect();
  producer = undefined;
}

/**
 * Produces a valid CloudEvent (binary mode) of `type` with `data`, keyed by its case id, from its
 * topic's owner unless `source` says otherwise.
 */
export async function produceEvent<T extends EventType>(
  type: T,
  data: EventDataMap[T],
  options: { id?: string; source?: string; correlationId?: string } = {},
): Promise<string> {
  const id = options.id ?? randomUUID();
  const topic = EVENT_TOPIC_OF[type];
  const headers = buildHeaders(id, type, options.source ?? TOPIC_OWNER[topic], data.caseId, {
    correlationId: options.correlationId ?? id,
  });
  await (
    await testProducer()
  ).send({
    topic,
    acks: -1,
    messages: [{ key: data.caseId, value: JSON.stringify(data), headers }],
  });
  return id;
}

/**
 * Produces many valid CloudEvents, each from its topic's owner, in batches of a few thousand
 * (what a backlog of tens of thousands of events needs; produceEvent sends one at a time).
 */
export async function produceEvents(
  events: { id: string; type: EventType; data: EventDataMap[EventType] }[],
): Promise<void> {
  const byTopic = new Map<string, { key: string; value: string; headers: IHeaders }[]>();
  for (const e of events) {
    const topic = EVENT_TOPIC_OF[e.type];
    const messages = byTopic.get(topic) ?? [];
    messages.push({
      key: e.data.caseId,
      value: JSON.stringify(e.data),
      headers: buildHeaders(e.id, e.type, TOPIC_OWNER[topic], e.data.caseId, {
        correlationId: e.id,
      }),
    });
    byTopic.set(topic, messages);
  }
  const p = await testProducer();
  for (const [topic, messages] of byTopic)
    for (let i = 0; i < messages.length; i += 4000)
      await p.send({ topic, acks: -1, messages: messages.slice(i, i + 4000) });
}

/** Produces an arbitrary message, e.g. a malformed one, to the given partition if any. */
export async function produceRaw(
  topic: string,
  message: { key?: string; value: string | null; headers?: IHeaders; partition?: number },
): Promise<void> {
  await (
    await testProducer()
  ).send({
    topic,
    acks: -1,
    messages: [
      {
        key: message.key ?? null,
        value: message.value,
        headers: message.headers,
        partition: message.partition,
      },
    ],
  });
}

function decodeHeaders(headers: IHeaders | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers ?? {})) {
    const first = Array.isArray(v) ? v[0] : v;
    if (first !== undefined)
      out[k] = Buffer.isBuffer(first) ? first.toString('utf8') : String(first);
  }
  return out;
}

/** Reads every message of `topic` from the start up to its end offsets at the time of the call. */
export async function readAll(topic: string): Promise<ReadMessage[]> {
  const kafka = kafkaClient();
  const admin = kafka.admin();
  await admin.connect();
  const ends = await admin.fetchTopicOffsets(topic);
  await admin.disconnect();
  const remaining = new Map(
    ends.filter((e) => Number(e.high) > Number(e.low)).map((e) => [e.partition, Number(e.high)]),
  );
  const messages: ReadMessage[] = [];
  if (remaining.size === 0) return messages;
  const consumer = kafka.consumer({ groupId: `test-reader-${randomUUID()}`, maxWaitTimeInMs: 200 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`reading ${topic} timed out`)), 60_000);
    consumer
      .run({
        eachMessage: async ({ partition, message }) => {
          const end = remaining.get(partition);
          if (end === undefined || Number(message.offset) >= end) return;
          messages.push({
            partition,
            offset: message.offset,
            key: message.key?.toString('utf8') ?? null,
            value: message.value?.toString('utf8') ?? null,
            headers: decodeHeaders(message.headers),
          });
          if (Number(message.offset) + 1 >= end) remaining.delete(partition);
          if (remaining.size === 0) {
            clearTimeout(timer);
            resolve();
          }
          return Promise.resolve();
        },
      })
      .catch(reject);
  });
  await consumer.disconnect();
  return messages;
}
