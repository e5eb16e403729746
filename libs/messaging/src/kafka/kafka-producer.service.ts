import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { Partitioners, type Kafka, type Message, type Producer } from 'kafkajs';
import { KAFKA } from '../messaging.options';

/** The service's single idempotent producer (acks=all, one request in flight). */
@Injectable()
export class KafkaProducer implements OnApplicationShutdown {
  private producer?: Producer;
  private connecting?: Promise<Producer>;

  constructor(@Inject(KAFKA) private readonly kafka: Kafka) {}

  private async connected(): Promise<Producer> {
    if (this.producer) return this.producer;
    this.connecting ??= (async () => {
      const producer = this.kafka.producer({
        idempotent: true,
        maxInFlightRequests: 1,
        allowAutoTopicCreation: false,
        // Murmur2 on the key, as the Java client: a case's events land on one partition everywhere.
        createPartitioner: Partitioners.DefaultPartitioner,
      });
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

  async sendBatch(topicMessages: { topic: string; messages: Message[] }[]): Promise<void> {
    await this.withProducer((producer) => producer.sendBatch({ topicMessages, acks: -1 }));
  }

  async send(topic: string, messages: Message[]): Promise<void> {
    await this.withProducer((producer) => producer.send({ topic, messages, acks: -1 }));
  }

  /**
   * A send that failed (a leader lost mid-request, retries exhausted) leaves the idempotent
   * producer's sequence numbers in doubt, and the caller retries with a batch composed anew (the
   * relay re-reads its outbox). The broker would take such a batch, starting at a sequence number
   * it already holds, for a duplicate and drop it whole, while the send succeeds: a lost event.
   * So a failed producer is discarded, and the retry goes out with a new producer id; what the
   * first attempt did write is then a duplicate the consumers' inbox skips.
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
