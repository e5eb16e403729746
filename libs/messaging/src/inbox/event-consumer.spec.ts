import { randomUUID } from 'node:crypto';
import type { EachBatchPayload, EachMessagePayload, Kafka, Message } from 'kafkajs';
import type { DataSource } from 'typeorm';
import {
  ASSIGNMENT_EVENTS_TOPIC,
  CASE_EVENTS_TOPIC,
  DeadLetterHeaders,
  deadLetterTopic,
  EventSources,
  EventTypes,
} from '@casebridge/contracts';
import { buildHeaders } from '../cloud-event.codec';
import type { KafkaAdmin } from '../kafka/kafka-admin.service';
import type { KafkaProducer } from '../kafka/kafka-producer.service';
import { eventsRefused } from '../messaging.metrics';
import { batchOf } from '../../../../test/support/kafka-batch';
import { EventConsumer, MAX_CHUNK } from './event-consumer';

type CrashListener = (event: { payload: { error: Error; restart: boolean } }) => void;

/** Just enough of kafkajs's instrumentation events: the CRASH listeners, for tests to fire. */
function crashEvents() {
  const listeners: CrashListener[] = [];
  return {
    events: { CRASH: 'consumer.crash' },
    on: (_event: string, listener: CrashListener) => {
      listeners.push(listener);
      return () => undefined;
    },
    crash: (restart: boolean) =>
      listeners.forEach((l) => l({ payload: { error: new Error('crashed'), restart } })),
  };
}

/** A kafkajs consumer that connects (after `failures` refusals) and then idles. */
function fakeKafka(failures = 0): {
  kafka: Kafka;
  runs: () => number;
  crash: (restart: boolean) => void;
} {
  let attempts = 0;
  let runs = 0;
  const instrumentation = crashEvents();
  const consumer = {
    ...instrumentation,
    connect: () => {
      attempts += 1;
      return attempts <= failures
        ? Promise.reject(new Error('broker unreachable'))
        : Promise.resolve();
    },
    subscribe: () => Promise.resolve(),
    run: () => {
      runs += 1;
      return Promise.resolve();
    },
    disconnect: () => Promise.resolve(),
  };
  return {
    kafka: { consumer: () => consumer } as unknown as Kafka,
    runs: () => runs,
    crash: instrumentation.crash,
  };
}

function consumerWith(kafka: Kafka, refreshLag: jest.Mock): EventConsumer {
  return new EventConsumer(
    { groupId: 'casebridge-test', topics: ['casebridge.case-events.v1'], handlers: {} },
    {
      kafka,
      dataSource: {} as DataSource,
      producer: {} as KafkaProducer,
      admin: { refreshLag } as unknown as KafkaAdmin,
      maxAttempts: 5,
    },
  );
}

describe('EventConsumer start-up', () => {
  it('measures the consumer lag as soon as it runs, not one refresh period later', async () => {
    const refreshLag = jest.fn().mockResolvedValue(undefined);
    const { kafka, runs } = fakeKafka();
    const consumer = consumerWith(kafka, refreshLag);
    consumer.start();
    await consumer.ready();
    await Promise.resolve();
    expect(runs()).toBe(1);
    expect(refreshLag).toHaveBeenCalledTimes(1);
    expect(refreshLag).toHaveBeenCalledWith('casebridge-test', ['casebridge.case-events.v1']);
    await consumer.stop();
  });

  it('starts a consumer again that kafkajs gave up on after a crash, and leaves kafkajs its own restarts', async () => {
    const { kafka, runs, crash } = fakeKafka();
    const consumer = consumerWith(kafka, jest.fn().mockResolvedValue(undefined));
    consumer.start();
    await consumer.ready();
    expect(runs()).toBe(1);
    crash(true); // kafkajs restarts this one itself
    await consumer.ready();
    expect(runs()).toBe(1);
    crash(false); // kafkajs stays down after this one
    await consumer.ready();
    expect(runs()).toBe(2);
    await consumer.stop();
    crash(false); // a crash while stopping is the end
    expect(runs()).toBe(2);
  });

  it('does not measure before the consumer could connect', async () => {
    const refreshLag = jest.fn().mockResolvedValue(undefined);
    const { kafka } = fakeKafka(1);
    const consumer = consumerWith(kafka, refreshLag);
    consumer.start();
    expect(refreshLag).not.toHaveBeenCalled();
    await consumer.ready(); // after one refusal and a 500 ms back-off
    await Promise.resolve();
    expect(refreshLag).toHaveBeenCalledTimes(1);
    await consumer.stop();
  });
});

