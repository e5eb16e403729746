import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { ensureAcls, ensureTopics } from '@casebridge/messaging';
import { makeCase, seededRandom } from './support/cases';
import { kafkaClient, query, resetDatabase, waitFor } from './support/infra';
import { IntakeClient } from './support/intake-client';
import { ServiceProcess, startServiceProcess } from './support/service-process';

const ROOT = join(__dirname, '..');
const PORT = '29192';
const brokerEnv = { ...process.env, KAFKA_PORT: PORT, KAFKA_HEAP: '384m' };

function broker(script: 'kafka-start.sh' | 'kafka-stop.sh', fresh = false): void {
  execFileSync('bash', [join(ROOT, 'scripts', script)], {
    env: { ...brokerEnv, KAFKA_FRESH: fresh ? '1' : '0' },
    stdio: 'ignore',
  });
}

/** A broker of this suite's own, so that stopping it disturbs no other suite. */
describe('Resilience: the Kafka broker goes away and comes back', () => {
  let intake: ServiceProcess;
  let api: IntakeClient;
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
    intake = await startServiceProcess('intake', { KAFKA_BROKERS: `localhost:${PORT}` });
    api = new IntakeClient(intake.url);
  });

  afterAll(async () => {
    await intake?.stop();
    broker('kafka-stop.sh');
  });

  it('keeps taking complaints into the outbox, reports not ready, and publishes them once the broker is back', async () => {
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

    broker('kafka-start.sh');
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
      1000,
    );
    await waitFor(
      'readiness to recover',
      async () => (await fetch(`${intake.url}/health/ready`)).status === 200,
      60_000,
      500,
    );
    expect(intake.process.exitCode).toBeNull();
    const published = await query<{ n: string }>(
      'intake',
      "SELECT count(*) AS n FROM outbox_event WHERE published_at IS NOT NULL AND payload->>'caseId' = ANY($1)",
      [ids],
    );
    expect(Number(published[0].n)).toBe(5);
  });
});
