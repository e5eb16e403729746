import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import {
  AdmissionController,
  AdmissionLimits,
  admissionControl,
  isAdmissionExempt,
  ShedReason,
} from './admission-control';
import { jsonBody, requestId } from './http-pipeline';

const limits = (l: Partial<AdmissionLimits> = {}): AdmissionLimits => ({
  maxInFlight: 2,
  maxQueued: 2,
  maxQueueWaitMs: 10_000,
  ...l,
});
const tick = () => new Promise((r) => setImmediate(r));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Enters `name` and records what happened to it. */
function entrant(controller: AdmissionController, log: string[], name: string) {
  return controller.enter(
    () => log.push(`admit ${name}`),
    (reason: ShedReason) => log.push(`shed ${name} ${reason}`),
  );
}

describe('AdmissionController', () => {
  it('admits up to maxInFlight, queues up to maxQueued, sheds the rest at once', () => {
    const log: string[] = [];
    const controller = new AdmissionController(limits());
    for (const name of ['a', 'b', 'c', 'd', 'e']) entrant(controller, log, name);
    expect(log).toEqual(['admit a', 'admit b', 'shed e queue_full']);
    expect(controller.counts).toEqual({ inFlight: 2, queued: 2 });
  });

  it('sheds at once without a queue (maxQueued 0)', () => {
    const log: string[] = [];
    const controller = new AdmissionController(limits({ maxInFlight: 1, maxQueued: 0 }));
    entrant(controller, log, 'a');
    entrant(controller, log, 'b');
    expect(log).toEqual(['admit a', 'shed b queue_full']);
  });

  it('hands a freed slot to the oldest waiter (FIFO), from a fresh tick', async () => {
    const log: string[] = [];
    const controller = new AdmissionController(limits({ maxInFlight: 1, maxQueued: 3 }));
    const a = entrant(controller, log, 'a');
    const b = entrant(controller, log, 'b');
    const c = entrant(controller, log, 'c');
    entrant(controller, log, 'd');
    a.release();
    expect(log).toEqual(['admit a']); // not inside the releasing call
    await tick();
    expect(log).toEqual(['admit a', 'admit b']);
    b.release();
    await tick();
    c.release();
    await tick();
    expect(log).toEqual(['admit a', 'admit b', 'admit c', 'admit d']);
    expect(controller.counts).toEqual({ inFlight: 1, queued: 0 });
  });

  it('releases are idempotent: a slot released twice frees one slot', async () => {
    const log: string[] = [];
    const controller = new AdmissionController(limits({ maxInFlight: 1, maxQueued: 5 }));
    const a = entrant(controller, log, 'a');
    entrant(controller, log, 'b');
    entrant(controller, log, 'c');
    a.release();
    a.release();
    await tick();
    expect(log).toEqual(['admit a', 'admit b']);
    expect(controller.counts).toEqual({ inFlight: 1, queued: 1 });
  });

  it('sheds a waiter that waited longer than maxQueueWaitMs, and keeps the others in order', async () => {
    const log: string[] = [];
    const controller = new AdmissionController(limits({ maxInFlight: 1, maxQueueWaitMs: 40 }));
    const a = entrant(controller, log, 'a');
    entrant(controller, log, 'b');
    await sleep(25);
    entrant(controller, log, 'c');
    await sleep(30);
    expect(log).toEqual(['admit a', 'shed b queue_timeout']);
    expect(controller.counts).toEqual({ inFlight: 1, queued: 1 });
    a.release();
    await tick();
    expect(log).toEqual(['admit a', 'shed b queue_timeout', 'admit c']);
    await sleep(30); // c's timer was cleared when it was admitted
    expect(log).toHaveLength(3);
  });

  it('a waiter whose client left gives up its place; a slot released before the hand-over takes effect passes on', async () => {
    const log: string[] = [];
    const controller = new AdmissionController(limits({ maxInFlight: 1, maxQueued: 3 }));
    const a = entrant(controller, log, 'a');
    const b = entrant(controller, log, 'b');
    const c = entrant(controller, log, 'c');
    entrant(controller, log, 'd');
    b.release(); // left while queued
    expect(controller.counts).toEqual({ inFlight: 1, queued: 2 });
    a.release(); // c takes over…
    c.release(); // …but leaves before its admission runs: d gets the slot
    await tick();
    await tick();
    expect(log).toEqual(['admit a', 'admit d']);
    expect(controller.counts).toEqual({ inFlight: 1, queued: 0 });
  });

  it('reports counts and sheds to its observer', () => {
    const changes: Array<[number, number]> = [];
    const sheds: ShedReason[] = [];
    const controller = new AdmissionController(limits({ maxInFlight: 1, maxQueued: 1 }), {
      changed: (inFlight, queued) => changes.push([inFlight, queued]),
      shed: (reason) => sheds.push(reason),
    });
    const a = controller.enter(
      () => undefined,
      () => undefined,
    );
    const b = controller.enter(
      () => undefined,
      () => undefined,
    );
    controller.enter(
      () => undefined,
      () => undefined,
    );
    b.release();
    a.release();
    expect(changes).toEqual([
      [1, 0],
      [1, 1],
      [1, 0],
      [0, 0],
    ]);
    expect(sheds).toEqual(['queue_full']);
  });
});

