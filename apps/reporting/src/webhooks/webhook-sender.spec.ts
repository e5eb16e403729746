import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DestinationPolicy } from './destination-policy';
import { WebhookSender } from './webhook-sender';

/** A receiver on 127.0.0.1 that answers each path as the test says. */
function receiver(
  handle: Parameters<typeof createServer>[1],
): Promise<{ server: Server; base: string }> {
  const server = createServer(handle);
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }),
    ),
  );
}

const request = { headers: { 'content-type': 'application/json' }, body: '{"a":1}' };

describe('webhook sender', () => {
  const loopback = new DestinationPolicy({ allowHttp: true, allowedNetworks: ['127.0.0.1/32'] });
  const sender = new WebhookSender(loopback, 300);
  let server: Server;
  let base: string;
  const seen: string[] = [];

  beforeAll(async () => {
    ({ server, base } = await receiver((req, res) => {
      seen.push(req.url ?? '');
      req.resume();
      switch (req.url) {
        case '/ok':
          res.writeHead(204).end();
          return;
        case '/redirect':
          res.writeHead(302, { location: '/ok' }).end();
          return;
        case '/error':
          res.writeHead(
            500,
            'Internal Server Error: stack trace of the receiver here and more text than a log needs',
            {
              'content-type': 'text/plain',
            },
          );
          res.end('secret internal details of the receiver');
          return;
        default:
          return; // /silent: never answers
      }
    }));
  });

  afterAll(async () => {
    sender.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('counts a 2xx as delivered', async () => {
    expect(await sender.send(`${base}/ok`, request)).toEqual({ delivered: true, statusCode: 204 });
  });

  it('does not follow redirects', async () => {
    seen.length = 0;
    expect(await sender.send(`${base}/redirect`, request)).toEqual({
      delivered: false,
      statusCode: 302,
      error: 'HTTP 302 Found (redirects are not followed)',
    });
    expect(seen).toEqual(['/redirect']);
  });

  it('keeps a short status line of a failure, never the body', async () => {
    const outcome = await sender.send(`${base}/error`, request);
    expect(outcome).toEqual({
      delivered: false,
      statusCode: 500,
      error: 'HTTP 500 Internal Server Error: stack trace of the receiver here and',
    });
  });

  it('gives up on a receiver that does not answer within the timeout', async () => {
    expect(await sender.send(`${base}/silent`, request)).toEqual({
      delivered: false,
      statusCode: null,
      error: 'no response within 300 ms',
    });
  });

  it('reports a refused connection', async () => {
    const closed = await receiver(() => undefined);
    const url = `${closed.base}/gone`;
    await new Promise((resolve) => closed.server.close(resolve));
    expect(await sender.send(url, request)).toEqual({
      delivered: false,
      statusCode: null,
      error: 'connection refused',
    });
  });

  it('does not connect where the rules refuse the address', async () => {
    seen.length = 0;
    const strict = new WebhookSender(
      new DestinationPolicy({ allowHttp: true, allowedNetworks: [] }),
      300,
    );
    const outcome = await strict.send(`${base}/ok`, request);
    strict.close();
    expect(outcome).toEqual({
      delivered: false,
      statusCode: null,
      error: 'refused: host resolves to a loopback address, which webhooks may not reach',
    });
    const named = await new WebhookSender(
      new DestinationPolicy({ allowHttp: true, allowedNetworks: [] }),
      300,
    ).send(`${base.replace('127.0.0.1', 'localhost')}/ok`, request);
    expect(named).toMatchObject({ delivered: false, error: expect.stringMatching(/^refused: /) });
    expect(seen).toEqual([]);
  });
});
