import { execFileSync, spawn } from 'node:child_process';
import { join } from 'node:path';
import { EventTypes } from '@casebridge/contracts';
import { kafkaAdminConnection } from '@casebridge/common';
import { createKafka, ensureAcls, ensureTopics } from '@casebridge/messaging';
import { logLevel } from 'kafkajs';
import { makeCase, seededRandom } from '../support/cases';
import { kafkaClient, query, resetDatabase, waitFor } from '../support/infra';
import { ServiceClient } from '../support/service-client';
import { ServiceProcess, startServiceProcess } from '../support/service-process';
import { waitUntilAllAssigned } from '../support/system';

const ROOT = join(__dirname, '..', '..');
// Apart from the run's own broker (KAFKA_PORT), so that side-by-side runs never share one.
const PORT = String(Number(process.env.KAFKA_PORT ?? 19092) + 100);
const brokerEnv = { ...process.env, KAFKA_PORT: PORT, KAFKA_HEAP: '384m' };

function broker(script: 'kafka-start.sh' | 'kafka-stop.sh', fresh = false): void {
  execFileSync('bash', [join(ROOT, 'scripts', script)], {
    env: { ...brokerEnv, KAFKA_FRESH: fresh ? '1' : '0' },
    stdio: 'ignore',
  });
}

/** Starts the broker in the background; resolves when the script has returned. */
function startBrokerInBackground(): Promise<void> {
  const child = spawn('bash', [join(ROOT, 'scripts', 'kafka-start.sh')], {
    env: { ...brokerEnv, KAFKA_FRESH: '0' },
    stdio: 'ignore',
  });
  return new Promise((resolve, reject) =>
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`exit ${code}`)))),
  );
}

/** Whether the broker answers a metadata request (the readiness of KAFKA-NOTES), asked once. */
async function brokerAnswers(): Promise<boolean> {
  const connection = { ...kafkaAdminConnection(process.env), brokers: [`localhost:${PORT}`] };
  const probe = createKafka('outage-probe', connection, {
    logLevel: logLevel.NOTHING,
    connectionTimeout: 500,
    retry: { retries: 0 },
  });
  const admin = probe.admin();
  try {
    await admin.connect();
    await admin.listTopics();
    return true;
  } catch {
    return false;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/** Who restarted a service's consumer during the outage, if anyone has yet. */
function restartedBy(service: ServiceProcess): 'kafkajs' | 'EventConsumer' | undefined {
  const log = service.output();
  if (log.includes('Restarting the consumer')) return 'kafkajs';
  if (/consumer stopped on \w+; starting it again/.test(log)) return 'EventConsumer';
  return undefined;
}

/** The consumer's and kafkajs's lines of a service's log, for a failure message. */
function consumerLog(service: ServiceProcess): string {
  return service
    .output()
    .split('\n')
    .filter((line) => /kafkajs|consumer/i.test(line) && !/ECONNREFUSED/.test(line))
    .slice(-15)
    .join('\n');
}

/** A broker of this suite's own, so that stopping it disturbs no other suite. */
describe('Resilience: the Kafka broker goes away and comes back', () => {
  let intake: ServiceProcess;
  let assignment: ServiceProcess;
  let api: ServiceClient;
  const random = seededRandom(21);
  const officer = { role: 'intake_officer' } as const;

  beforeAll(async () => {
    broker('kafka-start.sh', true);
    const admin = kafkaClient('outage-test', 'admin', [`localhost:${PORT}`]).admin();
    await admin.connect();
    await ensureTopics(admin);
    await ensureAcls(admin);
    await admin.disconnect();
    await resetDatabase('intake');
    await resetDatabase('assignment');
    [intake, assignment] = await Promise.all([
      startServiceProcess('intake', { KAFKA_BROKERS: `localhost:${PORT}` }),
      startServiceProcess('assignment', { KAFKA_BROKERS: `localhost:${PORT}` }),
    ]);
    api = new ServiceClient(intake.url);
  });

  afterAll(async () => {
    await Promise.all([intake?.stop(), assignment?.stop()]);
    broker('kafka-stop.sh');
  });

  it('keeps taking complaints into the outbox, reports not ready, and publishes and routes them once the broker is back', async () => {
    broker('kafka-stop.sh');
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await api.call<{ id: string }>(
        officer,
        'POST',
        '/v1/cases',
        makeCase(random, { hostCountry: 'KZ' }, i),
      );
      expect(res.status).toBe(201);
      ids.push(res.body.id);
    }
    await waitFor(
      'readiness to report the broker down',
      async () => (await fetch(`${intake.url}/health/ready`)).status === 503,
      30_000,
      500,
    );
    const [waiting] = await query<{ n: string }>(
      'intake',
      'SELECT count(*) AS n FROM outbox_event WHERE published_at IS NULL',
    );
    expect(Number(waiting.n)).toBe(5);
    await waitFor(
      'the outbox backlog metric to show the waiting events',
      async () =>
        /casebridge_outbox_backlog\{[^}]*\} 5\b/.test(
          await (await fetch(`${intake.url}/metrics`)).text(),
        ),
      30_000,
      500,
    );

    // The worst case: an outage long enough for the consumers to have given up and restarted
    // (kafkajs then rejoins as a new member, and the group waits for the old one's session).
    // kafkajs restarts a consumer itself after a retriable crash; after a non-retriable one (no
    // group coordinator, when the broker stops mid-heartbeat) the EventConsumer starts it again.
    await waitFor(
      'both consumers to have restarted while the broker is away',
      () => {
        const waiting = [intake, assignment].filter((s) => restartedBy(s) === undefined);
        if (waiting.length === 0) return Promise.resolve(true);
        throw new Error(waiting.map((s) => `${s.service}: ${consumerLog(s)}`).join('\n'));
      },
      120_000,
      500,
    );
    process.stdout.write(
      `consumers restarted: ${[intake, assignment].map((s) => `${s.service} by ${restartedBy(s)}`).join(', ')}\n`,
    );
    // Recovery is measured from the moment the broker answers metadata again.
    const starting = startBrokerInBackground();
    await waitFor('the broker to answer again', brokerAnswers, 120_000, 100);
    const back = Date.now();
    await waitFor(
      'the outbox to drain',
      async () => {
        const [row] = await query<{ n: string }>(
          'intake',
          'SELECT count(*) AS n FROM outbox_event WHERE published_at IS NULL',
        );
        return Number(row.n) === 0;
      },
      120_000,
      100,
    );
    const published = (Date.now() - back) / 1000;
    // Routing needs every path working again: assignment's consumer and relay, intake's consumer.
    await waitUntilAllAssigned(ids, 120_000);
    const routed = (Date.now() - back) / 1000;
    await starting;
    process.stdout.write(
      `broker back: outbox drained after ${published.toFixed(1)} s, cases routed after ${routed.toFixed(1)} s\n`,
    );
    await waitFor(
      'readiness to recover',
      async () => (await fetch(`${intake.url}/health/ready`)).status === 200,
      60_000,
      500,
    );
    expect(intake.process.exitCode).toBeNull();
    const publishedRows = await query<{ n: string }>(
      'intake',
      "SELECT count(*) AS n FROM outbox_event WHERE published_at IS NOT NULL AND event_type = $2 AND payload->>'caseId' = ANY($1)",
      [ids, EventTypes.CaseSubmitted],
    );
    expect(Number(publishedRows[0].n)).toBe(5);
    expect(assignment.process.exitCode).toBeNull();
  });
});