describe('isAdmissionExempt', () => {
  it('exempts health and metrics only', () => {
    for (const path of ['/health/live', '/health/ready', '/metrics', '/metrics/'])
      expect(isAdmissionExempt(path)).toBe(true);
    for (const path of ['/', '/v1/cases', '/health', '/docs', '/metrics/x', '/v1/metrics'])
      expect(isAdmissionExempt(path)).toBe(false);
  });
});

/** The middleware in a real Express app and HTTP server: what a client sees. */
describe('admissionControl middleware', () => {
  let server: http.Server;
  let base: string;
  let controller: AdmissionController;
  const held: Array<() => void> = [];
  let bodiesRead = 0;

  beforeAll(async () => {
    controller = new AdmissionController(limits({ maxInFlight: 2, maxQueued: 1 }));
    const app = express();
    app.use(requestId, admissionControl(controller), jsonBody('1mb'));
    app.post('/hold', (_req, res) => {
      bodiesRead++;
      held.push(() => res.status(201).json({ ok: true }));
    });
    app.get('/hold', (_req, res) => {
      held.push(() => res.status(200).json({ ok: true }));
    });
    app.get(['/health/live', '/metrics'], (_req, res) => {
      res.json({ status: 'ok' });
    });
    server = app.listen(0, '127.0.0.1');
    await once(server, 'listening');
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  afterEach(async () => {
    while (held.length) held.shift()!();
    await waitUntil(() => controller.counts.inFlight === 0 && controller.counts.queued === 0);
  });

  async function waitUntil(condition: () => boolean, timeoutMs = 2000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!condition()) {
      if (Date.now() > deadline) throw new Error('condition not met');
      await sleep(5);
    }
  }

  interface Answer {
    status: number;
    headers: http.IncomingHttpHeaders;
    body: string;
  }

  /** A raw request (node:http, so a reset shows as an error), optionally on a keep-alive agent. */
  function send(
    method: string,
    path: string,
    body?: Buffer | string,
    agent?: http.Agent,
  ): { answer: Promise<Answer>; request: http.ClientRequest } {
    const request = http.request(`${base}${path}`, {
      method,
      agent,
      headers: body ? { 'content-type': 'application/json' } : {},
    });
    const answer = new Promise<Answer>((resolve, reject) => {
      request.on('error', reject);
      request.on('response', (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: text }));
        res.on('error', reject);
      });
    });
    request.end(body);
    return { answer, request };
  }

  it('answers a request beyond the queue 503 problem+json with Retry-After, at once, without reading its body', async () => {
    const first = [send('POST', '/hold', '{}'), send('POST', '/hold', '{}')];
    await waitUntil(() => held.length === 2);
    const queued = send('POST', '/hold', '{}');
    await waitUntil(() => controller.counts.queued === 1);
    const readBefore = bodiesRead;
    const started = Date.now();
    const shed = await send('POST', '/hold', JSON.stringify({ big: 'x'.repeat(100_000) })).answer;
    expect(Date.now() - started).toBeLessThan(500);
    expect(bodiesRead).toBe(readBefore);
    expect(shed.status).toBe(503);
    expect(shed.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(shed.headers['retry-after']).toBe('1');
    expect(shed.headers['x-request-id']).toEqual(expect.any(String));
    expect(JSON.parse(shed.body)).toEqual({
      type: 'https://casebridge.example/problems/overloaded',
      title: 'Service unavailable',
      status: 503,
      detail: expect.any(String),
      code: 'overloaded',
      instance: '/hold',
      requestId: shed.headers['x-request-id'],
    });

    held.shift()!();
    await waitUntil(() => held.length === 2); // the queued one got the slot
    while (held.length) held.shift()!();
    expect(
      (await Promise.all([...first, queued].map((r) => r.answer))).map((a) => a.status),
    ).toEqual([201, 201, 201]);
  });

  it('keeps a keep-alive connection usable after shedding a request with a large unread body', async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      send('GET', '/hold');
      send('GET', '/hold');
      await waitUntil(() => held.length === 2);
      send('GET', '/hold');
      await waitUntil(() => controller.counts.queued === 1);
      // 900 kB: more than the socket buffers hold, so the client is still sending when the 503 comes.
      const big = Buffer.from(JSON.stringify({ big: 'y'.repeat(900_000) }));
      const shed = await send('POST', '/hold', big, agent).answer;
      expect(shed.status).toBe(503);
      expect(shed.headers.connection).not.toBe('close');
      while (held.length) held.shift()!();
      await waitUntil(() => held.length === 1); // the queued one
      held.shift()!();
      await waitUntil(() => controller.counts.inFlight === 0);
      // The same socket (maxSockets 1) carries the next request.
      const next = send('GET', '/health/live', undefined, agent);
      const reused = await new Promise<boolean>((resolve) =>
        next.request.on('socket', (socket) => resolve(!socket.connecting)),
      );
      expect((await next.answer).status).toBe(200);
      expect(reused).toBe(true);
    } finally {
      agent.destroy();
    }
  });

  it('sheds a queued request that waited too long', async () => {
    const short = new AdmissionController(
      limits({ maxInFlight: 1, maxQueued: 5, maxQueueWaitMs: 50 }),
    );
    const app = express();
    const pending: Array<() => void> = [];
    app.use(admissionControl(short));
    app.get('/hold', (_req, res) => pending.push(() => res.json({})));
    const s = app.listen(0, '127.0.0.1');
    await once(s, 'listening');
    const url = `http://127.0.0.1:${(s.address() as AddressInfo).port}/hold`;
    try {
      const first = fetch(url);
      await waitUntil(() => pending.length === 1);
      const started = Date.now();
      const late = await fetch(url);
      expect(late.status).toBe(503);
      expect(Date.now() - started).toBeGreaterThanOrEqual(45);
      expect(Date.now() - started).toBeLessThan(1000);
      expect(((await late.json()) as { code: string }).code).toBe('overloaded');
      pending.shift()!();
      expect((await first).status).toBe(200);
      await waitUntil(() => short.counts.inFlight === 0);
    } finally {
      s.closeAllConnections();
      await new Promise((r) => s.close(r));
    }
  });

  it('frees the slot when a client aborts an admitted request, and its queue place when it aborts a queued one', async () => {
    const a = send('GET', '/hold');
    const b = send('GET', '/hold');
    await waitUntil(() => held.length === 2);
    const c = send('GET', '/hold');
    await waitUntil(() => controller.counts.queued === 1);
    for (const r of [a, b, c]) {
      r.answer.catch(() => undefined);
      r.request.destroy();
    }
    await waitUntil(() => controller.counts.inFlight === 0 && controller.counts.queued === 0);
    held.length = 0; // their responses have nowhere to go
    // Nothing leaked: two new requests are admitted at once.
    const d = send('GET', '/hold');
    const e = send('GET', '/hold');
    await waitUntil(() => held.length === 2);
    expect(controller.counts).toEqual({ inFlight: 2, queued: 0 });
    while (held.length) held.shift()!();
    expect((await d.answer).status).toBe(200);
    expect((await e.answer).status).toBe(200);
  });

  it('never queues or sheds health and metrics', async () => {
    const requests = [send('GET', '/hold'), send('GET', '/hold')];
    await waitUntil(() => held.length === 2);
    requests.push(send('GET', '/hold'));
    await waitUntil(() => controller.counts.queued === 1);
    expect((await send('GET', '/hold').answer).status).toBe(503);
    for (let i = 0; i < 5; i++) {
      expect((await send('GET', '/health/live').answer).status).toBe(200);
      expect((await send('GET', '/metrics').answer).status).toBe(200);
    }
    expect(controller.counts).toEqual({ inFlight: 2, queued: 1 });
    held.shift()!();
    await waitUntil(() => held.length === 2);
    while (held.length) held.shift()!();
    expect((await Promise.all(requests.map((r) => r.answer))).map((a) => a.status)).toEqual([
      200, 200, 200,
    ]);
  });
});
