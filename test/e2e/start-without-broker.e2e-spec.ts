import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { join } from 'node:path';
import { buildHeaders, ensureAcls, ensureTopics } from '@casebridge/messaging';
import { CASE_EVENTS_TOPIC, EventSources, EventTypes } from '@casebridge/contracts';
import { submittedCase } from '../support/events';
import { freePort, kafkaClient, query, resetDatabase, waitFor } from '../support/infra';

const ROOT = join(__dirname, '..', '..');
// A broker of this suite's own, apart from the run's (KAFKA_PORT) and broker-outage's (+100).
const PORT = String(Number(process.env.KAFKA_PORT ?? 19092) + 200);
const BROKERS = [`localhost:${PORT}`];

function broker(script: 'kafka-start.sh' | 'kafka-stop.sh', fresh = false): void {
  execFileSync('bash', [join(ROOT, 'scripts', script)], {
    env: { ...process.env, KAFKA_PORT: PORT, KAFKA_HEAP: '384m', KAFKA_FRESH: fresh ? '1' : '0' },
    stdio: 'ignore',
  });
}

const status = async (url: string): Promise<number> => {
  try {
    return (await fetch(url)).status;
  } catch {
    return 0;
  }
};

describe('Start-up without the broker', () => {
  let service: ChildProcess | undefined;
  let log = '';

  beforeAll(async () => {
    broker('kafka-stop.sh');
    await resetDatabase('assignment');
  });

  afterAll(async () => {
    if (service && service.exitCode === null) {
      const exited = new Promise((resolve) => service!.once('exit', resolve));
      service.kill('SIGTERM');
      await exited;
    }
    broker('kafka-stop.sh');
  });

  it('answers /health/live while the broker is down, and applies events once it is back', async () => {
    const port = await freePort();
    service = spawn(
      process.execPath,
      [join(ROOT, 'dist', 'apps', 'assignment', 'src', 'main.js')],
      {
        env: {
          ...process.env,
          NODE_ENV: 'test',
          ASSIGNMENT_PORT: String(port),
          KAFKA_BROKERS: BROKERS.join(','),
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const keep = (chunk: Buffer) => (log = (log + chunk.toString('utf8')).slice(-200_000));
    service.stdout?.on('data', keep);
    service.stderr?.on('data', keep);
    const url = `http://127.0.0.1:${port}`;

    await waitFor(
      'assignment to answer /health/live without a broker',
      async () => {
        if (service?.exitCode !== null) throw new Error(`assignment exited:\n${log.slice(-3000)}`);
        return (await status(`${url}/health/live`)) === 200;
      },
      60_000,
      300,
    );
    expect(await status(`${url}/health/ready`)).toBe(503);

    broker('kafka-start.sh', true);
    const admin = kafkaClient('start-without-broker', 'admin', BROKERS).admin();
    await admin.connect();
    await ensureTopics(admin);
    await ensureAcls(admin);
    await admin.disconnect();

    const data = submittedCase();
    const id = data.caseId;
    // Sent by the broker's admin (the ACLs are fresh); ce_source says intake, as intake would.
    const producer = kafkaClient('start-without-broker', 'admin', BROKERS).producer();
    await producer.connect();
    await producer.send({
      topic: CASE_EVENTS_TOPIC,
      acks: -1,
      messages: [
        {
          key: data.caseId,
          value: JSON.stringify(data),
          headers: buildHeaders(id, EventTypes.CaseSubmitted, EventSources.intake, data.caseId, {
            correlationId: id,
          }),
        },
      ],
    });
    await producer.disconnect();

    await waitFor(
      'the case.submitted to be applied once the broker is back',
      async () => {
        const rows = await query(
          'assignment',
          "SELECT 1 FROM inbox_message WHERE consumer_group = 'casebridge-assignment' AND event_id = $1",
          [id],
        );
        return rows.length === 1;
      },
      120_000,
      500,
    );
    const [assignment] = await query('assignment', 'SELECT 1 FROM assignment WHERE case_id = $1', [
      data.caseId,
    ]);
    expect(assignment).toBeDefined();
    await waitFor(
      'readiness once the broker is back',
      async () => (await status(`${url}/health/ready`)) === 200,
      60_000,
      500,
    );
  }, 300_000);
});
