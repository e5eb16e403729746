import { makeCase, seededRandom, submitCases } from '../support/cases';
import { resetDatabase, resetTopics, sleep } from '../support/infra';
import { ServiceProcess, startServiceProcess } from '../support/service-process';
import { SERVICES, waitForReportTotals, waitUntilAllAssigned } from '../support/system';
import { TcpProxy } from '../support/tcp-proxy';

/**
 * An idle system sends PostgreSQL nothing: relays wait for the commits' notifications (LISTEN),
 * consumers wait on Kafka. Each service reaches the database through a proxy of its own that
 * counts the bytes it sends. The SLA scan, assignment's only timer, is set out of the window.
 */
describe('Idle services and the database', () => {
  const proxies = Object.fromEntries(
    SERVICES.map((s) => [s, new TcpProxy(Number(process.env.DATABASE_PORT ?? 5432))]),
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
        SLA_SCAN_INTERVAL_MS: '3600000',
        // One and two cases in the report: small-cell suppression off on purpose.
        REPORT_MIN_CELL_SIZE: '1',
      });
    }
  });

  afterAll(async () => {
    await Promise.all(Object.values(services).map((s) => s?.stop()));
    for (const proxy of Object.values(proxies)) await proxy.cut();
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
});
