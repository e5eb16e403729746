import { createServer, type Server } from 'node:http';
import { connect, createServer as createTcpServer, type AddressInfo, type Socket } from 'node:net';
import { makeCase, seededRandom, submitCases } from '../support/cases';
import { resetDatabase, resetTopics, sleep, waitFor } from '../support/infra';
import { ServiceProcess, startServiceProcess } from '../support/service-process';
import { SERVICES, waitForReportTotals, waitUntilAllAssigned } from '../support/system';
import { tokenFor } from '../support/tokens';

/**
 * A loopback proxy to PostgreSQL that counts what a service sends: bytes, and statements (the
 * frontend protocol's simple Query and extended Execute messages).
 */
class CountingProxy {
  private server?: ReturnType<typeof createTcpServer>;
  private readonly sockets = new Set<Socket>();
  port = 0;
  bytesToTarget = 0;
  statements = 0;

  constructor(private readonly targetPort: number) {}

  async start(): Promise<void> {
    this.server = createTcpServer((client) => {
      const upstream = connect(this.targetPort, '127.0.0.1');
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => s.destroy());
      }
      let pending = Buffer.alloc(0);
      let started = false;
      client.on('data', (chunk: Buffer) => {
        this.bytesToTarget += chunk.length;
        pending = Buffer.concat([pending, chunk]);
        for (;;) {
          // The startup message has no type byte: a length, then the protocol version.
          const header = started ? 5 : 4;
          if (pending.length < header) break;
          const length = started ? 1 + pending.readInt32BE(1) : pending.readInt32BE(0);
          if (pending.length < length) break;
          if (started && (pending[0] === 0x51 || pending[0] === 0x45)) this.statements++; // Q, E
          started = true;
          pending = pending.subarray(length);
        }
      });
      client.pipe(upstream).pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) =>
      this.server ? this.server.close(() => resolve()) : resolve(),
    );
  }
}

/** A webhook receiver on 127.0.0.1 answering 204, keeping the case of each event received. */
async function startReceiver(): Promise<{ url: string; caseIds: string[]; server: Server }> {
  const caseIds: string[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      caseIds.push(
        (JSON.parse(Buffer.concat(chunks).toString('utf8')) as { caseId: string }).caseId,
      );
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    caseIds,
    server,
  };
}

/**
 * An idle system sends PostgreSQL nothing: relays wait for the commits' notifications (LISTEN),
 * consumers wait on Kafka, reporting's webhooks wait for a subscription's registration. Each
 * service reaches the database through a proxy of its own that counts what it sends. The SLA
 * scan, assignment's only timer, is set out of the window. With a webhook subscription, the
 * delivery worker too waits for the commits that queue deliveries: issue 12 allows an idle
 * service one query a second.
 */
describe('Idle services and the database', () => {
  const proxies = Object.fromEntries(
    SERVICES.map((s) => [s, new CountingProxy(Number(process.env.DATABASE_PORT ?? 5432))]),
  );
  const services: Partial<Record<(typeof SERVICES)[number], ServiceProcess>> = {};
  const random = seededRandom(77);

  beforeAll(async () => {
    await resetTopics();
    for (const service of SERVICES) await resetDatabase(service);
    for (const service of SERVICES) {
      await proxies[service].start();
      services[service] = await startServiceProcess(service, {
        DATABASE_PORT: String(proxies[service].port),
        // The relays' poll interval while they cannot listen; listening, they must not poll.
        OUTBOX_POLL_MS: '50',
        // The webhook worker's, likewise.
        WEBHOOK_POLL_MS: '50',
        // The receiver is on 127.0.0.1 (allowed here only).
        WEBHOOK_ALLOW_HTTP: 'true',
        WEBHOOK_ALLOWED_NETWORKS: '127.0.0.1/32',
        SLA_SCAN_INTERVAL_MS: '3600000',
        // One and two cases in the report: small-cell suppression off on purpose.
        REPORT_MIN_CELL_SIZE: '1',
      });
    }
  });

  afterAll(async () => {
    await Promise.all(Object.values(services).map((s) => s?.stop()));
    for (const proxy of Object.values(proxies)) await proxy.stop();
  });

  it('sends no query while idle, and the next complaint is still routed at once (woken by its commit)', async () => {
    const first = await submitCases(services.intake!.url, [
      makeCase(random, { hostCountry: 'KZ' }, 1),
    ]);
    await waitUntilAllAssigned(first, 30_000);
    await waitForReportTotals(services.reporting!.url, 1, 1, 30_000);
    await sleep(1000);

    const before = Object.fromEntries(SERVICES.map((s) => [s, proxies[s].bytesToTarget]));
    await sleep(5000);
    const sent = Object.fromEntries(SERVICES.map((s) => [s, proxies[s].bytesToTarget - before[s]]));
    expect(sent).toEqual({ intake: 0, assignment: 0, reporting: 0 });

    // The relays' fallback poll is 30 s away: only the notifications can route this one in time.
    const second = await submitCases(services.intake!.url, [
      makeCase(random, { hostCountry: 'RU' }, 2),
    ]);
    await waitUntilAllAssigned(second, 10_000);
    await waitForReportTotals(services.reporting!.url, 2, 2, 10_000);
  }, 120_000);

  it('with a webhook subscription, reporting sends under a query a second while idle, and delivers the next event at once (woken by its commit)', async () => {
    const receiver = await startReceiver();
    try {
      const registered = await fetch(`${services.reporting!.url}/v1/webhooks/subscriptions`, {
        method: 'POST',
        headers: {
          Authorization: `Bearer ${tokenFor('admin')}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify({
          url: receiver.url,
          eventTypes: ['casebridge.case.submitted.v1'],
          hostCountry: 'KZ',
        }),
      });
      expect(registered.status).toBe(201);
      const third = await submitCases(services.intake!.url, [
        makeCase(random, { hostCountry: 'KZ' }, 3),
      ]);
      await waitFor('the submission to be delivered', () =>
        Promise.resolve(receiver.caseIds.includes(third[0])),
      );
      await waitUntilAllAssigned(third, 30_000);
      await waitForReportTotals(services.reporting!.url, 3, 3, 30_000);
      await sleep(1000);

      const before = proxies.reporting.statements;
      await sleep(10_000);
      const statements = proxies.reporting.statements - before;
      expect(statements).toBeLessThanOrEqual(10);

      // Nothing is due: the worker sleeps for a minute, so only the notification of the commit
      // that queued this delivery can bring it in time.
      const fourth = await submitCases(services.intake!.url, [
        makeCase(random, { hostCountry: 'KZ' }, 4),
      ]);
      await waitFor(
        'the next submission to be delivered',
        () => Promise.resolve(receiver.caseIds.includes(fourth[0])),
        10_000,
      );
      expect(receiver.caseIds).toEqual([third[0], fourth[0]]);
    } finally {
      receiver.server.closeAllConnections();
      await new Promise((resolve) => receiver.server.close(resolve));
    }
  }, 120_000);
});