/** A kafkajs consumer that hands the test a way to deliver one message through `eachBatch`. */
function capturingKafka(): {
  kafka: Kafka;
  eachBatch: () => (p: EachBatchPayload) => Promise<void>;
  eachMessage: () => (p: EachMessagePayload) => Promise<void>;
} {
  let handler: ((p: EachBatchPayload) => Promise<void>) | undefined;
  const consumer = {
    ...crashEvents(),
    connect: () => Promise.resolve(),
    subscribe: () => Promise.resolve(),
    run: ({ eachBatch }: { eachBatch: (p: EachBatchPayload) => Promise<void> }) => {
      handler = eachBatch;
      return Promise.resolve();
    },
    disconnect: () => Promise.resolve(),
  };
  const eachBatch = () => {
    if (!handler) throw new Error('the consumer is not running');
    return handler;
  };
  return {
    kafka: { consumer: () => consumer } as unknown as Kafka,
    eachBatch,
    eachMessage: () => {
      const deliver = eachBatch();
      return (p: EachMessagePayload) => deliver(batchOf([p]));
    },
  };
}

function assignedMessage(caseId: string, source: string): EachMessagePayload['message'] {
  const data = {
    caseId,
    hostCountry: 'KZ',
    consulateId: 'KZ-ALA',
    caseworkerId: null,
    assignedAt: '2026-01-05T10:00:00.000Z',
    reason: 'transferred',
    previous: null,
    sequence: 99,
  };
  return {
    key: Buffer.from(caseId),
    value: Buffer.from(JSON.stringify(data)),
    headers: buildHeaders(randomUUID(), EventTypes.CaseAssigned, source, caseId, {
      correlationId: 'forged',
    }),
    offset: '7',
    timestamp: '0',
    attributes: 0,
  };
}

async function refusedCount(topic: string, reason: string): Promise<number> {
  const metric = await eventsRefused.get();
  return (
    metric.values.find((v) => v.labels.topic === topic && v.labels.reason === reason)?.value ?? 0
  );
}

