import { DynamicModule, Global, Module } from '@nestjs/common';
import { BROKER_PROBE, EVENT_TRANSPORT } from '@casebridge/common';
import { EventConsumerFactory } from './inbox/event-consumer.factory';
import { createKafka } from './kafka/kafka.factory';
import { KafkaAdmin } from './kafka/kafka-admin.service';
import { KafkaProducer } from './kafka/kafka-producer.service';
import { KAFKA, MESSAGING_OPTIONS, MessagingOptions } from './messaging.options';
import { OutboxRelay } from './outbox/outbox.relay';
import { OutboxWriter } from './outbox/outbox.writer';
import { CasebridgeKafkaTransport } from './transport/casebridge-kafka.transport';

/**
 * Kafka, the transactional outbox and, with a `consumerGroup`, the transport that serves the
 * service's `@OnEvent` controllers (runService connects it as the hybrid app's microservice).
 */
@Global()
@Module({})
export class MessagingModule {
  static forService(options: MessagingOptions): DynamicModule {
    const { consumerGroup } = options;
    const transport = consumerGroup
      ? [
          {
            provide: EVENT_TRANSPORT,
            useFactory: (consumers: EventConsumerFactory) =>
              new CasebridgeKafkaTransport(
                {
                  groupId: consumerGroup,
                  maxChunk: options.maxChunk,
                  concurrency: options.concurrency,
                },
                consumers,
              ),
            inject: [EventConsumerFactory],
          },
        ]
      : [];
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
        ...transport,
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
