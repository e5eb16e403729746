import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import { DataSource } from 'typeorm';
import { KafkaAdmin } from '../kafka/kafka-admin.service';
import { KafkaProducer } from '../kafka/kafka-producer.service';
import { KAFKA, MESSAGING_OPTIONS, MessagingOptions } from '../messaging.options';
import { ConsumerDefinition, EventConsumer } from './event-consumer';

/** Creates the service's consumers and stops them on shutdown. */
@Injectable()
export class EventConsumerFactory implements OnApplicationShutdown {
  private readonly consumers: EventConsumer[] = [];

  constructor(
    @Inject(KAFKA) private readonly kafka: Kafka,
    private readonly dataSource: DataSource,
    private readonly producer: KafkaProducer,
    private readonly admin: KafkaAdmin,
    @Inject(MESSAGING_OPTIONS) private readonly options: MessagingOptions,
  ) {}

  create(definition: ConsumerDefinition): EventConsumer {
    const consumer = new EventConsumer(definition, {
      kafka: this.kafka,
      dataSource: this.dataSource,
      producer: this.producer,
      admin: this.admin,
      maxAttempts: this.options.maxAttempts,
    });
    this.consumers.push(consumer);
    return consumer;
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all(this.consumers.map((c) => c.stop()));
  }
}
