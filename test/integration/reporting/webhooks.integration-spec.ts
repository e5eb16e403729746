import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { Webhook } from 'standardwebhooks';
import { EventTypes, type CaseStatus } from '@casebridge/contracts';
import { freePort, query, resetDatabase, resetTopics, waitFor } from '../../support/infra';
import { disconnectTestProducer, produceEvent, produceEvents } from '../../support/kafka';
import { submittedCase } from '../../support/events';
import { ServiceProcess, startServiceProcess } from '../../support/service-process';
import { bearer } from '../../support/tokens';
import { startWebhookReceiver, type ReceivedEvent } from '../../../examples/webhook-receiver';

/**
 * Signed webhooks end to end: a reporting process, contract-valid events on the real topics,
 * receivers on 127.0.0.1 (allowed by WEBHOOK_ALLOW_HTTP and WEBHOOK_ALLOWED_NETWORKS here only),
 * signatures checked with the official standardwebhooks package. Each scenario's subscription
 * filters on a host country of its own, so the scenarios share the process without crossing.
 */

const SUBSCRIPTIONS = '/v1/webhooks/subscriptions';
const admin = bearer('admin');
const RETRY = { base: 100, max: 400, attempts: 6 };
const SUBSCRIPTION_CONCURRENCY = 8;
const WEBHOOK_ENV = {
  WEBHOOK_ALLOW_HTTP: 'true',
  WEBHOOK_ALLOWED_NETWORKS: '127.0.0.1/32',
  WEBHOOK_RETRY_BASE_MS: String(RETRY.base),
  WEBHOOK_RETRY_MAX_DELAY_MS: String(RETRY.max),
  WEBHOOK_MAX_ATTEMPTS: String(RETRY.attempts),
  WEBHOOK_REQUEST_TIMEOUT_MS: '2000',
  WEBHOOK_POLL_MS: '50',
  WEBHOOK_SUBSCRIPTION_CONCURRENCY: String(SUBSCRIPTION_CONCURRENCY),
};

interface Hit {
  path: string;
  headers: Record<string, string>;
  body: string;
  at: number;
  status: number;
}

/** A receiver answering each path as told (204 by default), recording every request. */
interface TestReceiver {
  port: number;
  hits: Hit[];
  /** Status to answer a request with (given the hit and how many came before on its path). */
  answer: Map<string, (hit: Hit) => number>;
  /** Paths answered after a delay, then `done` called. */
  delay: Map<string, { ms: number; done: () => void }>;
  close(): Promise<void>;
}

function headersOf(req: IncomingMessage): Record<string, string> {
  return Object.fromEntries(
    Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : (v ?? '')]),
  );
}

