import { readFileSync } from 'node:fs';
import { Logger } from '@nestjs/common';
import { Kafka, KafkaConfig, logLevel, LogEntry } from 'kafkajs';
import type { KafkaConnection } from '@casebridge/common';

/** The login (SASL) and TLS part of a kafkajs client's configuration. */
export function kafkaSecurityConfig(
  connection: KafkaConnection,
): Pick<KafkaConfig, 'sasl' | 'ssl'> {
  const config: Pick<KafkaConfig, 'sasl' | 'ssl'> = {};
  if (connection.sasl) {
    const { mechanism, username, password } = connection.sasl;
    // A switch, not a spread: kafkajs types each mechanism's options apart.
    switch (mechanism) {
      case 'plain':
        config.sasl = { mechanism, username, password };
        break;
      case 'scram-sha-256':
        config.sasl = { mechanism, username, password };
        break;
      case 'scram-sha-512':
        config.sasl = { mechanism, username, password };
        break;
    }
  }
  if (connection.tls) {
    const { caFile, certFile, keyFile } = connection.tls;
    config.ssl = {
      rejectUnauthorized: true,
      ...(caFile ? { ca: [readFileSync(caFile, 'utf8')] } : {}),
      ...(certFile ? { cert: readFileSync(certFile, 'utf8') } : {}),
      ...(keyFile ? { key: readFileSync(keyFile, 'utf8') } : {}),
    };
  }
  return config;
}

/**
 * The only place that constructs a kafkajs client: a future switch of client library touches
 * this folder only. It logs in with the connection's SASL credentials, over TLS if configured.
 * kafkajs logs go to the service log at warn and above.
 */
export function createKafka(
  clientId: string,
  connection: KafkaConnection,
  /** e.g. `{ logLevel: logLevel.NOTHING }` for scripts and tests */
  overrides: Omit<KafkaConfig, 'brokers' | 'sasl' | 'ssl'> = {},
): Kafka {
  const logger = new Logger('kafkajs');
  return new Kafka({
    clientId,
    brokers: connection.brokers,
    ...kafkaSecurityConfig(connection),
    connectionTimeout: 3000,
    requestTimeout: 30000,
    // Attempts at most 2 s apart, so a client is back within seconds of the broker answering.
    retry: { initialRetryTime: 300, retries: 8, maxRetryTime: 2000 },
    logLevel: logLevel.WARN,
    logCreator:
      () =>
      ({ level, log }: LogEntry) => {
        const { message, error } = log;
        const text = `${message}${error ? `: ${String(error)}` : ''}`;
        if (level === logLevel.ERROR) logger.error(text);
        else if (level === logLevel.WARN) logger.warn(text);
        else logger.debug(text);
      },
    ...overrides,
  });
}