describe('EventConsumer trust', () => {
  const handler = jest.fn().mockResolvedValue(undefined);
  const transaction = jest.fn((work: (m: unknown) => Promise<unknown>) =>
    work({ query: jest.fn().mockResolvedValue([{ event_id: 'x' }]) }),
  );
  const send = jest.fn().mockResolvedValue(undefined);

  async function runningConsumer(topics: string[]) {
    const { kafka, eachMessage } = capturingKafka();
    const consumer = new EventConsumer(
      {
        groupId: 'casebridge-intake',
        topics,
        handlers: { [EventTypes.CaseAssigned]: handler },
      },
      {
        kafka,
        dataSource: { transaction } as unknown as DataSource,
        producer: { send } as unknown as KafkaProducer,
        admin: { refreshLag: jest.fn().mockResolvedValue(undefined) } as unknown as KafkaAdmin,
        maxAttempts: 5,
      },
    );
    consumer.start();
    await consumer.ready();
    return { consumer, eachMessage: eachMessage() };
  }

  function payload(topic: string, message: EachMessagePayload['message']): EachMessagePayload {
    return { topic, partition: 2, message, heartbeat: jest.fn(), pause: jest.fn() };
  }

  beforeEach(() => jest.clearAllMocks());

  it('refuses a case.assigned whose ce_source is not the assignment service: dead-lettered, counted, not applied', async () => {
    const { consumer, eachMessage } = await runningConsumer([ASSIGNMENT_EVENTS_TOPIC]);
    const before = await refusedCount(ASSIGNMENT_EVENTS_TOPIC, 'untrusted_source');
    const caseId = randomUUID();
    await eachMessage(
      payload(ASSIGNMENT_EVENTS_TOPIC, assignedMessage(caseId, EventSources.reporting)),
    );

    expect(transaction).not.toHaveBeenCalled();
    expect(handler).not.toHaveBeenCalled();
    expect(send).toHaveBeenCalledTimes(1);
    const [topic, [letter]] = send.mock.calls[0] as [string, Message[]];
    expect(topic).toBe(deadLetterTopic(ASSIGNMENT_EVENTS_TOPIC));
    expect(letter.key?.toString()).toBe(caseId);
    expect(letter.headers?.[DeadLetterHeaders.errorKind]).toBe('untrusted_source');
    expect(letter.headers?.[DeadLetterHeaders.error]).toContain(EventSources.assignment);
    expect(letter.headers?.[DeadLetterHeaders.originalOffset]).toBe('7');
    expect(await refusedCount(ASSIGNMENT_EVENTS_TOPIC, 'untrusted_source')).toBe(before + 1);
    await consumer.stop();
  });

  it('refuses an event of another topic even from that topic’s owner', async () => {
    const { consumer, eachMessage } = await runningConsumer([CASE_EVENTS_TOPIC]);
    const before = await refusedCount(CASE_EVENTS_TOPIC, 'wrong_topic');
    // intake may write case-events, but case.assigned is assignment's to publish.
    await eachMessage(
      payload(CASE_EVENTS_TOPIC, assignedMessage(randomUUID(), EventSources.intake)),
    );

    expect(handler).not.toHaveBeenCalled();
    const [topic, [letter]] = send.mock.calls[0] as [string, Message[]];
    expect(topic).toBe(deadLetterTopic(CASE_EVENTS_TOPIC));
    expect(letter.headers?.[DeadLetterHeaders.errorKind]).toBe('wrong_topic');
    expect(await refusedCount(CASE_EVENTS_TOPIC, 'wrong_topic')).toBe(before + 1);
    await consumer.stop();
  });

  it('applies the same event from the topic’s owner', async () => {
    const { consumer, eachMessage } = await runningConsumer([ASSIGNMENT_EVENTS_TOPIC]);
    await eachMessage(
      payload(ASSIGNMENT_EVENTS_TOPIC, assignedMessage(randomUUID(), EventSources.assignment)),
    );
    expect(handler).toHaveBeenCalledTimes(1);
    expect(send).not.toHaveBeenCalled();
    await consumer.stop();
  });
});

