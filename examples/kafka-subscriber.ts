/**
 * A minimal Casebridge subscriber, as an integration would write it (docs/integrations.md).
 *
 * It depends only on what an outside integrator has: the published contract `docs/asyncapi.yaml`
 * (its headers and payload JSON Schemas) and public npm packages (kafkajs, ajv, ajv-formats,
 * js-yaml, pg); nothing from Casebridge's own code. It:
 * - joins its own consumer group, named `integration-…` (the `integration` principal's ACLs allow
 *   only that prefix), and reads both event topics from the beginning;
 * - reads each message as a CloudEvent in Kafka binary mode (attributes in `ce_*` headers, data as
 *   the JSON value) and validates headers and data against the event type's schemas;
 * - applies each event once: its `ce_id` goes into a table of your database in the same
 *   transaction as your own writes, so a redelivery (a restart before the offset commit, a
 *   rebalance, a dead letter re-driven by the operators) changes nothing;
 * - commits the offset (`offset + 1`) only after that transaction, so a crash loses nothing.
 *
 * Run it (Node 20+, after `npm install kafkajs ajv ajv-formats js-yaml pg`), e.g. with tsx:
 *   KAFKA_BROKERS=localhost:9092 KAFKA_USERNAME=integration KAFKA_PASSWORD=… \
 *   INTEGRATION_GROUP=integration-crm DATABASE_URL=postgres://… \
 *   ASYNCAPI_FILE=docs/asyncapi.yaml npx tsx examples/kafka-subscriber.ts
 */
import { readFileSync } from 'node:fs';
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { load } from 'js-yaml';
import { Kafka, logLevel, type IHeaders, type KafkaConfig } from 'kafkajs';
import { Pool, type PoolClient } from 'pg';

/** An event as the subscriber hands it to your code: CloudEvents attributes and its data. */
export interface CasebridgeEvent {
  id: string;
  type: string;
  source: string;
  subject: string;
  time: string;
  correlationId?: string;
  data: Record<string, unknown>;
  topic: string;
}

/** Your effect of one event; write with `client`, in the transaction that records the event id. */
export type EventHandler = (event: CasebridgeEvent, client: PoolClient) => Promise<void>;

export interface SubscriberOptions {
  kafka: Pick<KafkaConfig, 'brokers' | 'sasl' | 'ssl'>;
  /** Must start with `integration-`; one group per integration (each gets every event). */
  groupId: string;
  /** The published AsyncAPI document (docs/asyncapi.yaml). */
  asyncapiFile: string;
  /** Your database: the processed event ids are kept there, beside your own data. */
  database: Pool;
  handle: EventHandler;
  /** One line per skipped message (ids and reasons, never data). */
  log?: (line: string) => void;
}

export interface SubscriberCounts {
  applied: number;
  duplicates: number;
  /** Types this version of the subscriber does not know (a newer contract): skipped. */
  unknownTypes: number;
  /** Messages that are not valid Casebridge events: skipped, logged. */
  invalid: number;
}

export interface Subscriber {
  counts: SubscriberCounts;
  stop(): Promise<void>;
}

interface EventContract {
  topic: string;
  headers: ValidateFunction;
  payload: ValidateFunction;
}

/** Who writes each topic (docs/events.md): an event from anyone else is not trusted. */
const TOPIC_OWNERS: Record<string, string> = {
  'casebridge.case-events.v1': '/casebridge/intake',
  'casebridge.assignment-events.v1': '/casebridge/assignment',
};

interface AsyncApiDocument {
  channels: Record<string, { address: string; messages?: Record<string, { $ref: string }> }>;
  components: {
    messages: Record<string, { name: string; headers: object; payload: object }>;
  };
}

/** Each event type's topic and its headers and payload validators, from the AsyncAPI document. */
export function loadContracts(asyncapiFile: string): Map<string, EventContract> {
  const doc = load(readFileSync(asyncapiFile, 'utf8')) as AsyncApiDocument;
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats(ajv);
  // Casebridge's free-text fields are NFC-normalised strings (the schemas' `nfc-text` format).
  ajv.addFormat('nfc-text', {
    type: 'string',
    validate: (s: string) => !/\p{Cs}/u.test(s) && s === s.normalize('NFC'),
  });
  const contracts = new Map<string, EventContract>();
  for (const channel of Object.values(doc.channels)) {
    for (const { $ref } of Object.values(channel.messages ?? {})) {
      const message = doc.components.messages[$ref.split('/').pop() ?? ''];
      if (!message || contracts.has(message.name)) continue;
      contracts.set(message.name, {
        topic: channel.address,
        headers: ajv.compile(message.headers),
        payload: ajv.compile(message.payload),
      });
    }
  }
  return contracts;
}

function headerStrings(headers: IHeaders | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    const first = Array.isArray(value) ? value[0] : value;
    if (first !== undefined) out[name] = Buffer.isBuffer(first) ? first.toString('utf8') : first;
  }
  return out;
}

type Decoded =
  | { event: CasebridgeEvent }
  | { skip: 'unknown_type' | 'invalid'; reason: string; id?: string; type?: string };

