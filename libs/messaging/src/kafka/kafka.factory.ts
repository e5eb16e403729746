import { Logger } from '@nestjs/common';
import { Kafka, logLevel, LogEntry } from 'kafkajs';

/**
 * The only place that constructs a kafkajs client: a future switch of client library touches
 * this folder only. kafkajs logs go to the service log at warn and above.
 */
export function createKafka(clientId: string, brokers: string[]): Kafka {
  const logger = new Logger('kafkajs');
  return new Kafka({
    clientId,
    brokers,
    connectionTimeout: 3000,
    requestTimeout: 30000,
    retry: { initialRetryTime: 300, retries: 8, maxRetryTime: 10000 },
    logLevel: logLevel.WARN,
    logCreator:
      () =>
      ({ level, log }: LogEntry) => {
        const { message, error } = log;
        // The outbox relay bounds producer retries on purpose: a failed batch is retried from
        // the outbox and consumers deduplicate by event id, so kafkajs's EoS caveat does not apply.
        if (message.startsWith('Limiting retries for the idempotent producer')) return;
        const text = `${message}${error ? `: ${String(error)}` : ''}`;
        if (level === logLevel.ERROR) logger.error(text);
        else if (level === logLevel.WARN) logger.warn(text);
        else logger.debug(text);
      },
  });
}
