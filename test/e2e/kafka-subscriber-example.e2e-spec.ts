import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { Client, Pool } from 'pg';
import { DEV_KAFKA_PASSWORDS } from '@casebridge/common';
import {
  ASSIGNMENT_EVENTS_TOPIC,
  CASE_EVENTS_TOPIC,
  EventSources,
  EventTypes,
} from '@casebridge/contracts';
import { buildHeaders } from '@casebridge/messaging';
import {
  startSubscriber,
  type CasebridgeEvent,
  type Subscriber,
} from '../../examples/kafka-subscriber';
import { makeCase, seededRandom, submitCases } from '../support/cases';
import { waitUntilConsumed } from '../support/dlq-redrive';
import { brokers, kafkaClient, waitFor } from '../support/infra';
import { produceRaw, readAll } from '../support/kafka';
import { RunningSystem, startSystem, stopSystem, waitUntilAllAssigned } from '../support/system';

const ASYNCAPI = join(__dirname, '..', '..', 'docs', 'asyncapi.yaml');
const DATABASE = `casebridge_integration_example${process.env.DATABASE_NAME_SUFFIX ?? '_test'}`;

function adminUrl(database: string): string {
  const url = new URL(
    process.env.PG_ADMIN_URL ??
      `postgres://postgres@${process.env.DATABASE_HOST ?? '127.0.0.1'}:${process.env.DATABASE_PORT ?? '5432'}/postgres`,
  );
  url.pathname = `/${database}`;
  return url.toString();
}

/** The integrator's own database, fresh for the suite. */
async function recreateDatabase(): Promise<void> {
  const client = new Client({ connectionString: adminUrl('postgres') });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS ${DATABASE} WITH (FORCE)`);
    await client.query(`CREATE DATABASE ${DATABASE}`);
  } finally {
    await client.end();
  }
}

/** The event ids on both topics now. */
async function publishedEventIds(): Promise<string[]> {
  const messages = [
    ...(await readAll(CASE_EVENTS_TOPIC)),
    ...(await readAll(ASSIGNMENT_EVENTS_TOPIC)),
  ];
  return messages.map((m) => m.headers.ce_id);
}

describe('examples/kafka-subscriber.ts, an integration’s subscriber, against the real broker', () => {
  let system: RunningSystem;
  let database: Pool;
  let subscriber: Subscriber | undefined;
  const groupId = `integration-example-${randomUUID()}`;
  const handled: CasebridgeEvent[] = [];
  const skipped: string[] = [];

  const start = () =>
    startSubscriber({
      // The integration principal: read-only on the event topics, groups `integration-*` only.
      kafka: {
        brokers: brokers(),
        sasl: {
          mechanism: 'scram-sha-512',
          username: 'integration',
          password: DEV_KAFKA_PASSWORDS.integration,
        },
      },
      groupId,
      asyncapiFile: ASYNCAPI,
      database,
      handle: async (event, client) => {
        await client.query('INSERT INTO crm_case_event (event_id, case_id) VALUES ($1, $2)', [
          event.id,
          event.subject,
        ]);
        handled.push(event);
      },
      log: (line) => skipped.push(line),
    });

  beforeAll(async () => {
    system = await startSystem();
    await recreateDatabase();
    database = new Pool({ connectionString: adminUrl(DATABASE), max: 2 });
    // The integration's own effect, in the same transaction as the processed event id.
    await database.query(
      'CREATE TABLE crm_case_event (event_id uuid PRIMARY KEY, case_id uuid NOT NULL)',
    );
  });

  afterAll(async () => {
    await subscriber?.stop();
    await database?.end();
    await stopSystem(system);
  });

  it('applies every event of real cases once, validated against the published schemas', async () => {
    const ids = await submitCases(
      system.intake.url,
      Array.from({ length: 4 }, (_, i) => makeCase(seededRandom(42), { hostCountry: 'KZ' }, i)),
    );
    await waitUntilAllAssigned(ids);
    // Not for this subscriber: a newer type it does not know, and data that violates its schema.
    const caseId = randomUUID();
    const futureId = randomUUID();
    const violatingId = randomUUID();
    await produceRaw(CASE_EVENTS_TOPIC, {
      key: caseId,
      value: JSON.stringify({ caseId }),
      headers: {
        ...buildHeaders(futureId, EventTypes.CaseSubmitted, EventSources.intake, caseId, {
          correlationId: futureId,
        }),
        ce_type: 'casebridge.case.future-thing.v1',
      },
    });
    await produceRaw(CASE_EVENTS_TOPIC, {
      key: caseId,
      value: JSON.stringify({ caseId, category: 'bribery' }),
      headers: buildHeaders(violatingId, EventTypes.CaseSubmitted, EventSources.intake, caseId, {
        correlationId: violatingId,
      }),
    });

    subscriber = await start();
    // Submitted, status-changed (to assigned) and assigned of each case, plus the two others.
    const published = await waitFor('every event of the four cases', async () => {
      const found = await publishedEventIds();
      return found.length >= 4 * 3 + 2 ? found : undefined;
    });
    const applicable = published.filter((id) => id !== futureId && id !== violatingId);
    await waitFor('the subscriber to apply them', () =>
      Promise.resolve(handled.length >= applicable.length && subscriber!.counts.invalid === 1),
    );
    await waitUntilConsumed(groupId, CASE_EVENTS_TOPIC);
    await waitUntilConsumed(groupId, ASSIGNMENT_EVENTS_TOPIC);

    expect(subscriber.counts).toEqual({ applied: 12, duplicates: 0, unknownTypes: 1, invalid: 1 });
    expect(handled.map((e) => e.id).sort()).toEqual(applicable.sort());
    expect(new Set(handled.map((e) => e.subject))).toEqual(new Set(ids));
    expect(new Set(handled.map((e) => e.type))).toEqual(
      new Set([EventTypes.CaseSubmitted, EventTypes.CaseAssigned, EventTypes.CaseStatusChanged]),
    );
    expect(skipped.find((l) => l.includes(violatingId))).toContain('(invalid: data:');
    expect(skipped.find((l) => l.includes(futureId))).toContain('(unknown_type');
    const { rows } = await database.query<{ n: string }>(
      'SELECT count(*) AS n FROM crm_case_event',
    );
    expect(Number(rows[0].n)).toBe(12);
  });

  it('applies nothing twice when every event is delivered again', async () => {
    await subscriber!.stop();
    subscriber = undefined;
    // A redelivery of everything: the group's offsets back to the start (as after a lost commit).
    const admin = kafkaClient().admin();
    await admin.connect();
    try {
      for (const topic of [CASE_EVENTS_TOPIC, ASSIGNMENT_EVENTS_TOPIC])
        await admin.resetOffsets({ groupId, topic, earliest: true });
    } finally {
      await admin.disconnect();
    }

    subscriber = await start();
    await waitUntilConsumed(groupId, CASE_EVENTS_TOPIC);
    await waitUntilConsumed(groupId, ASSIGNMENT_EVENTS_TOPIC);

    expect(subscriber.counts).toMatchObject({ applied: 0, duplicates: 12 });
    expect(handled).toHaveLength(12);
    const { rows } = await database.query<{ n: string }>(
      'SELECT count(*) AS n FROM crm_case_event',
    );
    expect(Number(rows[0].n)).toBe(12);
  });
});
