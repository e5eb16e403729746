import type { Kafka, Message, Producer, ProducerConfig, RetryOptions } from 'kafkajs';
import { KafkaProducer, PRODUCER_CONFIG } from './kafka-producer.service';

type SendMessages = (args: {
  acks: number;
  topicMessages: { topic: string; messages: Message[] }[];
}) => Promise<unknown>;
/* eslint-disable @typescript-eslint/no-require-imports -- kafkajs's own send and retry code, not exported */
const createSendMessages = require('kafkajs/src/producer/sendMessages') as (options: {
  logger: unknown;
  cluster: unknown;
  partitioner: (args: { message: Message }) => number;
  eosManager: unknown;
  retrier: unknown;
}) => SendMessages;
const createRetry = require('kafkajs/src/retry') as (options: RetryOptions) => unknown;
/* eslint-enable @typescript-eslint/no-require-imports */

/**
 * kafkajs's send over a two-broker cluster: broker 1 leads partition 0 and dies on its first
 * request; the refreshed metadata then names broker 2, which leads partition 1 and answers, as
 * the leader of both. Returns what each broker wrote.
 */
function sendOverFailingLeader(retries: number) {
  const written: Record<number, number[]> = { 1: [], 2: [] };
  const leaders: Record<number, number> = { 0: 1, 1: 2 };
  const broker = (nodeId: number) => ({
    nodeId,
    produce: ({
      topicData,
    }: {
      topicData: { topic: string; partitions: { partition: number }[] }[];
    }) => {
      if (nodeId === 1) {
        const error = new Error('Closed connection');
        error.name = 'KafkaJSConnectionClosedError';
        return Promise.reject(error);
      }
      for (const { partitions } of topicData)
        for (const { partition } of partitions) written[nodeId].push(partition);
      return Promise.resolve({
        topics: topicData.map(({ topic, partitions }) => ({
          topicName: topic,
          partitions: partitions.map(({ partition }) => ({
            partition,
            errorCode: 0,
            baseOffset: '0',
          })),
        })),
      });
    },
  });
  const brokers = { 1: broker(1), 2: broker(2) };
  const cluster = {
    refreshMetadataIfNecessary: () => Promise.resolve(),
    refreshMetadata: () => {
      leaders[0] = 2;
      return Promise.resolve();
    },
    addMultipleTargetTopics: () => Promise.resolve(),
    isConnected: () => true,
    removeBroker: () => undefined,
    findTopicPartitionMetadata: () => [
      { partitionId: 0, leader: leaders[0] },
      { partitionId: 1, leader: leaders[1] },
    ],
    findLeaderForPartitions: (_topic: string, partitions: string[]) => {
      const byLeader: Record<number, number[]> = {};
      for (const p of partitions.map(Number)) (byLeader[leaders[p]] ??= []).push(p);
      return byLeader;
    },
    findBroker: ({ nodeId }: { nodeId: number }) => Promise.resolve(brokers[nodeId as 1 | 2]),
  };
  const send = createSendMessages({
    logger: { debug: () => undefined, error: () => undefined },
    cluster,
    partitioner: ({ message }) => message.partition!,
    eosManager: {
      isTransactional: () => false,
      acquireBrokerLock: () => Promise.resolve(),
      releaseBrokerLock: () => Promise.resolve(),
      getSequence: () => 0,
      updateSequence: () => undefined,
      getProducerId: () => -1,
      getProducerEpoch: () => 0,
    },
    retrier: createRetry({ retries, initialRetryTime: 1, maxRetryTime: 5 }),
  });
  const sending = send({
    acks: -1,
    topicMessages: [
      {
        topic: 't',
        messages: [
          { partition: 0, value: 'a' },
          { partition: 1, value: 'b' },
        ],
      },
    ],
  });
  return { sending, written };
}

/** kafkajs producers that fail their first `failures` sends, counting how many were made. */
function fakeKafka(failures: number) {
  let sends = 0;
  const made: { disconnected: boolean; config: ProducerConfig }[] = [];
  const kafka = {
    producer: (config: ProducerConfig) => {
      const state = { disconnected: false, config };
      made.push(state);
      return {
        events: { DISCONNECT: 'producer.disconnect' },
        on: () => () => undefined,
        connect: () => Promise.resolve(),
        disconnect: () => {
          state.disconnected = true;
          return Promise.resolve();
        },
        sendBatch: () =>
          ++sends <= failures
            ? Promise.reject(new Error('Closed connection'))
            : Promise.resolve([]),
        send: () =>
          ++sends <= failures
            ? Promise.reject(new Error('Closed connection'))
            : Promise.resolve([]),
      } as unknown as Producer;
    },
  } as unknown as Kafka;
  return { kafka, made };
}

describe('KafkaProducer', () => {
  const batch = [{ topic: 'casebridge.case-events.v1', messages: [{ key: 'k', value: 'v' }] }];

  it('keeps one producer while sends succeed', async () => {
    const { kafka, made } = fakeKafka(0);
    const producer = new KafkaProducer(kafka);
    await producer.sendBatch(batch);
    await producer.send('casebridge.case-events.v1.dlq', [{ value: 'x' }]);
    expect(made).toHaveLength(1);
  });

  it('builds a producer that makes one attempt per send, so that no retry of kafkajs drops a partition', async () => {
    const { kafka, made } = fakeKafka(0);
    await new KafkaProducer(kafka).sendBatch(batch);
    expect(made[0].config).toBe(PRODUCER_CONFIG);
    expect(PRODUCER_CONFIG.retry?.retries).toBe(0);
    expect(PRODUCER_CONFIG.maxInFlightRequests).toBe(1);
  });

  it('kafkajs, retrying, drops the messages of a partition whose new leader had already answered (why it may not retry)', async () => {
    const { sending, written } = sendOverFailingLeader(3);
    await expect(sending).resolves.toBeDefined();
    // Partition 0's message was never written anywhere, and the send resolved.
    expect(written).toEqual({ 1: [], 2: [1] });
  });

  it('with the configured single attempt, kafkajs reports that send as failed', async () => {
    const { sending } = sendOverFailingLeader(PRODUCER_CONFIG.retry!.retries!);
    await expect(sending).rejects.toThrow('Closed connection');
  });

  it('retries a failed send with a new producer, never the one that just lost a broker mid-request', async () => {
    const { kafka, made } = fakeKafka(1);
    const producer = new KafkaProducer(kafka);
    await expect(producer.sendBatch(batch)).rejects.toThrow('Closed connection');
    expect(made[0].disconnected).toBe(true);
    await producer.sendBatch(batch);
    expect(made).toHaveLength(2);
    expect(made[1].disconnected).toBe(false);
  });
});
