import { BatchGate } from './batch-gate';

/** A promise and the function that settles it. */
function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

const tick = () => new Promise<void>((r) => setImmediate(r));

describe('BatchGate', () => {
  it('runs batches side by side', async () => {
    const gate = new BatchGate();
    const a = deferred();
    const b = deferred();
    const started: string[] = [];
    const first = gate.batch(async () => {
      started.push('a');
      await a.promise;
    });
    const second = gate.batch(async () => {
      started.push('b');
      await b.promise;
    });
    await tick();
    expect(started).toEqual(['a', 'b']);
    a.resolve();
    b.resolve();
    await Promise.all([first, second]);
  });

  it('runs a task alone: after the batches in hand, before the batches that come meanwhile', async () => {
    const gate = new BatchGate();
    const events: string[] = [];
    const inHand = deferred();
    const batch1 = gate.batch(async () => {
      events.push('batch 1 starts');
      await inHand.promise;
      events.push('batch 1 ends');
    });
    await tick();
    const task = gate.exclusively(async () => {
      events.push('task');
      await tick();
      events.push('task ends');
      return true;
    });
    const batch2 = gate.batch(async () => {
      events.push('batch 2');
      return Promise.resolve();
    });
    await tick();
    expect(events).toEqual(['batch 1 starts']);
    inHand.resolve();
    expect(await task).toBe(true);
    await Promise.all([batch1, batch2]);
    expect(events).toEqual(['batch 1 starts', 'batch 1 ends', 'task', 'task ends', 'batch 2']);
  });

  it('runs tasks one at a time, in order, and goes on after one fails', async () => {
    const gate = new BatchGate();
    const events: string[] = [];
    const failing = gate.exclusively(async () => {
      await tick();
      events.push('first');
      throw new Error('swap failed');
    });
    const next = gate.exclusively(() => {
      events.push('second');
      return Promise.resolve(2);
    });
    const batch = gate.batch(() => {
      events.push('batch');
      return Promise.resolve();
    });
    await expect(failing).rejects.toThrow('swap failed');
    expect(await next).toBe(2);
    await batch;
    expect(events).toEqual(['first', 'second', 'batch']);
  });
});
