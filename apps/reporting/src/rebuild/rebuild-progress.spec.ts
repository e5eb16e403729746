import { duration, RebuildProgressLog } from './rebuild-progress';

describe('rebuild progress', () => {
  it('prints the rate and the time left at that rate while replaying', () => {
    let now = 1_000_000;
    const lines: string[] = [];
    const log = new RebuildProgressLog(
      (l) => lines.push(l),
      2000,
      () => now,
    );
    log.progress.target = 100_000;
    now += 10_000;
    log.progress.read = 25_000;
    log.progress.applied = 25_000;
    expect(log.report(false)).toBe(true);
    expect(lines.at(-1)).toBe(
      'rebuild: replaying 25000/100000 events read (25%): 25000 applied, 0 duplicates, 0 skipped, 0 failed; 2500 events/s, about 30 s left',
    );
    // Not again within the interval, unless forced.
    now += 1000;
    expect(log.report(false)).toBe(false);
    log.progress.phase = 'catching-up';
    log.progress.read = 100_000;
    expect(log.report(true)).toBe(true);
    expect(lines.at(-1)).toMatch(/100000\/100000 events read \(100%\).*; 9091 events\/s$/);
  });

  it('says durations the way people read them', () => {
    expect(duration(44.6)).toBe('45 s');
    expect(duration(600)).toBe('10 min');
    expect(duration(3900)).toBe('1 h 05 min');
    expect(duration(-3)).toBe('0 s');
  });
});
