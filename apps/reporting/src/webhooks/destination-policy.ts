import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';

/** What a subscription's URL may point at (WEBHOOK_ALLOW_HTTP, WEBHOOK_ALLOWED_NETWORKS). */
export interface DestinationRules {
  /** `http:` URLs too (development and tests); `https:` only otherwise. */
  allowHttp: boolean;
  /** CIDRs permitted although not public (e.g. `10.20.0.0/16`, `127.0.0.1/32`). */
  allowedNetworks: readonly string[];
}

/** Why a destination is refused: a code for the API, a short text for the delivery log. */
export class DestinationRefused extends Error {
  constructor(
    readonly reason: 'scheme' | 'credentials' | 'address' | 'unresolvable' | 'malformed',
    message: string,
  ) {
    super(message);
    this.name = 'DestinationRefused';
  }
}

type Address = ipaddr.IPv4 | ipaddr.IPv6;

/** An IPv4-mapped IPv6 address (`::ffff:10.0.0.1`) is judged as the IPv4 address it carries. */
function normalised(address: string): Address {
  const parsed = ipaddr.parse(address);
  return parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()
    ? (parsed as ipaddr.IPv6).toIPv4Address()
    : parsed;
}

/**
 * The range an address is in, as ipaddr.js names them: `unicast` is a public address; anything
 * else (private, loopback, linkLocal, multicast, unspecified, broadcast, carrierGradeNat,
 * uniqueLocal, reserved, the IPv6 ranges that embed IPv4 addresses such as 6to4, Teredo and
 * NAT64…) is not.
 */
export function addressRange(address: string): string {
  return normalised(address).range();
}

export function parseNetworks(cidrs: readonly string[]): [Address, number][] {
  return cidrs.map((cidr) => {
    const [network, bits] = ipaddr.parseCIDR(cidr);
    return [network, bits];
  });
}

/** Whether a webhook may connect to `address`: a public unicast address, or an allowed network. */
export function isAllowedAddress(address: string, allowedNetworks: [Address, number][]): boolean {
  if (!ipaddr.isValid(address)) return false;
  const ip = normalised(address);
  if (ip.range() === 'unicast') return true;
  return allowedNetworks.some(([network, bits]) => {
    const candidate =
      network.kind() === ip.kind()
        ? ip
        : network.kind() === 'ipv6' && ip.kind() === 'ipv4'
          ? (ip as ipaddr.IPv4).toIPv4MappedAddress()
          : undefined;
    return candidate !== undefined && candidate.match(network, bits);
  });
}

/** The URL's host as an address or name (`[::1]` → `::1`). */
function hostOf(url: URL): string {
  return url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
}

type LookupFn = (hostname: string) => Promise<LookupAddress[]>;

const systemLookup: LookupFn = (hostname) =>
  new Promise((resolve, reject) =>
    dnsLookup(hostname, { all: true, verbatim: true }, (error, addresses) =>
      error ? reject(error) : resolve(addresses),
    ),
  );

/**
 * Judges subscription URLs and the addresses their names resolve to: at registration (the API
 * refuses a URL that is not allowed) and at every connection (the lookup hook), so that a name
 * re-pointed at a private address after registration (DNS rebinding) is refused too.
 */
export class DestinationPolicy {
  private readonly networks: [Address, number][];

  constructor(
    private readonly rules: DestinationRules,
    private readonly resolve: LookupFn = systemLookup,
  ) {
    this.networks = parseNetworks(rules.allowedNetworks);
  }

  /** The URL, or DestinationRefused: scheme, credentials, form. Does not resolve the name. */
  parse(raw: string): URL {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw new DestinationRefused('malformed', 'url must be an absolute URL');
    }
    const schemes = this.rules.allowHttp ? ['https:', 'http:'] : ['https:'];
    if (!schemes.includes(url.protocol))
      throw new DestinationRefused(
        'scheme',
        this.rules.allowHttp ? 'url must be https or http' : 'url must be https',
      );
    if (url.username || url.password)
      throw new DestinationRefused('credentials', 'url must not carry a user name or password');
    if (url.hash) throw new DestinationRefused('malformed', 'url must not have a fragment');
    return url;
  }

  /** Every address the URL's host stands for, each allowed; else DestinationRefused. */
  async check(raw: string): Promise<URL> {
    const url = this.parse(raw);
    await this.addressesOf(hostOf(url));
    return url;
  }

  /** The host's addresses when every one is allowed (one private address refuses the name). */
  async addressesOf(host: string): Promise<LookupAddress[]> {
    let addresses: LookupAddress[];
    if (isIP(host)) addresses = [{ address: host, family: isIP(host) }];
    else {
      try {
        addresses = await this.resolve(host);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code ?? 'error';
        throw new DestinationRefused('unresolvable', `host name did not resolve (${code})`);
      }
      if (addresses.length === 0)
        throw new DestinationRefused('unresolvable', 'host name did not resolve');
    }
    const refused = addresses.find((a) => !isAllowedAddress(a.address, this.networks));
    if (refused)
      throw new DestinationRefused(
        'address',
        `host resolves to a ${addressRange(refused.address)} address, which webhooks may not reach`,
      );
    return addresses;
  }

  /**
   * A `lookup` for http(s).request: resolves, then refuses the connection unless every address
   * is allowed. Node skips `lookup` for an IP literal, which check() judges before the request.
   */
  readonly lookup = (
    hostname: string,
    options: LookupOptions,
    callback: (
      error: NodeJS.ErrnoException | null,
      address: string | LookupAddress[],
      family?: number,
    ) => void,
  ): void => {
    this.addressesOf(hostname).then(
      (addresses) => {
        const family =
          options.family === 'IPv4' ? 4 : options.family === 'IPv6' ? 6 : options.family;
        const wanted = family ? addresses.filter((a) => a.family === family) : addresses;
        const usable = wanted.length > 0 ? wanted : addresses;
        if (options.all) callback(null, usable);
        else callback(null, usable[0].address, usable[0].family);
      },
      (error: Error) => callback(error as NodeJS.ErrnoException, '', 0),
    );
  };
}
