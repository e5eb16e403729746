import type { Kafka } from 'kafkajs';
import type { DataSource } from 'typeorm';
import type { KafkaAdmin } from '../kafka/kafka-admin.service';
import type { KafkaProducer } from '../kafka/kafka-producer.service';
import { EventConsumer } from './event-consumer';

/** A kafkajs consumer that connects (after `failures` refusals) and then idles. */
function fakeKafka(failures = 0): { kafka: Kafka; runs: () => number } {
  let attempts = 0;
  let runs = 0;
  const consumer = {
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
  return { kafka: { consumer: () => consumer } as unknown as Kafka, runs: () => runs };
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
