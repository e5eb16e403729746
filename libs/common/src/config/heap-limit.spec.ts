import { DEFAULT_SERVICE_MAX_HEAP_MB, serviceHeapArgs } from './heap-limit';

describe('serviceHeapArgs', () => {
  it('limits the old space to the default, to SERVICE_MAX_HEAP_MB, or not at all with 0', () => {
    expect(serviceHeapArgs({})).toEqual([`--max-old-space-size=${DEFAULT_SERVICE_MAX_HEAP_MB}`]);
    expect(serviceHeapArgs({ SERVICE_MAX_HEAP_MB: '' })).toEqual([
      `--max-old-space-size=${DEFAULT_SERVICE_MAX_HEAP_MB}`,
    ]);
    expect(serviceHeapArgs({ SERVICE_MAX_HEAP_MB: '512' })).toEqual(['--max-old-space-size=512']);
    expect(serviceHeapArgs({ SERVICE_MAX_HEAP_MB: '0' })).toEqual([]);
  });

  it('refuses what is not a whole number of MB, or too little to start a service', () => {
    for (const bad of ['abc', '12.5', '-128', '32', '1e3x'])
      expect(() => serviceHeapArgs({ SERVICE_MAX_HEAP_MB: bad })).toThrow('SERVICE_MAX_HEAP_MB');
  });
});
