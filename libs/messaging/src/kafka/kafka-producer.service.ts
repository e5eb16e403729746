import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import {
  Partitioners,
  type Kafka,
  type Message,
  type Producer,
  type ProducerConfig,
} from 'kafkajs';
import { KAFKA } from '../messaging.options';

/**
 * How the producer is built, and why it makes a single attempt per send.
 *
 * kafkajs (2.2.4, `producer/sendMessages.js`) retries a send that spans several brokers by
 * sending again only to the brokers that have not answered yet. When a partition leader dies
 * mid-send, its partitions move to a broker that may already have answered for its own
 * partitions: the retry then sends those messages nowhere, and the send resolves. Killing a
 * leader in a three-broker cluster lost about one event in two runs that way
 * (`test/cluster/broker-loss.cluster-spec.ts`; the mechanism is reproduced with kafkajs's own
 * code in `kafka-producer.service.spec.ts`).
 *
 * So kafkajs makes one attempt, and every retry is the caller's, of the whole batch: the outbox
 * relay re-reads its rows, the dead-letter path re-sends its message. A batch that was partly
 * written is written again; consumers deduplicate by event id (the inbox), which is what makes
 * the effect exactly-once. kafkajs refuses an idempotent producer without retries, and
 * idempotence would add nothing here: a request is never retried inside kafkajs, and with one
 * request in flight, retries keep each partition's order of first occurrences.
 */
export const PRODUCER_CONFIG: ProducerConfig = {
  idempotent: false,
  retry: { retries: 0 },
  maxInFlightRequests: 1,
  allowAutoTopicCreation: false,
  // Murmur2 on the key, as the Java client: a case's events land on one partition everywhere.
  createPartitioner: Partitioners.DefaultPartitioner,
};

/** The service's single producer (acks=all, one request in flight, no retry inside kafkajs). */
@Injectable()
export class KafkaProducer implements OnApplicationShutdown {
  private producer?: Producer;
  private connecting?: Promise<Producer>;

  constructor(@Inject(KAFKA) private readonly kafka: Kafka) {}

  private async connected(): Promise<Producer> {
    if (this.producer) return this.producer;
    this.connecting ??= (async () => {
      const producer = this.kafka.producer(PRODUCER_CONFIG);
      producer.on(producer.events.DISCONNECT, () => {
        if (this.producer === producer) this.producer = undefined;
      });
      try {
        await producer.connect();
        this.producer = producer;
        return producer;
      } finally {
        this.connecting = undefined;
      }
    })();
    return this.connecting;
  }

  /** Every message is written with acks=all, or the promise rejects and the caller sends again. */
  async sendBatch(topicMessages: { topic: string; messages: Message[] }[]): Promise<void> {
    await this.withProducer((producer) => producer.sendBatch({ topicMessages, acks: -1 }));
  }

  async send(topic: string, messages: Message[]): Promise<void> {
    await this.withProducer((producer) => producer.send({ topic, messages, acks: -1 }));
  }

  /**
   * A producer whose send failed is discarded: the retry starts from fresh connections and
   * metadata rather than from a client that just lost a broker mid-request.
   */
  private async withProducer(send: (producer: Producer) => Promise<unknown>): Promise<void> {
    const producer = await this.connected();
    try {
      await send(producer);
    } catch (error) {
      if (this.producer === producer) this.producer = undefined;
      await producer.disconnect().catch(() => undefined);
      throw error;
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.producer?.disconnect().catch(() => undefined);
    this.producer = undefined;
  }
}
