import type { Kafka, Producer } from 'kafkajs';
import { KafkaProducer } from './kafka-producer.service';

/** kafkajs producers that fail their first `failures` sends, counting how many were made. */
function fakeKafka(failures: number) {
  let sends = 0;
  const made: { disconnected: boolean }[] = [];
  const kafka = {
    producer: () => {
      const state = { disconnected: false };
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

  it('retries a failed send with a new producer (a new producer id), never the one whose sequence numbers are in doubt', async () => {
    const { kafka, made } = fakeKafka(1);
    const producer = new KafkaProducer(kafka);
    await expect(producer.sendBatch(batch)).rejects.toThrow('Closed connection');
    expect(made[0].disconnected).toBe(true);
    await producer.sendBatch(batch);
    expect(made).toHaveLength(2);
    expect(made[1].disconnected).toBe(false);
  });
});