async function startTestReceiver(port = 0): Promise<TestReceiver> {
  const hits: Hit[] = [];
  const answer = new Map<string, (hit: Hit) => number>();
  const delay = new Map<string, { ms: number; done: () => void }>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const hit: Hit = {
        path: req.url ?? '',
        headers: headersOf(req),
        body: Buffer.concat(chunks).toString('utf8'),
        at: Date.now(),
        status: 204,
      };
      hit.status = answer.get(hit.path)?.(hit) ?? 204;
      hits.push(hit);
      const respond = () => {
        // A body the delivery log must never show.
        res.writeHead(hit.status, { 'content-type': 'text/plain' });
        res.end(hit.status >= 300 ? 'receiver internals: do-not-leak-7f3a' : undefined);
      };
      const slow = delay.get(hit.path);
      if (!slow) return respond();
      setTimeout(() => {
        slow.done();
        respond();
      }, slow.ms);
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    hits,
    answer,
    delay,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

interface Delivery {
  id: string;
  eventId: string;
  eventType: string;
  caseId: string;
  status: 'pending' | 'delivered' | 'parked';
  attempts: number;
  replays: number;
  heldBehind: string | null;
  lastStatusCode: number | null;
  lastError: string | null;
}

const statusChanged = (caseId: string, hostCountry: string, version: number, to: CaseStatus) => ({
  caseId,
  hostCountry,
  from: 'submitted' as CaseStatus,
  to,
  at: new Date().toISOString(),
  actor: { type: 'user' as const, id: 'cw-test' },
  version,
});

describe('signed webhooks', () => {
  let service: ServiceProcess;
  let strict: ServiceProcess;
  let receiver: TestReceiver;

  const api = () => request(service.url);
  const url = (path: string, port = receiver.port) => `http://127.0.0.1:${port}${path}`;

  async function subscribe(body: Record<string, unknown>): Promise<{ id: string; secret: string }> {
    const res = await api().post(SUBSCRIPTIONS).set(admin).send(body);
    expect(res.status).toBe(201);
    return res.body as { id: string; secret: string };
  }

  async function log(subscriptionId: string): Promise<Delivery[]> {
    const res = await api()
      .get(`${SUBSCRIPTIONS}/${subscriptionId}/deliveries?limit=200`)
      .set(admin)
      .expect(200);
    return (res.body.items as Delivery[]).reverse();
  }

  async function submit(hostCountry: string): Promise<{ caseId: string; eventId: string }> {
    const data = submittedCase({ hostCountry, hostCity: null });
    const eventId = await produceEvent(EventTypes.CaseSubmitted, data);
    return { caseId: data.caseId, eventId };
  }

  const changeStatus = (caseId: string, hostCountry: string, version: number, to: CaseStatus) =>
    produceEvent(EventTypes.CaseStatusChanged, statusChanged(caseId, hostCountry, version, to));

  const hitsOf = (path: string) => receiver.hits.filter((h) => h.path === path);

  beforeAll(async () => {
    await resetTopics();
    await resetDatabase('reporting');
    receiver = await startTestReceiver();
    [service, strict] = await Promise.all([
      startServiceProcess('reporting', WEBHOOK_ENV),
      // The default destination rules; it delivers nothing (the other process does).
      startServiceProcess('reporting', { WEBHOOKS_ENABLED: 'false' }),
    ]);
  }, 120_000);

  afterAll(async () => {
    await Promise.all([service?.stop(), strict?.stop()]);
    await receiver?.close();
    await disconnectTestProducer();
  });

  describe('the subscription API', () => {
    const problem = (res: request.Response, status: number, code: string) => {
      expect(res.status).toBe(status);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body.code).toBe(code);
      return res.body as { errors?: { field: string; message: string }[]; detail: string };
    };

    it.each([
      'https://127.0.0.1/hooks',
      'https://localhost/hooks',
      'https://[::1]/hooks',
      'https://[::ffff:127.0.0.1]/hooks',
      'https://[::ffff:a00:1]/hooks',
      'https://10.0.0.1/hooks',
      'https://192.168.0.10/hooks',
      'https://169.254.169.254/latest/meta-data',
      'https://[fe80::1]/hooks',
      'https://[fd00::1]/hooks',
      'https://0.0.0.0/hooks',
      'https://2130706433/hooks',
    ])('refuses to register %s with the default configuration', async (target) => {
      const res = await request(strict.url)
        .post(SUBSCRIPTIONS)
        .set(admin)
        .send({ url: target, eventTypes: [EventTypes.CaseSubmitted] });
      const body = problem(res, 400, 'webhook_url_refused');
      expect(body.errors).toEqual([{ field: 'url', message: expect.stringMatching(/address/) }]);
    });

    it('refuses plain http with the default configuration', async () => {
      const res = await request(strict.url)
        .post(SUBSCRIPTIONS)
        .set(admin)
        .send({ url: 'http://93.184.216.34/hooks', eventTypes: [EventTypes.CaseSubmitted] });
      expect(problem(res, 400, 'webhook_url_refused').detail).toMatch(/https/);
    });

    it('refuses other private addresses even where loopback is allowed', async () => {
      for (const target of ['http://127.0.0.2:9/x', 'http://[::1]:9/x', 'http://10.1.1.1/x']) {
        const res = await api()
          .post(SUBSCRIPTIONS)
          .set(admin)
          .send({ url: target, eventTypes: [EventTypes.CaseSubmitted] });
        problem(res, 400, 'webhook_url_refused');
      }
    });

    it.each([
      [{ eventTypes: [EventTypes.CaseSubmitted] }, 'url'],
      [{ url: 'http://127.0.0.1:9/x', eventTypes: [] }, 'eventTypes'],
      [{ url: 'http://127.0.0.1:9/x', eventTypes: ['casebridge.case.nope.v1'] }, 'eventTypes'],
      [
        {
          url: 'http://127.0.0.1:9/x',
          eventTypes: [EventTypes.CaseSubmitted, EventTypes.CaseSubmitted],
        },
        'eventTypes',
      ],
      [
        { url: 'http://127.0.0.1:9/x', eventTypes: [EventTypes.CaseSubmitted], hostCountry: 'XX' },
        'hostCountry',
      ],
      [
        { url: 'http://127.0.0.1:9/x', eventTypes: [EventTypes.CaseSubmitted], consulateId: 'x' },
        'consulateId',
      ],
      [
        { url: 'http://127.0.0.1:9/x', eventTypes: [EventTypes.CaseSubmitted], secret: 'hunter2' },
        'secret',
      ],
      [
        { url: 'http://127.0.0.1:9/x', eventTypes: [EventTypes.CaseSubmitted], contentMode: 'xml' },
        'contentMode',
      ],
      [{ url: 'http://127.0.0.1:9/x', eventTypes: [EventTypes.CaseSubmitted], extra: 1 }, 'extra'],
      [{ url: 42, eventTypes: [EventTypes.CaseSubmitted] }, 'url'],
    ])('refuses %j naming %s', async (body, field) => {
      const res = await api().post(SUBSCRIPTIONS).set(admin).send(body);
      const problemBody = problem(res, 400, 'validation_failed');
      expect(problemBody.errors?.map((e) => e.field)).toContain(field);
    });

    it('is for administrators only', async () => {
      for (const role of ['manager', 'intake_officer'] as const) {
        const res = await api().get(SUBSCRIPTIONS).set(bearer(role));
        expect(res.status).toBe(403);
        expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      }
      expect((await api().get(SUBSCRIPTIONS)).status).toBe(401);
    });

    it('creates, reads, lists, updates and deletes; the secret is shown once, then as a hint', async () => {
      const created = await api()
        .post(SUBSCRIPTIONS)
        .set(admin)
        .send({ url: url('/crud'), eventTypes: [EventTypes.CaseAssigned], hostCountry: 'IT' })
        .expect(201);
      const { id, secret } = created.body as { id: string; secret: string };
      expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
      expect(created.body).toMatchObject({
        url: url('/crud'),
        eventTypes: [EventTypes.CaseAssigned],
        hostCountry: 'IT',
        consulateId: null,
        contentMode: 'binary',
        status: 'active',
        secretHint: `whsec_…${secret.slice(-4)}`,
      });
      const read = await api().get(`${SUBSCRIPTIONS}/${id}`).set(admin).expect(200);
      const listed = await api().get(SUBSCRIPTIONS).set(admin).expect(200);
      expect(listed.body.map((s: { id: string }) => s.id)).toContain(id);
      const patched = await api()
        .patch(`${SUBSCRIPTIONS}/${id}`)
        .set(admin)
        .send({
          status: 'paused',
          hostCountry: null,
          consulateId: 'IT-ROM',
          contentMode: 'structured',
        })
        .expect(200);
      expect(patched.body).toMatchObject({
        status: 'paused',
        hostCountry: null,
        consulateId: 'IT-ROM',
        contentMode: 'structured',
      });
      const rotated = 'whsec_' + Buffer.alloc(24, 7).toString('base64');
      const afterRotation = await api()
        .patch(`${SUBSCRIPTIONS}/${id}`)
        .set(admin)
        .send({ secret: rotated })
        .expect(200);
      expect(afterRotation.body.secretHint).toBe(`whsec_…${rotated.slice(-4)}`);
      for (const body of [read.body, listed.body, patched.body, afterRotation.body])
        expect(JSON.stringify(body)).not.toContain(secret.slice(6, 20));
      expect(JSON.stringify(afterRotation.body)).not.toContain(rotated.slice(6, 20));
      // Never logged either.
      expect(service.output()).not.toContain(secret.slice(6));
      expect(service.output()).not.toContain(rotated.slice(6));

      problem(
        await api().patch(`${SUBSCRIPTIONS}/${id}`).set(admin).send({}),
        400,
        'validation_failed',
      );
      problem(
        await api().patch(`${SUBSCRIPTIONS}/${id}`).set(admin).send({ url: 'https://10.0.0.1/x' }),
        400,
        'webhook_url_refused',
      );
      await api().delete(`${SUBSCRIPTIONS}/${id}`).set(admin).expect(204);
      problem(
        await api().get(`${SUBSCRIPTIONS}/${id}`).set(admin),
        404,
        'webhook_subscription_not_found',
      );
      problem(
        await api().delete(`${SUBSCRIPTIONS}/${id}`).set(admin),
        404,
        'webhook_subscription_not_found',
      );
    });

    it('answers bad ids, queries and unknown deliveries with 4xx problems', async () => {
      const { id } = await subscribe({
        url: url('/ids'),
        eventTypes: [EventTypes.CaseAssigned],
        hostCountry: 'IT',
      });
      problem(await api().get(`${SUBSCRIPTIONS}/not-a-uuid`).set(admin), 400, 'validation_failed');
      problem(
        await api().get(`${SUBSCRIPTIONS}/${id}/deliveries?status=lost`).set(admin),
        400,
        'validation_failed',
      );
      problem(
        await api().get(`${SUBSCRIPTIONS}/${id}/deliveries?limit=0`).set(admin),
        400,
        'validation_failed',
      );
      problem(
        await api().get(`${SUBSCRIPTIONS}/${id}/deliveries?cursor=bm9wZQ`).set(admin),
        400,
        'validation_failed',
      );
      problem(
        await api().get(`${SUBSCRIPTIONS}/${id}/deliveries/${randomUUID()}`).set(admin),
        404,
        'webhook_delivery_not_found',
      );
      problem(
        await api().post(`${SUBSCRIPTIONS}/${id}/deliveries/${randomUUID()}/replay`).set(admin),
        404,
        'webhook_delivery_not_found',
      );
      problem(
        await api().post(`${SUBSCRIPTIONS}/${id}/deliveries/x/replay`).set(admin),
        400,
        'validation_failed',
      );
      problem(
        await api().post(`${SUBSCRIPTIONS}/${randomUUID()}/deliveries/replay-parked`).set(admin),
        404,
        'webhook_subscription_not_found',
      );
      await api().delete(`${SUBSCRIPTIONS}/${id}`).set(admin).expect(204);
    });
  });

  describe('deliveries', () => {
    it('POSTs each event as a signed CloudEvent, binary or structured, that an independent implementation verifies', async () => {
      const binary = await subscribe({
        url: url('/de-binary'),
        eventTypes: [EventTypes.CaseSubmitted],
        hostCountry: 'DE',
      });
      const structured = await subscribe({
        url: url('/de-structured'),
        eventTypes: [EventTypes.CaseSubmitted],
        hostCountry: 'DE',
        contentMode: 'structured',
        secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
      });
      const { caseId, eventId } = await submit('DE');
      await waitFor('both deliveries', () =>
        Promise.resolve(hitsOf('/de-binary').length >= 1 && hitsOf('/de-structured').length >= 1),
      );

      const [b] = hitsOf('/de-binary');
      const data = new Webhook(binary.secret).verify(b.body, b.headers) as { caseId: string };
      expect(data.caseId).toBe(caseId);
      expect(b.headers).toMatchObject({
        'ce-specversion': '1.0',
        'ce-id': eventId,
        'ce-type': EventTypes.CaseSubmitted,
        'ce-source': '/casebridge/intake',
        'ce-subject': caseId,
        'content-type': 'application/json; charset=utf-8',
      });
      expect(b.headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
      expect(Math.abs(Number(b.headers['webhook-timestamp']) - Date.now() / 1000)).toBeLessThan(
        300,
      );
      // Signed with the other secret, or another body, it does not verify.
      expect(() => new Webhook(structured.secret).verify(b.body, b.headers)).toThrow();
      expect(() =>
        new Webhook(binary.secret).verify(b.body.replace(caseId, randomUUID()), b.headers),
      ).toThrow();

      const [s] = hitsOf('/de-structured');
      expect(s.headers['content-type']).toBe('application/cloudevents+json; charset=utf-8');
      expect(s.headers['ce-id']).toBeUndefined();
      const cloudEvent = new Webhook(structured.secret).verify(s.body, s.headers);
      expect(cloudEvent).toMatchObject({
        specversion: '1.0',
        id: eventId,
        type: EventTypes.CaseSubmitted,
        subject: caseId,
        datacontenttype: 'application/json',
        data: { caseId, hostCountry: 'DE' },
      });

      const [entry] = await log(binary.id);
      expect(entry).toMatchObject({
        eventId,
        caseId,
        status: 'delivered',
        attempts: 1,
        lastStatusCode: 204,
      });
      // The webhook-id is the delivery's id, stable across attempts and replays.
      expect(b.headers['webhook-id']).toBe(entry.id);
      const detail = await api()
        .get(`${SUBSCRIPTIONS}/${binary.id}/deliveries/${entry.id}`)
        .set(admin)
        .expect(200);
      expect(detail.body.event).toMatchObject({
        id: eventId,
        type: EventTypes.CaseSubmitted,
        data: { caseId },
      });
    });

    it('filters by host country and by consulate (the case’s latest assignment for events naming none)', async () => {
      const byCountry = await subscribe({
        url: url('/kz'),
        eventTypes: [EventTypes.CaseSubmitted],
        hostCountry: 'KZ',
      });
      const byConsulate = await subscribe({
        url: url('/kz-ala'),
        eventTypes: [
          EventTypes.CaseSubmitted,
          EventTypes.CaseAssigned,
          EventTypes.CaseStatusChanged,
        ],
        consulateId: 'KZ-ALA',
      });
      const a = await submit('KZ');
      const b = await submit('BE');
      const assign = (caseId: string, hostCountry: string, consulateId: string) =>
        produceEvent(EventTypes.CaseAssigned, {
          caseId,
          hostCountry,
          consulateId,
          caseworkerId: null,
          assignedAt: new Date().toISOString(),
          reason: 'auto',
          sequence: 1,
        });
      const assignedA = await assign(a.caseId, 'KZ', 'KZ-ALA');
      const assignedB = await assign(b.caseId, 'BE', 'BE-BRU');
      await waitFor(
        'the assignment to KZ-ALA',
        async () => (await log(byConsulate.id)).length >= 1,
      );
      const changedA = await changeStatus(a.caseId, 'KZ', 1, 'assigned');
      const changedB = await changeStatus(b.caseId, 'BE', 1, 'assigned');
      await waitFor(
        'the status change of the KZ-ALA case',
        async () => (await log(byConsulate.id)).length >= 2,
      );
      const marker = await submit('KZ');
      // Every one of these events has been through the dispatcher (its inbox says so).
      const ids = [a.eventId, b.eventId, assignedA, assignedB, changedA, changedB, marker.eventId];
      await waitFor('the dispatcher to have seen every event', async () => {
        const [row] = await query<{ n: string }>(
          'reporting',
          "SELECT count(*) AS n FROM inbox_message WHERE consumer_group = 'casebridge-webhooks' AND event_id = ANY($1::uuid[])",
          [ids],
        );
        return Number(row.n) === ids.length;
      });

      expect((await log(byCountry.id)).map((d) => d.eventId)).toEqual([a.eventId, marker.eventId]);
      expect((await log(byConsulate.id)).map((d) => d.eventId)).toEqual([assignedA, changedA]);
      const all = [...(await log(byCountry.id)), ...(await log(byConsulate.id))].map(
        (d) => d.eventId,
      );
      for (const other of [b.eventId, assignedB, changedB]) expect(all).not.toContain(other);
    });

    it('queues events while a subscription is paused and sends them once it is resumed', async () => {
      const sub = await subscribe({
        url: url('/it'),
        eventTypes: [EventTypes.CaseSubmitted],
        hostCountry: 'IT',
        status: 'paused',
      });
      const first = await submit('IT');
      const second = await submit('IT');
      await waitFor('two queued deliveries', async () => (await log(sub.id)).length === 2);
      expect((await log(sub.id)).map((d) => d.status)).toEqual(['pending', 'pending']);
      expect(hitsOf('/it')).toHaveLength(0);
      await api()
        .patch(`${SUBSCRIPTIONS}/${sub.id}`)
        .set(admin)
        .send({ status: 'active' })
        .expect(200);
      await waitFor('both sent', () => Promise.resolve(hitsOf('/it').length === 2));
      // Two cases: delivered in parallel (docs/webhooks.md, "Ordering"), each once.
      expect(
        hitsOf('/it')
          .map((h) => h.headers['ce-id'])
          .sort(),
      ).toEqual([first.eventId, second.eventId].sort());
    });

    it('retries while the receiver answers 500, logging a short status line and never its body', async () => {
      const sub = await subscribe({
        url: url('/tr'),
        eventTypes: [EventTypes.CaseSubmitted],
        hostCountry: 'TR',
      });
      receiver.answer.set('/tr', () => (hitsOf('/tr').length < 2 ? 500 : 204));
      const { eventId } = await submit('TR');
      await waitFor('the third attempt to succeed', async () =>
        (await log(sub.id))[0]?.status === 'delivered' ? true : false,
      );
      const hits = hitsOf('/tr');
      expect(hits.map((h) => h.status)).toEqual([500, 500, 204]);
      // One delivery, retried: the same webhook-id, each attempt freshly signed and verifiable.
      expect(new Set(hits.map((h) => h.headers['webhook-id'])).size).toBe(1);
      for (const h of hits)
        expect(new Webhook(sub.secret).verify(h.body, h.headers)).toMatchObject({});
      const [entry] = await log(sub.id);
      expect(entry).toMatchObject({
        eventId,
        status: 'delivered',
        attempts: 3,
        lastStatusCode: 204,
        lastError: null,
      });
      const gaps = hits.slice(1).map((h, i) => h.at - hits[i].at);
      console.log(
        `webhook retry gaps after HTTP 500 (ceilings ${RETRY.base}, ${RETRY.base * 2} ms, full jitter): ${gaps.join(', ')} ms`,
      );
      expect(service.output()).not.toContain('do-not-leak');
    });

    it('retries while the receiver is down and delivers once it is back', async () => {
      const port = await freePort();
      const sub = await subscribe({
        url: url('/pl', port),
        eventTypes: [EventTypes.CaseSubmitted],
        hostCountry: 'PL',
      });
      const { eventId } = await submit('PL');
      const refused = await waitFor(
        'a refused attempt',
        async () => {
          const [entry] = await log(sub.id);
          return (entry?.attempts ?? 0) >= 1 ? entry : undefined;
        },
        60_000,
        20,
      );
      expect(refused).toMatchObject({
        eventId,
        status: 'pending',
        lastError: 'connection refused',
        lastStatusCode: null,
      });
      const back = await startTestReceiver(port);
      try {
        await waitFor(
          'the delivery after the receiver came back',
          () => Promise.resolve(back.hits.length >= 1),
          30_000,
        );
        expect(back.hits[0].headers['ce-id']).toBe(eventId);
        expect(
          new Webhook(sub.secret).verify(back.hits[0].body, back.hits[0].headers),
        ).toMatchObject({});
        await waitFor(
          'the log to say delivered',
          async () => (await log(sub.id))[0].status === 'delivered',
        );
      } finally {
        await back.close();
      }
    });

    it('sends the events of a case in order: a later one waits while an earlier one is retried', async () => {
      const sub = await subscribe({
        url: url('/kr'),
        eventTypes: [EventTypes.CaseSubmitted, EventTypes.CaseStatusChanged],
        hostCountry: 'KR',
      });
      const x = await submit('KR');
      receiver.answer.set('/kr', (hit) =>
        hit.headers['ce-id'] === x.eventId &&
        hitsOf('/kr').filter((h) => h.headers['ce-id'] === x.eventId).length < 2
          ? 503
          : 204,
      );
      const y = await submit('KR');
      const x2 = await changeStatus(x.caseId, 'KR', 1, 'assigned');
      const x3 = await changeStatus(x.caseId, 'KR', 2, 'in_progress');
      const y2 = await changeStatus(y.caseId, 'KR', 1, 'assigned');
      await waitFor(
        'every delivery',
        async () => (await log(sub.id)).filter((d) => d.status === 'delivered').length === 5,
      );
      const ofX = hitsOf('/kr').filter((h) => h.headers['ce-subject'] === x.caseId);
      expect(ofX.map((h) => [h.headers['ce-id'], h.status])).toEqual([
        [x.eventId, 503],
        [x.eventId, 503],
        [x.eventId, 204],
        [x2, 204],
        [x3, 204],
      ]);
      const ofY = hitsOf('/kr').filter((h) => h.headers['ce-subject'] === y.caseId);
      expect(ofY.map((h) => h.headers['ce-id'])).toEqual([y.eventId, y2]);
    });

    it('parks a delivery after the configured attempts, holds the later ones of its case, and replays them in order', async () => {
      const sub = await subscribe({
        url: url('/ae'),
        eventTypes: [EventTypes.CaseSubmitted, EventTypes.CaseStatusChanged],
        hostCountry: 'AE',
      });
      let receiverFixed = false;
      const p = await submit('AE');
      receiver.answer.set('/ae', (hit) =>
        !receiverFixed && hit.headers['ce-id'] === p.eventId ? 500 : 204,
      );
      const p2 = await changeStatus(p.caseId, 'AE', 1, 'assigned');
      const q = await submit('AE');
      await waitFor(
        'the first delivery parked',
        async () => (await log(sub.id)).find((d) => d.eventId === p.eventId)?.status === 'parked',
      );
      // Another case is not held up by it.
      await waitFor(
        'the other case delivered',
        async () =>
          (await log(sub.id)).find((d) => d.eventId === q.eventId)?.status === 'delivered',
      );
      const entries = await log(sub.id);
      const parked = entries.find((d) => d.eventId === p.eventId)!;
      const held = entries.find((d) => d.eventId === p2)!;
      expect(parked).toMatchObject({
        status: 'parked',
        attempts: RETRY.attempts,
        lastStatusCode: 500,
        lastError: 'HTTP 500 Internal Server Error',
      });
      expect(held).toMatchObject({ status: 'pending', attempts: 0, heldBehind: parked.id });
      expect(hitsOf('/ae').filter((h) => h.headers['ce-id'] === p.eventId)).toHaveLength(
        RETRY.attempts,
      );
      expect(hitsOf('/ae').filter((h) => h.headers['ce-id'] === p2)).toHaveLength(0);
      const parkedHits = hitsOf('/ae').filter((h) => h.headers['ce-id'] === p.eventId);
      console.log(
        `webhook attempts until parked (${RETRY.attempts} attempts, ceilings ${RETRY.base}…${RETRY.max} ms): gaps ${parkedHits
          .slice(1)
          .map((h, i) => h.at - parkedHits[i].at)
          .join(', ')} ms`,
      );
      const parkedOnly = await api()
        .get(`${SUBSCRIPTIONS}/${sub.id}/deliveries?status=parked`)
        .set(admin)
        .expect(200);
      expect(parkedOnly.body.items.map((d: Delivery) => d.id)).toEqual([parked.id]);

      receiverFixed = true;
      const replayed = await api()
        .post(`${SUBSCRIPTIONS}/${sub.id}/deliveries/replay-parked`)
        .set(admin)
        .expect(202);
      expect(replayed.body).toEqual({ replayed: 1 });
      await waitFor('the parked and the held delivery', async () =>
        (await log(sub.id)).every((d) => d.status === 'delivered'),
      );
      const ofP = hitsOf('/ae').filter(
        (h) => h.headers['ce-subject'] === p.caseId && h.status === 204,
      );
      expect(ofP.map((h) => h.headers['ce-id'])).toEqual([p.eventId, p2]);
      const after = (await log(sub.id)).find((d) => d.id === parked.id)!;
      expect(after).toMatchObject({
        status: 'delivered',
        attempts: 1,
        replays: 1,
        heldBehind: null,
      });

      // One delivery replayed: sent again under the same webhook-id.
      const qEntry = (await log(sub.id)).find((d) => d.eventId === q.eventId)!;
      await api()
        .post(`${SUBSCRIPTIONS}/${sub.id}/deliveries/${qEntry.id}/replay`)
        .set(admin)
        .expect(202);
      await waitFor('the replayed delivery', () =>
        Promise.resolve(hitsOf('/ae').filter((h) => h.headers['ce-id'] === q.eventId).length === 2),
      );
      const qHits = hitsOf('/ae').filter((h) => h.headers['ce-id'] === q.eventId);
      expect(qHits[1].headers['webhook-id']).toBe(qEntry.id);
      await waitFor('the replay in the log', async () => {
        const entry = (await log(sub.id)).find((d) => d.id === qEntry.id)!;
        return entry.status === 'delivered' && entry.replays === 1;
      });
    });

    it('delivers to the example receiver, which verifies signatures and ignores replays', async () => {
      const port = await freePort();
      const sub = await subscribe({
        url: url('/example', port),
        eventTypes: [EventTypes.CaseSubmitted],
        hostCountry: 'GB',
      });
      const processed: ReceivedEvent[] = [];
      const example = await startWebhookReceiver({
        secret: sub.secret,
        port,
        onEvent: (e) => void processed.push(e),
      });
      try {
        const { caseId, eventId } = await submit('GB');
        await waitFor('the example to process the event', () =>
          Promise.resolve(processed.length === 1),
        );
        expect(processed[0]).toMatchObject({
          id: eventId,
          type: EventTypes.CaseSubmitted,
          subject: caseId,
        });
        const [entry] = await log(sub.id);
        expect(entry).toMatchObject({ status: 'delivered', lastStatusCode: 204 });

        // The replay carries the same webhook-id: acknowledged, not processed again.
        await api()
          .post(`${SUBSCRIPTIONS}/${sub.id}/deliveries/${entry.id}/replay`)
          .set(admin)
          .expect(202);
        await waitFor('the replay to be acknowledged', async () => {
          const [e] = await log(sub.id);
          return e.replays === 1 && e.status === 'delivered' && e.lastStatusCode === 200;
        });
        expect(processed).toHaveLength(1);

        // A request signed with another secret, or replayed outside the tolerance, is refused.
        const body = JSON.stringify({ caseId });
        const post = (headers: Record<string, string>) =>
          fetch(`http://127.0.0.1:${port}/example`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'ce-id': randomUUID(), ...headers },
            body,
          });
        const signWith = (secret: string, at: Date, id = randomUUID()) => ({
          'webhook-id': id,
          'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
          'webhook-signature': new Webhook(secret).sign(id, at, body),
        });
        const forged = 'whsec_' + Buffer.alloc(32, 1).toString('base64');
        expect((await post(signWith(forged, new Date()))).status).toBe(401);
        expect((await post(signWith(sub.secret, new Date(Date.now() - 10 * 60_000)))).status).toBe(
          401,
        );
        expect((await post(signWith(sub.secret, new Date()))).status).toBe(204);
        expect(processed).toHaveLength(2);
      } finally {
        await new Promise<void>((resolve) => example.close(() => resolve()));
      }
    });

    it('shares the work between instances, each event once, never more than the subscription allows in flight', async () => {
      const second = await startServiceProcess('reporting', WEBHOOK_ENV);
      try {
        const sub = await subscribe({
          url: url('/ca'),
          eventTypes: [EventTypes.CaseSubmitted],
          hostCountry: 'CA',
        });
        let active = 0;
        let mostActive = 0;
        receiver.answer.set('/ca', () => {
          active += 1;
          mostActive = Math.max(mostActive, active);
          return 204;
        });
        receiver.delay.set('/ca', { ms: 20, done: () => (active -= 1) });
        const events = Array.from({ length: 300 }, () => ({
          id: randomUUID(),
          type: EventTypes.CaseSubmitted,
          data: submittedCase({ hostCountry: 'CA', hostCity: null }),
        }));
        await produceEvents(events);
        await waitFor(
          '300 deliveries',
          () => Promise.resolve(hitsOf('/ca').length >= 300),
          120_000,
        );
        await waitFor('the log to show them delivered', async () => {
          const res = await api()
            .get(`${SUBSCRIPTIONS}/${sub.id}/deliveries?status=pending&limit=1`)
            .set(admin)
            .expect(200);
          return res.body.items.length === 0;
        });
        const hits = hitsOf('/ca');
        expect(hits.map((h) => h.headers['ce-id']).sort()).toEqual(events.map((e) => e.id).sort());
        expect(mostActive).toBeLessThanOrEqual(SUBSCRIPTION_CONCURRENCY);
        console.log(
          `two instances: 300 deliveries, at most ${mostActive} in flight at the receiver (bound ${SUBSCRIPTION_CONCURRENCY})`,
        );
      } finally {
        await second.stop();
      }
    });

    it('delivers a burst of 2,000 events to a fast receiver (throughput in the log)', async () => {
      const sub = await subscribe({
        url: url('/us'),
        eventTypes: [EventTypes.CaseSubmitted],
        hostCountry: 'US',
      });
      const events = Array.from({ length: 2000 }, () => {
        const data = submittedCase({ hostCountry: 'US', hostCity: null });
        return { id: randomUUID(), type: EventTypes.CaseSubmitted, data };
      });
      const producedAt = Date.now();
      await produceEvents(events);
      await waitFor(
        '2,000 deliveries',
        () => Promise.resolve(hitsOf('/us').length >= 2000),
        300_000,
        200,
      );
      const hits = hitsOf('/us');
      const seconds = (hits[hits.length - 1].at - hits[0].at) / 1000;
      console.log(
        `webhook throughput: 2000 deliveries in ${seconds.toFixed(2)} s from the first to the last request ` +
          `(${(2000 / seconds).toFixed(0)}/s), ${((hits[hits.length - 1].at - producedAt) / 1000).toFixed(2)} s from production, ` +
          `WEBHOOK_SUBSCRIPTION_CONCURRENCY=${SUBSCRIPTION_CONCURRENCY}`,
      );
      expect(new Set(hits.map((h) => h.headers['ce-id']))).toEqual(
        new Set(events.map((e) => e.id)),
      );
      await waitFor('the log to show every delivery delivered', async () => {
        let cursor: string | null = null;
        let delivered = 0;
        do {
          const res: request.Response = await api()
            .get(
              `${SUBSCRIPTIONS}/${sub.id}/deliveries?status=delivered&limit=200${cursor ? `&cursor=${cursor}` : ''}`,
            )
            .set(admin)
            .expect(200);
          delivered += res.body.items.length;
          cursor = res.body.nextCursor;
        } while (cursor);
        return delivered === 2000;
      });
    }, 400_000);
  });
});