describe('EventConsumer batches', () => {
  /** A consumer whose handler fails for the listed case ids; counts transactions. */
  async function batchConsumer(poison: Set<string>, maxChunk?: number) {
    const { kafka, eachBatch } = capturingKafka();
    const applied: string[] = [];
    const inbox = new Set<string>();
    let transactions = 0;
    const handler = jest.fn((event: { subject: string }) => {
      if (poison.has(event.subject)) return Promise.reject(new Error('handler bug'));
      applied.push(event.subject);
      return Promise.resolve();
    });
    const send = jest.fn().mockResolvedValue(undefined);
    const eventConsumer = new EventConsumer(
      {
        groupId: 'casebridge-intake',
        topics: [ASSIGNMENT_EVENTS_TOPIC],
        handlers: { [EventTypes.CaseAssigned]: handler },
        maxChunk,
      },
      {
        kafka,
        dataSource: {
          transaction: async (work: (m: unknown) => Promise<unknown>) => {
            transactions += 1;
            const before = applied.length;
            const inserted: string[] = [];
            // The inbox insert: the event ids come as an array (one statement for any number).
            const query = (_sql: string, params: unknown[]) => {
              const ids = params[1] as string[];
              const fresh = ids.filter((id) => !inbox.has(id) && !inserted.includes(id));
              inserted.push(...fresh);
              return Promise.resolve([...new Set(fresh)].map((event_id) => ({ event_id })));
            };
            try {
              const result = await work({ query });
              for (const id of inserted) inbox.add(id);
              return result;
            } catch (error) {
              applied.length = before; // rolled back
              throw error;
            }
          },
        } as unknown as DataSource,
        producer: { send } as unknown as KafkaProducer,
        admin: { refreshLag: jest.fn().mockResolvedValue(undefined) } as unknown as KafkaAdmin,
        maxAttempts: 2,
      },
    );
    eventConsumer.start();
    await eventConsumer.ready();
    return {
      inbox,
      deliver: eachBatch(),
      applied,
      transactions: () => transactions,
      send,
      stop: () => eventConsumer.stop(),
    };
  }

  const batchOfCases = (ids: string[]) =>
    ids.map((id, i) => ({
      topic: ASSIGNMENT_EVENTS_TOPIC,
      partition: 0,
      message: { ...assignedMessage(id, EventSources.assignment), offset: String(10 + i) },
      heartbeat: jest.fn(),
      pause: jest.fn(),
    }));

  it('applies what a fetch returned for a partition in one transaction, in order, and resolves its last offset', async () => {
    const c = await batchConsumer(new Set());
    const ids = Array.from({ length: 5 }, () => randomUUID());
    const resolved: string[] = [];
    await c.deliver(batchOf(batchOfCases(ids), resolved));
    expect(c.applied).toEqual(ids);
    expect(c.transactions()).toBe(1);
    expect(resolved).toEqual(['14']);
    expect(c.send).not.toHaveBeenCalled();
    await c.stop();
  });

  it(`applies a fetch in chunks of ${MAX_CHUNK} messages, or of the consumer's maxChunk, each committed`, async () => {
    const ids = Array.from({ length: MAX_CHUNK + 3 }, () => randomUUID());
    const byDefault = await batchConsumer(new Set());
    const resolved: string[] = [];
    await byDefault.deliver(batchOf(batchOfCases(ids), resolved));
    expect(byDefault.applied).toEqual(ids);
    expect(byDefault.transactions()).toBe(2);
    expect(resolved).toEqual([String(10 + MAX_CHUNK - 1), String(10 + MAX_CHUNK + 2)]);
    await byDefault.stop();

    const larger = await batchConsumer(new Set(), MAX_CHUNK + 3);
    await larger.deliver(batchOf(batchOfCases(ids)));
    expect(larger.applied).toEqual(ids);
    expect(larger.transactions()).toBe(1);
    await larger.stop();

    const smaller = await batchConsumer(new Set(), 2);
    await smaller.deliver(batchOf(batchOfCases(ids.slice(0, 5))));
    expect(smaller.transactions()).toBe(3);
    await smaller.stop();
  });

  it('applies an event once when the batch holds it twice or the inbox already has it', async () => {
    const c = await batchConsumer(new Set());
    const ids = Array.from({ length: 3 }, () => randomUUID());
    const messages = batchOfCases(ids);
    // The second message repeats the first event (a relay's re-sent batch); the third was applied before.
    messages[1].message = { ...messages[0].message, offset: messages[1].message.offset };
    c.inbox.add(String(messages[2].message.headers?.ce_id));
    await c.deliver(batchOf(messages));
    expect(c.applied).toEqual([ids[0]]);
    expect(c.transactions()).toBe(1);
    await c.stop();
  });

  it('isolates a poison message: the others are applied in order, it alone is dead-lettered', async () => {
    const ids = Array.from({ length: 4 }, () => randomUUID());
    const c = await batchConsumer(new Set([ids[1]]));
    const resolved: string[] = [];
    await c.deliver(batchOf(batchOfCases(ids), resolved));
    expect(c.applied).toEqual([ids[0], ids[2], ids[3]]);
    expect(c.send).toHaveBeenCalledTimes(1);
    const [topic, [letter]] = c.send.mock.calls[0] as [string, Message[]];
    expect(topic).toBe(deadLetterTopic(ASSIGNMENT_EVENTS_TOPIC));
    expect(letter.key?.toString()).toBe(ids[1]);
    expect(letter.headers?.[DeadLetterHeaders.originalOffset]).toBe('11');
    expect(letter.headers?.[DeadLetterHeaders.attempts]).toBe('2');
    expect(resolved).toEqual(['13']);
    await c.stop();
  });
});
