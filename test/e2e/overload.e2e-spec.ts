import { CASE_EVENTS_TOPIC, EventTypes } from '@casebridge/contracts';
import { makeCase, seededRandom } from '../support/cases';
import { query, resetDatabase, resetTopics, waitFor } from '../support/infra';
import { disconnectTestProducer, readAll } from '../support/kafka';
import { ServiceProcess, startServiceProcess } from '../support/service-process';
import { tokenFor } from '../support/tokens';

interface Outcome {
  status: number;
  contentType: string | null;
  retryAfter: string | null;
  body: { id?: string; code?: string; status?: number } | null;
  error?: string;
}

/**
 * Admission control under a burst far beyond a tiny limit: every request gets an answer (201 or
 * 503 `overloaded` with Retry-After, from admission control), never a connection error or
 * another 5xx; what was accepted is stored and published exactly once, nothing shed left a
 * trace; then the service accepts normally again.
 */
describe('Overload: a burst beyond the admission limits is shed early and cleanly', () => {
  const random = seededRandom(4242);
  let intake: ServiceProcess;

  beforeAll(async () => {
    await resetTopics();
    await resetDatabase('intake');
    intake = await startServiceProcess('intake', {
      RATE_LIMIT_PER_MINUTE: '1000000',
      HTTP_MAX_IN_FLIGHT: '2',
      HTTP_MAX_QUEUED: '4',
      HTTP_MAX_QUEUE_WAIT_MS: '250',
    });
  });

  afterAll(async () => {
    await intake?.stop();
    await disconnectTestProducer();
  });

  async function submit(index: number, sub: string): Promise<Outcome> {
    try {
      const res = await fetch(`${intake.url}/v1/cases`, {
        method: 'POST',
        headers: {
          Authorization: `Bearer ${tokenFor('intake_officer', undefined, sub)}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify(makeCase(random, { hostCountry: 'KZ' }, index)),
      });
      const text = await res.text();
      return {
        status: res.status,
        contentType: res.headers.get('content-type'),
        retryAfter: res.headers.get('retry-after'),
        body: text ? (JSON.parse(text) as Outcome['body']) : null,
      };
    } catch (error) {
      const e = error as Error & { cause?: { code?: string; message?: string } };
      return {
        status: 0,
        contentType: null,
        retryAfter: null,
        body: null,
        error: `${e.message}: ${e.cause?.code ?? e.cause?.message ?? ''}`,
      };
    }
  }

  it('answers every request of a 400-request burst 201 or 503 overloaded, stores and publishes each accepted case once, then accepts normally', async () => {
    // Far more than two in flight and four queued can take while it arrives. How many are shed
    // depends on how fast intake serves the admitted ones: 98 of 200 on a loaded CI machine
    // after complaints took two round trips instead of seven, 171 of 400 on the same machine.
    const burst = 400;
    const health: Promise<number>[] = [];
    const outcomes = await Promise.all(
      Array.from({ length: burst }, (_, i) => {
        // Operators still see the service in the middle of the burst.
        if (i % 50 === 25) health.push(fetch(`${intake.url}/health/live`).then((r) => r.status));
        return submit(90_000 + i, `overload-officer-${i}`);
      }),
    );

    const byStatus = new Map<number, number>();
    for (const o of outcomes) byStatus.set(o.status, (byStatus.get(o.status) ?? 0) + 1);
    process.stdout.write(
      `overload burst of ${burst}: ${JSON.stringify(Object.fromEntries(byStatus))}\n`,
    );
    // No connection error (status 0), no 500, no other status at all.
    expect(outcomes.filter((o) => o.status === 0).map((o) => o.error)).toEqual([]);
    expect([...byStatus.keys()].sort()).toEqual([201, 503]);
    const shed = outcomes.filter((o) => o.status === 503);
    expect(shed.length).toBeGreaterThan(burst / 4);
    for (const o of shed) {
      expect(o.contentType).toMatch(/^application\/problem\+json/);
      expect(o.retryAfter).toBe('1');
      // Shed by admission control, the first middleware (before the body is read, the token
      // checked or a database connection asked for), not by a pool timeout (that would be
      // service_unavailable); its counter accounts for every 503 (below).
      expect(o.body).toMatchObject({ status: 503, code: 'overloaded' });
    }
    expect(await Promise.all(health)).toEqual(health.map(() => 200));

    // Every accepted case exists once, and nothing of a shed request was stored.
    const ids = outcomes.filter((o) => o.status === 201).map((o) => o.body!.id!);
    expect(new Set(ids).size).toBe(ids.length);
    const [stored] = await query<{ all: string; ours: string }>(
      'intake',
      'SELECT count(*) AS all, count(*) FILTER (WHERE id = ANY($1::uuid[])) AS ours FROM case_file',
      [ids],
    );
    expect({ all: Number(stored.all), ours: Number(stored.ours) }).toEqual({
      all: ids.length,
      ours: ids.length,
    });

    // After the burst it accepts normally: one request at a time, each admitted at once.
    const after: Outcome[] = [];
    for (let i = 0; i < 10; i++) after.push(await submit(91_000 + i, `after-burst-${i}`));
    expect(after.map((o) => o.status)).toEqual(after.map(() => 201));
    const accepted = [...ids, ...after.map((o) => o.body!.id!)];

    // Every accepted case is published exactly once.
    const submitted = await waitFor(
      `${accepted.length} case.submitted events on the topic`,
      async () => {
        const events = (await readAll(CASE_EVENTS_TOPIC)).filter(
          (m) => m.headers.ce_type === EventTypes.CaseSubmitted,
        );
        return events.length >= accepted.length ? events : undefined;
      },
      60_000,
      500,
    );
    const caseIds = submitted.map((m) => m.key!);
    expect(caseIds.sort()).toEqual([...accepted].sort());

    // The metrics tell the story, and no slot leaked.
    const metrics = await (await fetch(`${intake.url}/metrics`)).text();
    const shedCount = [...metrics.matchAll(/^casebridge_http_requests_shed_total\{[^}]*\} (\d+)/gm)]
      .map((m) => Number(m[1]))
      .reduce((a, b) => a + b, 0);
    expect(shedCount).toBe(shed.length);
    expect(metrics).toMatch(/^casebridge_http_requests_in_flight\{[^}]*\} 0$/m);
    expect(metrics).toMatch(/^casebridge_http_requests_queued\{[^}]*\} 0$/m);
    expect(intake.output()).not.toMatch(/"status":500|internal_error/);
    expect(intake.process.exitCode).toBeNull();
  });
});
