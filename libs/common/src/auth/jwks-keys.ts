import { JSONWebKey, JwksClient } from 'jwks-rsa';

/** jwks-rsa's own limits for what reaches its fetch: per-kid cache, and requests per minute. */
const CACHE_MAX_AGE_MS = 10 * 60_000;
const REQUESTS_PER_MINUTE = 10;
/** Bound on remembered unknown kids, so that a flood of made-up ones cannot grow memory. */
const MAX_UNKNOWN_KIDS = 10_000;

export class UnknownSigningKey extends Error {}

/**
 * The signing keys of a JWKS URL. jwks-rsa caches each known key and rate-limits its fetches,
 * but its rate limit is shared: a flood of tokens with made-up `kid`s would use it up and starve
 * the real key whenever that drops out of the cache. So a kid reaches jwks-rsa only once the key
 * set is known to list it; an unknown kid is remembered (negative cache) and refused without a
 * fetch, and the URL is listed again for unknown kids at most once per `unknownKidMs` (so a newly
 * published key is found within that time).
 */
export class JwksKeys {
  private readonly client: JwksClient;
  private listed: JSONWebKey[] = [];
  private known = new Set<string>();
  private listedAt = 0;
  private listing?: Promise<void>;
  private readonly unknown = new Map<string, number>();

  constructor(
    jwksUri: string,
    private readonly unknownKidMs: number,
  ) {
    this.client = new JwksClient({
      jwksUri,
      timeout: 5000,
      cache: true,
      cacheMaxAge: CACHE_MAX_AGE_MS,
      rateLimit: true,
      jwksRequestsPerMinute: REQUESTS_PER_MINUTE,
      // A known kid's key is taken from the last listing instead of a second fetch.
      getKeysInterceptor: () => Promise.resolve(this.listed),
    });
  }

  /** The PEM public key named by `kid`, or UnknownSigningKey. */
  async publicKey(kid: string | undefined): Promise<string> {
    if (!kid) throw new UnknownSigningKey('the token names no kid');
    const now = Date.now();
    if (now - this.listedAt >= CACHE_MAX_AGE_MS) await this.list(); // keys also get withdrawn
    if (!this.known.has(kid)) {
      if ((this.unknown.get(kid) ?? 0) > now) throw new UnknownSigningKey('unknown kid');
      if (now - this.listedAt >= this.unknownKidMs) await this.list();
      if (!this.known.has(kid)) {
        this.rememberUnknown(kid, now);
        throw new UnknownSigningKey('unknown kid');
      }
    }
    return (await this.client.getSigningKey(kid)).getPublicKey();
  }

  /** One listing at a time; a failed one keeps the last key set (and is not retried at once). */
  private list(): Promise<void> {
    this.listing ??= this.client
      .getKeys()
      .then(
        (keys) => {
          this.listed = (keys as JSONWebKey[] | undefined) ?? [];
          this.known = new Set(
            this.listed.filter((k) => !k.use || k.use === 'sig').map((k) => k.kid),
          );
          for (const kid of this.known) this.unknown.delete(kid);
        },
        () => undefined,
      )
      .finally(() => {
        this.listedAt = Date.now();
        this.listing = undefined;
      });
    return this.listing;
  }

  private rememberUnknown(kid: string, now: number): void {
    if (this.unknown.size >= MAX_UNKNOWN_KIDS) {
      const oldest = this.unknown.keys().next().value;
      if (oldest !== undefined) this.unknown.delete(oldest);
    }
    this.unknown.set(kid, now + this.unknownKidMs);
  }
}
