import { DynamicModule, Global, Module } from '@nestjs/common';
import { BROKER_PROBE } from '@casebridge/common';
import { EventConsumerFactory } from './inbox/event-consumer.factory';
import { createKafka } from './kafka/kafka.factory';
import { KafkaAdmin } from './kafka/kafka-admin.service';
import { KafkaProducer } from './kafka/kafka-producer.service';
import { KAFKA, MESSAGING_OPTIONS, MessagingOptions } from './messaging.options';
import { OutboxRelay } from './outbox/outbox.relay';
import { OutboxWriter } from './outbox/outbox.writer';

/** Kafka, the transactional outbox and the inbox consumer for one service. */
@Global()
@Module({})
export class MessagingModule {
  static forService(options: MessagingOptions): DynamicModule {
    return {
      module: MessagingModule,
      providers: [
        { provide: MESSAGING_OPTIONS, useValue: options },
        { provide: KAFKA, useFactory: () => createKafka(options.clientId, options.connection) },
        KafkaProducer,
        KafkaAdmin,
        { provide: BROKER_PROBE, useExisting: KafkaAdmin },
        OutboxWriter,
        OutboxRelay,
        EventConsumerFactory,
      ],
      exports: [
        KAFKA,
        KafkaProducer,
        KafkaAdmin,
        BROKER_PROBE,
        OutboxWriter,
        OutboxRelay,
        EventConsumerFactory,
      ],
    };
  }
}
