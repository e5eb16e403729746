/** How far a step of the rotation is. */
export interface RotationProgress {
  /** Rows left to do when the run began. */
  total: number;
  /** Rows this run did. */
  done: number;
  /** Rows changed meanwhile by someone else (another run, an erasure): left as they are. */
  skipped: number;
  /** Rows done a second, since the run began. */
  perSecond: number;
  /** Seconds left at that pace (undefined before the first batch). */
  secondsLeft?: number;
}

/** The pace since `started`, and the seconds left at it. */
export function paceOf(progress: RotationProgress, started: number, now: number): void {
  const seconds = Math.max(now - started, 1) / 1000;
  progress.perSecond = Math.round(progress.done / seconds);
  const left = Math.max(progress.total - progress.done - progress.skipped, 0);
  progress.secondsLeft = progress.perSecond > 0 ? Math.ceil(left / progress.perSecond) : undefined;
}
