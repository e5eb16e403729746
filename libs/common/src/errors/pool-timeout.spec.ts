import { once } from 'node:events';
import net from 'node:net';
import { type ArgumentsHost, Logger } from '@nestjs/common';
import { Pool } from 'pg';
import { postgresOptions } from '../database/typeorm-options';
import { ProblemDetailsFilter } from './problem-details.filter';

/** What the filter answers for `error`: status, headers and body. */
function answer(error: unknown) {
  const headers: Record<string, string> = {};
  const sent: { status?: number; body?: string } = {};
  const res = {
    headersSent: false,
    setHeader: (name: string, value: string) => (headers[name.toLowerCase()] = value),
    status(code: number) {
      sent.status = code;
      return this;
    },
    type(value: string) {
      headers['content-type'] = value;
      return this;
    },
    send(body: string) {
      sent.body = body;
      return this;
    },
  };
  const host = {
    switchToHttp: () => ({
      getResponse: () => res,
      getRequest: () => ({ originalUrl: '/v1/cases', id: 'req-1' }),
    }),
  } as unknown as ArgumentsHost;
  new ProblemDetailsFilter().catch(error, host);
  return { status: sent.status, headers, body: JSON.parse(sent.body ?? 'null') as unknown };
}

describe('a pool that cannot hand out a connection in time', () => {
  // A server that accepts connections and never answers: PostgreSQL too busy to talk.
  const silent = net.createServer(() => undefined);
  const sockets = new Set<net.Socket>();
  silent.on('connection', (s) => sockets.add(s));
  let port: number;

  beforeAll(async () => {
    jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    silent.listen(0, '127.0.0.1');
    await once(silent, 'listening');
    port = (silent.address() as net.AddressInfo).port;
  });

  afterAll(async () => {
    jest.restoreAllMocks();
    for (const s of sockets) s.destroy();
    await new Promise((r) => silent.close(r));
  });

  it('uses the configured pool size and acquisition timeout', () => {
    const options = postgresOptions('postgres://x@h/db', [], [], 'app', {
      max: 7,
      acquireTimeoutMs: 300,
    });
    expect(options.extra).toMatchObject({ max: 7, connectionTimeoutMillis: 300 });
    expect(postgresOptions('postgres://x@h/db', [], [], 'app').extra).toMatchObject({
      max: 10,
      connectionTimeoutMillis: 2000,
    });
  });

  it('fails the connecting query and the one waiting for a free connection within the timeout, and both answer 503 with Retry-After', async () => {
    const pool = new Pool({
      host: '127.0.0.1',
      port,
      user: 'u',
      database: 'd',
      max: 1,
      connectionTimeoutMillis: 150,
    });
    pool.on('error', () => undefined);
    const started = Date.now();
    // The first connects (and hangs), the second waits for the pool's only connection.
    const errors = await Promise.all([
      pool.query('SELECT 1').catch((e: unknown) => e),
      pool.query('SELECT 1').catch((e: unknown) => e),
    ]);
    expect(Date.now() - started).toBeLessThan(1500);
    await pool.end();
    for (const error of errors) {
      expect(error).toBeInstanceOf(Error);
      const res = answer(error);
      expect(res.status).toBe(503);
      expect(res.headers['retry-after']).toBe('5');
      expect(res.headers['content-type']).toBe('application/problem+json');
      expect(res.body).toMatchObject({ status: 503, code: 'service_unavailable' });
      expect(JSON.stringify(res.body)).not.toMatch(/timeout exceeded|127\.0\.0\.1/);
    }
  });
});
