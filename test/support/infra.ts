import { createServer } from 'node:net';
import { type Kafka, logLevel } from 'kafkajs';
import { Client } from 'pg';
import {
  databasePassword,
  INTAKE_KEY_STORE,
  keyStorePassword,
  serviceRoles,
  type ServiceRoles,
} from '@casebridge/common';
import { deadLetterTopic, EVENT_TOPICS } from '@casebridge/contracts';
import { createKafka } from '@casebridge/messaging';
import { DEV_KAFKA_PASSWORDS, kafkaAdminConnection, type KafkaPrincipal } from '@casebridge/common';

export type ServiceName = 'intake' | 'assignment' | 'reporting';

export function brokers(): string[] {
  return (process.env.KAFKA_BROKERS ?? 'localhost:19092').split(',');
}

export function testDatabaseName(service: ServiceName): string {
  return `casebridge_${service}${process.env.DATABASE_NAME_SUFFIX ?? '_test'}`;
}

/**
 * A connection to a service's test database as that service's runtime role (what the running
 * service uses), or as its owner (what migrations use; it may also empty the audit trail).
 */
export async function dbClient(
  service: ServiceName,
  kind: keyof ServiceRoles = 'runtime',
): Promise<Client> {
  const host = process.env.DATABASE_HOST ?? '127.0.0.1';
  const port = process.env.DATABASE_PORT ?? '5432';
  const role = serviceRoles(service)[kind];
  const password = encodeURIComponent(databasePassword(process.env, service, kind));
  const client = new Client({
    connectionString: `postgres://${role}:${password}@${host}:${port}/${testDatabaseName(service)}`,
  });
  await client.connect();
  return client;
}

export function testKeyStoreName(): string {
  return `${INTAKE_KEY_STORE.database}${process.env.DATABASE_NAME_SUFFIX ?? '_test'}`;
}

/** A connection to intake's test key store (the wrapped case keys) as one of its own roles. */
export async function keyStoreClient(kind: keyof ServiceRoles = 'runtime'): Promise<Client> {
  const host = process.env.DATABASE_HOST ?? '127.0.0.1';
  const port = process.env.DATABASE_PORT ?? '5432';
  const role = INTAKE_KEY_STORE.roles[kind];
  const password = encodeURIComponent(keyStorePassword(process.env, kind));
  const client = new Client({
    connectionString: `postgres://${role}:${password}@${host}:${port}/${testKeyStoreName()}`,
  });
  await client.connect();
  return client;
}

export async function query<T = Record<string, unknown>>(
  service: ServiceName,
  sql: string,
  params: unknown[] = [],
): Promise<T[]> {
  const client = await dbClient(service);
  try {
    return (await client.query(sql, params)).rows as T[];
  } finally {
    await client.end();
  }
}

/**
 * Empties every table of a service's test database but the migration history (and `keep`), as
 * the owner role: the runtime role may not truncate the audit trail. Intake's key store is
 * emptied with it (its own owner role).
 */
export async function resetDatabase(service: ServiceName, keep: string[] = []): Promise<void> {
  if (service === 'intake' && !keep.includes('case_file')) {
    const keys = await keyStoreClient('owner');
    try {
      await keys.query('TRUNCATE case_key');
    } finally {
      await keys.end();
    }
  }
  const client = await dbClient(service, 'owner');
  try {
    const { rows } = await client.query<{ tablename: string }>(
      "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'typeorm_migrations'",
    );
    const tables = rows.map((r) => r.tablename).filter((t) => !keep.includes(t));
    if (tables.length)
      await client.query(
        `TRUNCATE ${tables.map((t) => `"${t}"`).join(', ')} RESTART IDENTITY CASCADE`,
      );
  } finally {
    await client.end();
  }
}

/**
 * A client of the test broker, logged in as the super user (KAFKA_ADMIN_USERNAME / _PASSWORD,
 * else the development admin), or as another principal with its development password.
 */
export function kafkaClient(
  clientId = 'casebridge-test',
  principal: KafkaPrincipal = 'admin',
  brokerList = brokers(),
): Kafka {
  const connection =
    principal === 'admin'
      ? { ...kafkaAdminConnection(process.env), brokers: brokerList }
      : {
          brokers: brokerList,
          sasl: {
            mechanism: 'scram-sha-512' as const,
            username: principal,
            password: DEV_KAFKA_PASSWORDS[principal],
          },
        };
  return createKafka(clientId, connection, { logLevel: logLevel.NOTHING });
}

/**
 * Empties the event topics and their dead-letter topics (deletes every record up to the end)
 * and deletes the services' consumer groups, so that each suite starts from an empty log.
 * Call it while no service is running.
 */
export async function resetTopics(): Promise<void> {
  const admin = kafkaClient().admin();
  await admin.connect();
  try {
    const topics = EVENT_TOPICS.flatMap((t) => [t, deadLetterTopic(t)]);
    for (const topic of topics) {
      const offsets = await admin.fetchTopicOffsets(topic);
      const partitions = offsets
        .filter((o) => Number(o.high) > Number(o.low))
        .map((o) => ({ partition: o.partition, offset: o.high }));
      if (partitions.length) await admin.deleteTopicRecords({ topic, partitions });
    }
    // A group still holding a member (a killed process, until its session times out) cannot be
    // deleted yet: retry until it can.
    await waitFor(
      'the services’ consumer groups to be deletable',
      async () => {
        const { groups } = await admin.listGroups();
        const ours = groups.map((g) => g.groupId).filter((g) => g.startsWith('casebridge-'));
        for (const group of ours) {
          try {
            await admin.deleteGroups([group]);
          } catch (error) {
            const codes = ((error as { groups?: { errorCode?: string }[] }).groups ?? []).map(
              (g) => g.errorCode,
            );
            if (!codes.every((c) => c === 'GROUP_ID_NOT_FOUND')) return false;
          }
        }
        return true;
      },
      90_000,
      1000,
    );
  } finally {
    await admin.disconnect();
  }
}

/** Polls `probe` until it returns a truthy value, or fails naming what it waited for. */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined | null | false>,
  timeoutMs = 60_000,
  everyMs = 250,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what}${last instanceof Error ? `: ${last.message}` : ''}`,
      );
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Whether nothing listens on `port` right now. */
function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, () => server.close(() => resolve(true)));
  });
}

/**
 * A free TCP port, so a suite's services can run beside another suite's. It is drawn from
 * 21000–28999, below the kernel's ephemeral range (32768+), so the many short-lived client
 * connections of a test run cannot take it between this check and the service's listen.
 */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const port = 21_000 + Math.floor(Math.random() * 8000);
    if (await canListen(port)) return port;
  }
  throw new Error('no free TCP port in 21000–28999');
}

export const sleep = (ms: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, ms));
