import { randomBytes } from 'node:crypto';
import { CaseKeyCache } from './case-key-cache';

describe('CaseKeyCache', () => {
  it('keeps at most its capacity, dropping the least recently used key', () => {
    const cache = new CaseKeyCache(2, 60_000);
    const [a, b, c] = [randomBytes(32), randomBytes(32), randomBytes(32)];
    cache.set('a', a);
    cache.set('b', b);
    expect(cache.get('a')).toBe(a);
    cache.set('c', c);
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBe(a);
    expect(cache.get('c')).toBe(c);
    expect(cache.size).toBe(2);
  });

  it('forgets a key once its time is up', () => {
    let now = 0;
    const cache = new CaseKeyCache(10, 1000, () => now);
    cache.set('a', randomBytes(32));
    now = 999;
    expect(cache.get('a')).toBeDefined();
    now = 2000;
    expect(cache.get('a')).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('holds nothing when turned off', () => {
    const cache = new CaseKeyCache(0, 60_000);
    cache.set('a', randomBytes(32));
    expect(cache.get('a')).toBeUndefined();
  });
});
