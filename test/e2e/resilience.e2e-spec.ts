import { makeCase, seededRandom } from '../support/cases';
import { resetDatabase, resetTopics, waitFor } from '../support/infra';
import { ServiceClient } from '../support/service-client';
import { ServiceProcess, startServiceProcess } from '../support/service-process';
import { TcpProxy } from '../support/tcp-proxy';

describe('Resilience: the database goes away and comes back', () => {
  const proxy = new TcpProxy(Number(process.env.DATABASE_PORT ?? 5432));
  let intake: ServiceProcess;
  let api: ServiceClient;
  const random = seededRandom(11);

  beforeAll(async () => {
    // No stale events of earlier suites for intake's consumer to wade through first.
    await resetTopics();
    await resetDatabase('intake');
    await proxy.start();
    intake = await startServiceProcess('intake', { DATABASE_PORT: String(proxy.port) });
    api = new ServiceClient(intake.url);
  });

  afterAll(async () => {
    await intake?.stop();
    await proxy.cut();
  });

  it('answers 503 problem+json with Retry-After while PostgreSQL is unreachable, stays up, and recovers by itself', async () => {
    const officer = { role: 'intake_officer' } as const;
    expect(
      (await api.call(officer, 'POST', '/v1/cases', makeCase(random, { hostCountry: 'RU' }, 1)))
        .status,
    ).toBe(201);

    await proxy.cut();
    const down = await api.call(
      officer,
      'POST',
      '/v1/cases',
      makeCase(random, { hostCountry: 'RU' }, 2),
    );
    expect(down.status).toBe(503);
    expect(down.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(down.headers.get('retry-after')).toBe('5');
    expect(down.body).toMatchObject({ status: 503, code: 'service_unavailable' });
    expect(JSON.stringify(down.body)).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|stack/);
    const ready = await fetch(`${intake.url}/health/ready`);
    expect(ready.status).toBe(503);
    expect((await fetch(`${intake.url}/health/live`)).status).toBe(200);

    await proxy.restore();
    const created = await waitFor(
      'intake to accept complaints again',
      async () => {
        const res = await api.call<{ id: string }>(
          officer,
          'POST',
          '/v1/cases',
          makeCase(random, { hostCountry: 'RU' }, 3),
        );
        return res.status === 201 ? res : undefined;
      },
      60_000,
      500,
    );
    expect(created.body.id).toEqual(expect.any(String));
    expect((await fetch(`${intake.url}/health/ready`)).status).toBe(200);
    expect(intake.process.exitCode).toBeNull();
  });
});
