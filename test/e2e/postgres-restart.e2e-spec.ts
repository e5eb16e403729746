import { makeCase, seededRandom } from '../support/cases';
import { resetTopics, sleep, testDatabaseName, waitFor } from '../support/infra';
import { ServiceClient } from '../support/service-client';
import { PrivatePostgres } from '../support/private-postgres';
import { ServiceProcess, startServiceProcess } from '../support/service-process';

/**
 * PostgreSQL restarted (fast shutdown: every connection terminated) while complaints stream in.
 * Requests in flight get 503 problem+json with Retry-After, never a 500; the service recovers by
 * itself; a client that retries with its Idempotency-Key gets exactly one case per complaint.
 */
describe('Resilience: PostgreSQL restarts while complaints stream in', () => {
  const postgres = new PrivatePostgres();
  const officer = { role: 'intake_officer' } as const;
  let intake: ServiceProcess;
  let api: ServiceClient;

  beforeAll(async () => {
    await resetTopics();
    await postgres.start();
    intake = await startServiceProcess('intake', {
      ...postgres.environment(),
      RATE_LIMIT_PER_MINUTE: '1000000',
    });
    api = new ServiceClient(intake.url);
  });

  afterAll(async () => {
    await intake?.stop();
    postgres.stop();
  });

  it('answers 503 with Retry-After to requests in flight, recovers, and keeps one case per Idempotency-Key', async () => {
    const random = seededRandom(808);
    const complaints = Array.from({ length: 240 }, (_, i) =>
      makeCase(random, { hostCountry: 'RU', hostCity: 'Moscow' }, 80_000 + i),
    );
    const statuses = new Map<number, number>();
    const unavailable: { type: string | null; retryAfter: string | null; body: unknown }[] = [];
    const caseOf = new Map<number, Set<string>>();
    let restarted = false;
    let next = 0;

    async function submit(i: number): Promise<void> {
      const key = `restart-test-${i}`;
      for (;;) {
        const res = await api.call<{ id: string }>(officer, 'POST', '/v1/cases', complaints[i], {
          'Idempotency-Key': key,
        });
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        if (res.status === 201) {
          caseOf.set(i, (caseOf.get(i) ?? new Set()).add(res.body.id));
          // Once the server is back, the same key answers with the same case.
          if (restarted && caseOf.get(i)?.size === 1 && i % 10 === 0) {
            const again = await api.call<{ id: string }>(
              officer,
              'POST',
              '/v1/cases',
              complaints[i],
              {
                'Idempotency-Key': key,
              },
            );
            caseOf.get(i)?.add(again.body.id);
          }
          return;
        }
        if (res.status !== 503) return;
        unavailable.push({
          type: res.headers.get('content-type'),
          retryAfter: res.headers.get('retry-after'),
          body: res.body,
        });
        await sleep(100);
      }
    }

    const clients = Array.from({ length: 12 }, async () => {
      while (next < complaints.length) await submit(next++);
    });
    await waitFor('a third of the complaints to be in', () =>
      Promise.resolve(next >= complaints.length / 3),
    );
    await postgres.restart();
    restarted = true;
    await Promise.all(clients);

    // Nothing but 201 and 503 (the restart did refuse requests): no 500, nor any other status.
    expect([...statuses.keys()].sort()).toEqual([201, 503]);
    for (const u of unavailable) {
      expect(u.type).toMatch(/^application\/problem\+json/);
      expect(u.retryAfter).toMatch(/^\d+$/);
      expect(u.body).toMatchObject({ status: 503, code: 'service_unavailable' });
    }
    // Every complaint became one case, whatever the client had to retry.
    expect(caseOf.size).toBe(complaints.length);
    for (const ids of caseOf.values()) expect(ids.size).toBe(1);
    const db = testDatabaseName('intake');
    const [counts] = await postgres.query<{ cases: string; keys: string }>(
      db,
      `SELECT (SELECT count(*) FROM case_file) AS cases,
              (SELECT count(*) FROM idempotency_key) AS keys`,
    );
    expect(Number(counts.cases)).toBe(complaints.length);
    expect(Number(counts.keys)).toBe(complaints.length);
    // The relay survived the restart too: every case's event leaves the outbox.
    await waitFor('the outbox to drain after the restart', async () => {
      const [row] = await postgres.query<{ n: string }>(
        db,
        'SELECT count(*) AS n FROM outbox_event WHERE published_at IS NULL',
      );
      return Number(row.n) === 0;
    });
    expect((await fetch(`${intake.url}/health/ready`)).status).toBe(200);
    expect(intake.process.exitCode).toBeNull();
    expect(intake.output()).not.toMatch(/"status":500|internal_error/);
  });
});
