import type { ApplyResult } from '@casebridge/messaging';

export type RebuildPhase = 'replaying' | 'catching-up' | 'done';

export interface RebuildProgress {
  phase: RebuildPhase;
  /** Messages read so far (beyond the target too, while catching up). */
  read: number;
  /** Messages on the topics when the rebuild started: the replay reads at least these. */
  target: number;
  applied: number;
  duplicates: number;
  /** Messages that are not valid events or of a type reporting does not know. */
  skipped: number;
  /** Events whose application kept failing (the live consumer dead-letters these too). */
  failed: number;
}

/** The rebuild's counters and its progress lines, printed at most every intervalMs. */
export class RebuildProgressLog {
  readonly progress: RebuildProgress = {
    phase: 'replaying',
    read: 0,
    target: 0,
    applied: 0,
    duplicates: 0,
    skipped: 0,
    failed: 0,
  };
  private lastReport = 0;
  private readonly startedAt: number;

  constructor(
    readonly log: (line: string) => void,
    private readonly intervalMs: number,
    private readonly now: () => number = Date.now,
  ) {
    this.startedAt = now();
  }

  /** Counts what the replay made of a batch's messages. */
  count(results: ApplyResult[]): void {
    const p = this.progress;
    p.read += results.length;
    for (const result of results) {
      switch (result.outcome) {
        case 'applied':
          p.applied += 1;
          break;
        case 'duplicate':
          p.duplicates += 1;
          break;
        // Skipped, never applied: the live consumer dead-letters or ignores these.
        case 'ignored':
        case 'refused':
          p.skipped += 1;
          break;
        case 'failed':
          p.failed += 1;
          this.log(
            `rebuild: event ${result.event.id} failed ${result.attempts} times and is left out: ${(result.error as Error).message}`,
          );
          break;
      }
    }
  }

  /** Prints a progress line if intervalMs has passed since the last one (or now, when forced). */
  report(force: boolean): boolean {
    const now = this.now();
    if (!force && now - this.lastReport < this.intervalMs) return false;
    this.lastReport = now;
    const p = this.progress;
    const percent = p.target === 0 ? 100 : Math.min(100, Math.floor((p.read / p.target) * 100));
    this.log(
      `rebuild: ${p.phase} ${p.read}/${p.target} events read (${percent}%): ${p.applied} applied, ` +
        `${p.duplicates} duplicates, ${p.skipped} skipped, ${p.failed} failed${this.pace(now)}`,
    );
    return true;
  }

  /** The replay's rate so far and, while replaying, the time it needs for the rest at that rate. */
  private pace(now: number): string {
    const p = this.progress;
    const seconds = (now - this.startedAt) / 1000;
    if (p.read === 0 || seconds <= 0) return '';
    const perSecond = p.read / seconds;
    const rate = `; ${Math.round(perSecond)} events/s`;
    if (p.phase !== 'replaying' || p.read >= p.target) return rate;
    return `${rate}, about ${duration((p.target - p.read) / perSecond)} left`;
  }
}

/** A duration for people: 45 s, 12 min, 1 h 05 min. */
export function duration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 90) return `${s} s`;
  const minutes = Math.round(s / 60);
  if (minutes < 60) return `${minutes} min`;
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`;
}