/** A Kafka message as a validated Casebridge event, or why it is skipped (never its data). */
export function decode(
  contracts: Map<string, EventContract>,
  topic: string,
  message: { value: Buffer | null; headers?: IHeaders },
): Decoded {
  const h = headerStrings(message.headers);
  const type = h.ce_type;
  const id = h.ce_id;
  const contract = type === undefined ? undefined : contracts.get(type);
  if (!contract) {
    return h.ce_specversion === '1.0' && type
      ? { skip: 'unknown_type', reason: 'unknown type', id, type }
      : { skip: 'invalid', reason: 'not a CloudEvent (no ce_specversion 1.0 / ce_type)', id };
  }
  if (!contract.headers(h))
    return { skip: 'invalid', reason: `headers: ${ajvErrors(contract.headers)}`, id, type };
  if (contract.topic !== topic || TOPIC_OWNERS[topic] !== h.ce_source)
    return { skip: 'invalid', reason: `not from the owner of ${topic}`, id, type };
  let data: unknown;
  try {
    data = JSON.parse(message.value?.toString('utf8') ?? '');
  } catch {
    return { skip: 'invalid', reason: 'value is not JSON', id, type };
  }
  if (!contract.payload(data))
    return { skip: 'invalid', reason: `data: ${ajvErrors(contract.payload)}`, id, type };
  return {
    event: {
      id: id.toLowerCase(),
      type,
      source: h.ce_source,
      subject: h.ce_subject,
      time: h.ce_time,
      correlationId: h.ce_correlationid,
      data: data as Record<string, unknown>,
      topic,
    },
  };
}

function ajvErrors(validate: ValidateFunction): string {
  return (validate.errors ?? [])
    .slice(0, 3)
    .map((e) => `${e.instancePath || '/'} ${e.message ?? 'invalid'}`)
    .join('; ');
}

const LEDGER = `CREATE TABLE IF NOT EXISTS casebridge_processed_event (
  event_id uuid PRIMARY KEY,
  event_type text NOT NULL,
  processed_at timestamptz NOT NULL DEFAULT now()
)`;

/** Records the event id and runs the handler in one transaction; false if it was done before. */
async function applyOnce(
  database: Pool,
  event: CasebridgeEvent,
  handle: EventHandler,
): Promise<boolean> {
  const client = await database.connect();
  try {
    await client.query('BEGIN');
    const { rowCount } = await client.query(
      `INSERT INTO casebridge_processed_event (event_id, event_type) VALUES ($1, $2)
       ON CONFLICT (event_id) DO NOTHING`,
      [event.id, event.type],
    );
    if (rowCount === 1) await handle(event, client);
    await client.query('COMMIT');
    return rowCount === 1;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/** Starts consuming; resolves once the consumer runs. */
export async function startSubscriber(options: SubscriberOptions): Promise<Subscriber> {
  if (!options.groupId.startsWith('integration-'))
    throw new Error('the consumer group must start with integration- (the broker’s ACLs)');
  const log = options.log ?? ((line: string) => console.log(line));
  const contracts = loadContracts(options.asyncapiFile);
  const topics = [...new Set([...contracts.values()].map((c) => c.topic))];
  await options.database.query(LEDGER);

  const kafka = new Kafka({
    clientId: options.groupId,
    ...options.kafka,
    logLevel: logLevel.WARN,
  });
  const consumer = kafka.consumer({ groupId: options.groupId });
  const counts: SubscriberCounts = { applied: 0, duplicates: 0, unknownTypes: 0, invalid: 0 };
  await consumer.connect();
  // The topics keep every event forever: a new integration starts from the first one.
  await consumer.subscribe({ topics, fromBeginning: true });
  await consumer.run({
    autoCommit: false,
    eachMessage: async ({ topic, partition, message }) => {
      const decoded = decode(contracts, topic, message);
      if ('event' in decoded) {
        // A handler that throws is retried by kafkajs (the partition waits): nothing is lost.
        if (await applyOnce(options.database, decoded.event, options.handle)) counts.applied++;
        else counts.duplicates++;
      } else {
        if (decoded.skip === 'unknown_type') counts.unknownTypes++;
        else counts.invalid++;
        log(
          `skipped ${topic} ${partition}@${message.offset} (${decoded.skip}: ${decoded.reason}) ` +
            `event ${decoded.id ?? '?'} ${decoded.type ?? ''}`,
        );
      }
      // After the effect is committed, never before: the next message to read is offset + 1.
      await consumer.commitOffsets([
        { topic, partition, offset: (BigInt(message.offset) + 1n).toString() },
      ]);
    },
  });
  return { counts, stop: () => consumer.disconnect() };
}

async function main(): Promise<void> {
  const database = new Pool({ connectionString: process.env.DATABASE_URL });
  const { KAFKA_USERNAME: username, KAFKA_PASSWORD: password } = process.env;
  const subscriber = await startSubscriber({
    kafka: {
      brokers: (process.env.KAFKA_BROKERS ?? 'localhost:9092').split(','),
      ssl: process.env.KAFKA_SSL === 'true',
      ...(username && password ? { sasl: { mechanism: 'scram-sha-512', username, password } } : {}),
    },
    groupId: process.env.INTEGRATION_GROUP ?? 'integration-example',
    asyncapiFile: process.env.ASYNCAPI_FILE ?? 'docs/asyncapi.yaml',
    database,
    // Your integration's work goes here, written with `client` (same transaction as the event id).
    handle: (event) => {
      console.log(`${event.type} ${event.id} for case ${event.subject}`);
      return Promise.resolve();
    },
  });
  const stop = () => {
    void subscriber.stop().then(() => database.end());
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

if (require.main === module) {
  main().catch((error: Error) => {
    console.error(`subscriber failed: ${error.message}`);
    process.exit(1);
  });
}
