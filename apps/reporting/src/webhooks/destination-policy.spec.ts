import type { LookupAddress } from 'node:dns';
import {
  addressRange,
  DestinationPolicy,
  DestinationRefused,
  isAllowedAddress,
  parseNetworks,
} from './destination-policy';

const none = parseNetworks([]);

describe('webhook address classification', () => {
  it.each([
    ['93.184.216.34', 'unicast'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['192.168.1.1', 'private'],
    ['127.0.0.1', 'loopback'],
    ['169.254.169.254', 'linkLocal'],
    ['0.0.0.0', 'unspecified'],
    ['224.0.0.1', 'multicast'],
    ['255.255.255.255', 'broadcast'],
    ['100.64.0.1', 'carrierGradeNat'],
    ['::1', 'loopback'],
    ['::', 'unspecified'],
    ['fe80::1', 'linkLocal'],
    ['fd12:3456::1', 'uniqueLocal'],
    ['ff02::1', 'multicast'],
    ['2606:2800:220:1::1', 'unicast'],
    // IPv4-mapped IPv6 addresses are judged as the IPv4 address they carry.
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['::ffff:10.0.0.1', 'private'],
    ['::ffff:169.254.169.254', 'linkLocal'],
    ['::ffff:93.184.216.34', 'unicast'],
  ])('classifies %s as %s', (address, range) => {
    expect(addressRange(address)).toBe(range);
    expect(isAllowedAddress(address, none)).toBe(range === 'unicast');
  });

  it.each(['64:ff9b::a00:1', '2002:a00:1::1', '2001:db8::1', '2001::1', '192.0.2.1'])(
    'refuses %s, an address that embeds another or is reserved',
    (address) => {
      expect(isAllowedAddress(address, none)).toBe(false);
    },
  );

  it('allows a private address only inside a configured network, mapped or not', () => {
    const nets = parseNetworks(['127.0.0.1/32', '10.20.0.0/16', 'fd00::/8']);
    expect(isAllowedAddress('127.0.0.1', nets)).toBe(true);
    expect(isAllowedAddress('::ffff:127.0.0.1', nets)).toBe(true);
    expect(isAllowedAddress('127.0.0.2', nets)).toBe(false);
    expect(isAllowedAddress('10.20.3.4', nets)).toBe(true);
    expect(isAllowedAddress('10.21.0.1', nets)).toBe(false);
    expect(isAllowedAddress('fd12::1', nets)).toBe(true);
    expect(isAllowedAddress('::1', nets)).toBe(false);
    expect(isAllowedAddress('not an address', nets)).toBe(false);
  });
});

describe('webhook destination policy', () => {
  const dns: Record<string, LookupAddress[]> = {
    'partner.example': [{ address: '93.184.216.34', family: 4 }],
    'mixed.example': [
      { address: '93.184.216.34', family: 4 },
      { address: '10.0.0.5', family: 4 },
    ],
    'rebound.example': [{ address: '::ffff:169.254.169.254', family: 6 }],
    localhost: [{ address: '127.0.0.1', family: 4 }],
  };
  const resolve = (host: string) =>
    dns[host]
      ? Promise.resolve(dns[host])
      : Promise.reject(Object.assign(new Error('not found'), { code: 'ENOTFOUND' }));
  const policy = new DestinationPolicy({ allowHttp: false, allowedNetworks: [] }, resolve);

  const refusal = async (url: string) => {
    try {
      await policy.check(url);
    } catch (error) {
      if (error instanceof DestinationRefused) return error.reason;
      throw error;
    }
    return 'allowed';
  };

  it('allows an https URL whose every address is public', async () => {
    expect((await policy.check('https://Partner.Example/hooks?x=1')).toString()).toBe(
      'https://partner.example/hooks?x=1',
    );
  });

  it.each([
    ['http://partner.example/hooks', 'scheme'],
    ['ftp://partner.example/hooks', 'scheme'],
    ['https://user:pw@partner.example/hooks', 'credentials'],
    ['https://partner.example/hooks#x', 'malformed'],
    ['not a url', 'malformed'],
    ['https://localhost/hooks', 'address'],
    ['https://127.0.0.1/hooks', 'address'],
    ['https://2130706433/hooks', 'address'],
    ['https://0x7f.1/hooks', 'address'],
    ['https://[::1]/hooks', 'address'],
    ['https://[::ffff:127.0.0.1]/hooks', 'address'],
    ['https://[fe80::1]/hooks', 'address'],
    ['https://169.254.169.254/latest/meta-data', 'address'],
    ['https://mixed.example/hooks', 'address'],
    ['https://rebound.example/hooks', 'address'],
    ['https://nowhere.example/hooks', 'unresolvable'],
  ])('refuses %s (%s)', async (url, reason) => {
    expect(await refusal(url)).toBe(reason);
  });

  it('allows http and a configured network when told to', async () => {
    const dev = new DestinationPolicy(
      { allowHttp: true, allowedNetworks: ['127.0.0.1/32'] },
      resolve,
    );
    await expect(dev.check('http://127.0.0.1:8080/hooks')).resolves.toBeInstanceOf(URL);
    await expect(dev.check('http://localhost:8080/hooks')).resolves.toBeInstanceOf(URL);
    await expect(dev.check('http://[::1]:8080/hooks')).rejects.toThrow(DestinationRefused);
  });

  it('refuses at connection time a name that now resolves to a private address (its lookup hook)', async () => {
    const answer = (host: string, all: boolean) =>
      new Promise<{ error: Error | null; address: unknown }>((done) =>
        policy.lookup(host, { all }, (error, address) => done({ error, address })),
      );
    expect(await answer('partner.example', true)).toEqual({
      error: null,
      address: [{ address: '93.184.216.34', family: 4 }],
    });
    expect(await answer('partner.example', false)).toEqual({
      error: null,
      address: '93.184.216.34',
    });
    const rebound = await answer('rebound.example', false);
    expect(rebound.error).toBeInstanceOf(DestinationRefused);
  });
});
