import { PackedRow } from './metric-sums';
import { RollupRowCache } from './rollup-row-cache';

/** A parsed row of about `bins` × 24 bytes. */
const rowOf = (bins: number) =>
  PackedRow.parse(
    '{"received": 1}',
    `{${Array.from({ length: bins }, (_, b) => `"duration:to_assignment:${b}": 1`).join(', ')}}`,
  );

describe('RollupRowCache', () => {
  it('keeps parsed rows by version and hands back the same row', () => {
    const cache = new RollupRowCache();
    const row = rowOf(3);
    cache.set('a', row);
    expect(cache.get('a')).toBe(row);
    expect(cache.get('b')).toBeUndefined();
  });

  it('drops the least recently used rows beyond its budget, and never keeps a row larger than it', () => {
    // Each kept row costs its parse, its name and the entry.
    const one = rowOf(10).bytes + 2 * 'a'.length + 150;
    const cache = new RollupRowCache(one * 2);
    cache.set('a', rowOf(10));
    cache.set('b', rowOf(10));
    // `a` is used, so `b` is now the least recently used.
    expect(cache.get('a')).toBeDefined();
    cache.set('c', rowOf(10));
    expect(cache.size).toBe(2);
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBeDefined();
    expect(cache.get('c')).toBeDefined();
    cache.set('huge', rowOf(100));
    expect(cache.get('huge')).toBeUndefined();
    expect(cache.size).toBe(2);
    // Setting a version again replaces its row and counts its bytes once.
    cache.set('a', rowOf(10));
    cache.set('a', rowOf(10));
    expect(cache.size).toBe(2);
    expect(cache.get('c')).toBeDefined();
  });

  it('trusts a row for its TTL only', () => {
    let now = 1_000;
    const cache = new RollupRowCache(1 << 20, 500, () => now);
    cache.set('a', rowOf(1));
    now += 500;
    expect(cache.get('a')).toBeDefined();
    now += 501;
    expect(cache.get('a')).toBeUndefined();
    expect(cache.size).toBe(0);
    // A row set again after expiry is kept anew.
    cache.set('a', rowOf(1));
    expect(cache.get('a')).toBeDefined();
  });
});
