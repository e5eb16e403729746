import { request as httpRequest, Agent as HttpAgent, type IncomingMessage } from 'node:http';
import { request as httpsRequest, Agent as HttpsAgent } from 'node:https';
import type { WebhookRequest } from './cloud-event-request';
import { DestinationPolicy, DestinationRefused } from './destination-policy';

/** What one attempt came to. `error` is a short line of our own: never the receiver's body. */
export type SendOutcome =
  | { delivered: true; statusCode: number }
  | { delivered: false; statusCode: number | null; error: string };

/** Bytes of a response body read (and thrown away) to keep the connection; beyond, it is closed. */
const MAX_DRAINED_BYTES = 64 * 1024;
const MAX_STATUS_TEXT = 60;

function statusLine(res: IncomingMessage): string {
  // Printable ASCII only, short: a status line is all the delivery log keeps of a response.
  const text = (res.statusMessage ?? '')
    .replace(/[^\x20-\x7e]/g, '')
    .slice(0, MAX_STATUS_TEXT)
    .trimEnd();
  const line = `HTTP ${res.statusCode}${text ? ` ${text}` : ''}`;
  const status = res.statusCode ?? 0;
  return status >= 300 && status < 400 ? `${line} (redirects are not followed)` : line;
}

function failureText(error: unknown, timeoutMs: number): string {
  if (error instanceof DestinationRefused) return `refused: ${error.message}`;
  if (error instanceof RequestTimeout) return `no response within ${timeoutMs} ms`;
  const code = (error as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ECONNREFUSED':
      return 'connection refused';
    case 'ECONNRESET':
      return 'connection reset';
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return 'host unreachable';
    default:
      if (code && /^(ERR_TLS|CERT_|UNABLE_TO|DEPTH_ZERO|SELF_SIGNED|HOSTNAME_MISMATCH)/.test(code))
        return `TLS failed (${code})`;
      return `request failed (${code ?? (error as Error).name ?? 'error'})`;
  }
}

class RequestTimeout extends Error {}

/**
 * Sends one webhook request: POST, no redirects followed, at most `timeoutMs` until the response
 * headers, every connection's addresses judged by the destination policy (the lookup hook), and
 * the body of the response never read beyond a few kilobytes nor kept.
 */
export class WebhookSender {
  private readonly httpAgent = new HttpAgent({ keepAlive: true });
  private readonly httpsAgent = new HttpsAgent({ keepAlive: true });

  constructor(
    private readonly policy: DestinationPolicy,
    private readonly timeoutMs: number,
  ) {}

  async send(rawUrl: string, req: WebhookRequest): Promise<SendOutcome> {
    let url: URL;
    try {
      // The scheme and an IP-literal host are judged here (Node skips `lookup` for literals),
      // a name at connection time, on the addresses it resolves to then.
      url = await this.policy.check(rawUrl);
    } catch (error) {
      return { delivered: false, statusCode: null, error: failureText(error, this.timeoutMs) };
    }
    try {
      const statusCode = await this.post(url, req);
      return { delivered: true, statusCode };
    } catch (error) {
      if (error instanceof ResponseStatus)
        return { delivered: false, statusCode: error.statusCode, error: error.message };
      return { delivered: false, statusCode: null, error: failureText(error, this.timeoutMs) };
    }
  }

  close(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }

  private post(url: URL, req: WebhookRequest): Promise<number> {
    const body = Buffer.from(req.body, 'utf8');
    const https = url.protocol === 'https:';
    return new Promise<number>((resolve, reject) => {
      const request = (https ? httpsRequest : httpRequest)(url, {
        method: 'POST',
        agent: https ? this.httpsAgent : this.httpAgent,
        lookup: this.policy.lookup,
        headers: {
          ...req.headers,
          'content-length': String(body.length),
          'user-agent': 'Casebridge-Webhooks/1',
        },
      });
      const timer = setTimeout(() => request.destroy(new RequestTimeout()), this.timeoutMs);
      // `on`, not `once`: a socket error after the answer must not go unhandled (it changes nothing).
      request.on('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
      request.once('response', (res) => {
        clearTimeout(timer);
        drain(res, this.timeoutMs);
        const status = res.statusCode ?? 0;
        if (status >= 200 && status < 300) resolve(status);
        else reject(new ResponseStatus(status, statusLine(res)));
      });
      request.end(body);
    });
  }
}

class ResponseStatus extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Reads the response to its end (the connection is reused) unless it is long or slow: then
 * closes it. Nothing of it is kept.
 */
function drain(res: IncomingMessage, timeoutMs: number): void {
  let read = 0;
  const timer = setTimeout(() => res.destroy(), timeoutMs);
  res.on('data', (chunk: Buffer) => {
    read += chunk.length;
    if (read > MAX_DRAINED_BYTES) res.destroy();
  });
  res.on('close', () => clearTimeout(timer));
  res.on('error', () => undefined);
}
