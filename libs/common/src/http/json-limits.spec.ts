import { jsonLimitExceeded } from './json-limits';

const bytes = (s: string) => Buffer.from(s, 'utf8');

describe('JSON shape limits, checked on the raw body before parsing', () => {
  it('accepts ordinary bodies, counting only structure outside strings', () => {
    expect(jsonLimitExceeded(bytes('{"a":{"b":[1,2,{"c":"[[[[{{{{"}]}}'), 4)).toBeNull();
    expect(jsonLimitExceeded(bytes('"\\"[[[[[["'), 1)).toBeNull();
    expect(jsonLimitExceeded(bytes('{"Ташкент ✓":"😀\\u005b"}'), 1)).toBeNull();
  });

  it('refuses nesting deeper than the limit, of arrays or objects', () => {
    expect(jsonLimitExceeded(bytes('[[[[[]]]]]'), 4)).toBe('depth');
    expect(jsonLimitExceeded(bytes('{"a":'.repeat(5000) + '1' + '}'.repeat(5000)))).toBe('depth');
    expect(jsonLimitExceeded(bytes('['.repeat(5000)))).toBe('depth');
  });

  it('refuses more object keys than the limit', () => {
    const wide = `{${Array.from({ length: 20 }, (_, i) => `"k${i}":${i}`).join(',')}}`;
    expect(jsonLimitExceeded(bytes(wide), 32, 19)).toBe('keys');
    expect(jsonLimitExceeded(bytes(wide), 32, 20)).toBeNull();
  });

  it('takes linear time: a 250 kB body is checked in a few milliseconds', () => {
    const body = bytes(JSON.stringify({ items: Array.from({ length: 20_000 }, (_, i) => [i]) }));
    const started = process.hrtime.bigint();
    expect(jsonLimitExceeded(body, 32, 1000)).toBeNull();
    expect(Number(process.hrtime.bigint() - started) / 1e6).toBeLessThan(50);
  });
});
