import { createHmac, randomBytes } from 'node:crypto';

/** Standard Webhooks (https://www.standardwebhooks.com): `whsec_` and the base64 of the key. */
export const SECRET_PREFIX = 'whsec_';
/** Bytes of a generated key; the specification asks for 24 to 64. */
const GENERATED_KEY_BYTES = 32;
const MIN_KEY_BYTES = 24;
const MAX_KEY_BYTES = 64;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export function generateSecret(): string {
  return SECRET_PREFIX + randomBytes(GENERATED_KEY_BYTES).toString('base64');
}

/** Why `secret` is not a Standard Webhooks secret, or null when it is one. */
export function secretProblem(secret: string): string | null {
  if (!secret.startsWith(SECRET_PREFIX))
    return `secret must be "${SECRET_PREFIX}" followed by base64 (or omitted: one is generated)`;
  const encoded = secret.slice(SECRET_PREFIX.length);
  if (!BASE64.test(encoded)) return `secret must be "${SECRET_PREFIX}" followed by base64`;
  const bytes = Buffer.from(encoded, 'base64').length;
  if (bytes < MIN_KEY_BYTES || bytes > MAX_KEY_BYTES)
    return `secret's key must be ${MIN_KEY_BYTES} to ${MAX_KEY_BYTES} bytes (it is ${bytes})`;
  return null;
}

/** What the API shows of a secret after its creation: enough to tell two apart, no more. */
export function secretHint(secret: string): string {
  return `${SECRET_PREFIX}…${secret.slice(-4)}`;
}

/** The headers of a signed webhook request. */
export interface SignatureHeaders {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
}

/**
 * Signs a request body: `v1,` and the base64 HMAC-SHA256, keyed by the secret's decoded key, of
 * `${id}.${timestamp}.${body}` (timestamp in whole seconds since the epoch).
 */
export function sign(
  secret: string,
  id: string,
  timestamp: number,
  body: string,
): SignatureHeaders {
  const key = Buffer.from(secret.slice(SECRET_PREFIX.length), 'base64');
  const signature = createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64');
  return {
    'webhook-id': id,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': `v1,${signature}`,
  };
}
