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
    const producer = await this.connected();
    await producer.sendBatch({ topicMessages, acks: -1 });
  }

  async send(topic: string, messages: Message[]): Promise<void> {
    const producer = await this.connected();
    await producer.send({ topic, messages, acks: -1 });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.producer?.disconnect().catch(() => undefined);
    this.producer = undefined;
  }
}
