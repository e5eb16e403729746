/**
 * A minimal receiver of Casebridge webhooks (docs/webhooks.md): verifies each request's
 * Standard Webhooks signature with the official `standardwebhooks` package, refuses requests
 * older or newer than its 5-minute tolerance, and processes each `webhook-id` once (a replay
 * inside the tolerance, or a retry whose answer was lost, is acknowledged and not processed
 * again). Handles both CloudEvents content modes.
 *
 *   npx tsc examples/webhook-receiver.ts --outDir .local/examples --module commonjs \
 *     --target ES2022 --esModuleInterop --skipLibCheck
 *   WEBHOOK_SECRET=whsec_… PORT=8080 node .local/examples/webhook-receiver.js
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { Webhook, WebhookVerificationError } from 'standardwebhooks';

/** A verified CloudEvent, whichever content mode carried it. */
export interface ReceivedEvent {
  webhookId: string;
  id: string;
  type: string;
  subject: string;
  time: string;
  data: unknown;
}

export interface ReceiverOptions {
  /** The subscription's secret, `whsec_…`. */
  secret: string;
  port?: number;
  host?: string;
  /** What to do with each event, once per webhook-id. */
  onEvent?: (event: ReceivedEvent) => void | Promise<void>;
}

/** Ids seen within the tolerance: older requests are refused by their timestamp anyway. */
const TOLERANCE_MS = 5 * 60 * 1000;
const MAX_BODY_BYTES = 1024 * 1024;

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) req.destroy(new Error('body too large'));
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function header(req: IncomingMessage, name: string): string {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : (value ?? '');
}

function toEvent(req: IncomingMessage, payload: unknown): ReceivedEvent {
  const webhookId = header(req, 'webhook-id');
  if (header(req, 'content-type').startsWith('application/cloudevents+json')) {
    const e = payload as Omit<ReceivedEvent, 'webhookId'>;
    return { webhookId, id: e.id, type: e.type, subject: e.subject, time: e.time, data: e.data };
  }
  return {
    webhookId,
    id: header(req, 'ce-id'),
    type: header(req, 'ce-type'),
    subject: header(req, 'ce-subject'),
    time: header(req, 'ce-time'),
    data: payload,
  };
}

/** Starts the receiver; resolves with the server once it listens. */
export function startWebhookReceiver(options: ReceiverOptions): Promise<Server> {
  const webhook = new Webhook(options.secret);
  const seen = new Map<string, number>();
  const server = createServer((req, res) => {
    const answer = (status: number, body: Record<string, unknown>) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.method !== 'POST') return answer(405, { error: 'POST only' });
    void (async () => {
      const body = await readBody(req);
      let payload: unknown;
      try {
        // Checks the signature against the exact body, and the timestamp against the tolerance.
        payload = webhook.verify(body, {
          'webhook-id': header(req, 'webhook-id'),
          'webhook-timestamp': header(req, 'webhook-timestamp'),
          'webhook-signature': header(req, 'webhook-signature'),
        });
      } catch (error) {
        if (error instanceof WebhookVerificationError) return answer(401, { error: error.message });
        throw error;
      }
      const now = Date.now();
      for (const [id, at] of seen) if (now - at > 2 * TOLERANCE_MS) seen.delete(id);
      const event = toEvent(req, payload);
      if (seen.has(event.webhookId)) return answer(200, { duplicate: true });
      await options.onEvent?.(event);
      seen.set(event.webhookId, now);
      answer(204, {});
    })().catch(() => answer(500, { error: 'could not process the event' }));
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 8080, options.host ?? '127.0.0.1', () => resolve(server));
  });
}

if (require.main === module) {
  const secret = process.env.WEBHOOK_SECRET;
  if (!secret) {
    console.error('WEBHOOK_SECRET=whsec_… is required');
    process.exit(1);
  }
  const port = Number(process.env.PORT ?? 8080);
  void startWebhookReceiver({
    secret,
    port,
    host: process.env.HOST ?? '127.0.0.1',
    onEvent: (e) =>
      console.log(`${e.time} ${e.type} case ${e.subject} (webhook-id ${e.webhookId})`),
  }).then(() => console.log(`listening on port ${port}`));
}
