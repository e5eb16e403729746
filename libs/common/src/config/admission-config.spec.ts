import {
  admissionLimits,
  CommonEnvironment,
  databasePool,
  validateEnvironment,
} from './environment';

const load = (raw: Record<string, string>) => validateEnvironment(CommonEnvironment, raw);

describe('admission and pool settings', () => {
  it('derive the admission limits from the pool size by default', () => {
    const env = load({});
    expect(databasePool(env)).toEqual({ max: 10, acquireTimeoutMs: 2000 });
    expect(admissionLimits(env)).toEqual({ maxInFlight: 20, maxQueued: 40, maxQueueWaitMs: 1000 });
    expect(env.HTTP_KEEP_ALIVE_TIMEOUT_MS).toBe(65_000);
    expect(admissionLimits(load({ DATABASE_POOL_MAX: '4' }))).toMatchObject({
      maxInFlight: 8,
      maxQueued: 16,
    });
    expect(admissionLimits(load({ HTTP_MAX_IN_FLIGHT: '3', HTTP_MAX_QUEUED: '' }))).toMatchObject({
      maxInFlight: 3,
      maxQueued: 6,
    });
  });

  it('take explicit values, a queue of 0 included', () => {
    const env = load({
      DATABASE_POOL_MAX: '25',
      DATABASE_POOL_ACQUIRE_TIMEOUT_MS: '500',
      HTTP_MAX_IN_FLIGHT: '50',
      HTTP_MAX_QUEUED: '0',
      HTTP_MAX_QUEUE_WAIT_MS: '100',
    });
    expect(databasePool(env)).toEqual({ max: 25, acquireTimeoutMs: 500 });
    expect(admissionLimits(env)).toEqual({ maxInFlight: 50, maxQueued: 0, maxQueueWaitMs: 100 });
  });

  it('refuse nonsense', () => {
    for (const [name, value] of [
      ['HTTP_MAX_IN_FLIGHT', '0'],
      ['HTTP_MAX_QUEUED', '-1'],
      ['HTTP_MAX_QUEUE_WAIT_MS', 'soon'],
      ['DATABASE_POOL_MAX', '0'],
      ['DATABASE_POOL_ACQUIRE_TIMEOUT_MS', '10'],
      ['HTTP_KEEP_ALIVE_TIMEOUT_MS', '5'],
    ])
      expect(() => load({ [name]: value })).toThrow(name);
  });
});
