import { CaseStatus, OPEN_CASE_STATUSES, Priority } from '@casebridge/contracts';
import { addMilliseconds, resolutionDeadline, SlaPolicy } from '../sla/sla-policy';

/** The part of an assignment that a case's status changes drive. */
export interface CaseClocks {
  state: CaseStatus;
  priority: Priority;
  pausedAt: Date | null;
  acceptanceDueAt: Date;
  acceptanceMetAt: Date | null;
  acceptanceBreachedAt: Date | null;
  resolutionDueAt: Date;
  resolutionMetAt: Date | null;
  resolutionBreachedAt: Date | null;
  resolutionCycle: number;
}

export interface LifecycleChange {
  next: CaseClocks;
  /** How the holding caseworker's open_cases changes: a case that ends frees capacity. */
  openCasesDelta: -1 | 0 | 1;
}

/** States in which work on the case has started: the acceptance deadline is met. */
const STARTED: ReadonlySet<CaseStatus> = new Set([
  'in_progress',
  'awaiting_third_party',
  'resolved',
  'closed',
]);
const RESOLVED: ReadonlySet<CaseStatus> = new Set(['resolved', 'closed']);

export function isOpenState(state: CaseStatus): boolean {
  return OPEN_CASE_STATUSES.includes(state);
}

function running(metAt: Date | null, breachedAt: Date | null): boolean {
  return metAt === null && breachedAt === null;
}

/**
 * Applies a case's move to `to` (at time `at`) to its workload and SLA clocks:
 * - leaving the open states frees the caseworker's capacity; reopening takes it again;
 * - `awaiting_third_party` pauses both clocks; leaving it shifts the running deadlines by the
 *   time spent paused;
 * - `in_progress` meets the acceptance deadline, `resolved` (or `closed`) the resolution one;
 * - reopening (a closed state back to an open one) restarts the resolution clock as a new run;
 * - a withdrawn or rejected case stops both clocks (the scheduler watches open cases only).
 * The effects depend on the state before and after, never on the event's `from`: a change that
 * is skipped or arrives twice cannot unbalance the counters.
 */
export function applyStatusChange(
  current: CaseClocks,
  to: CaseStatus,
  at: Date,
  policy: SlaPolicy,
): LifecycleChange {
  const next: CaseClocks = { ...current, state: to };
  const wasOpen = isOpenState(current.state);
  const isOpen = isOpenState(to);

  if (current.pausedAt !== null && to !== 'awaiting_third_party') {
    const paused = Math.max(0, at.getTime() - current.pausedAt.getTime());
    if (running(current.acceptanceMetAt, current.acceptanceBreachedAt)) {
      next.acceptanceDueAt = addMilliseconds(current.acceptanceDueAt, paused);
    }
    if (running(current.resolutionMetAt, current.resolutionBreachedAt)) {
      next.resolutionDueAt = addMilliseconds(current.resolutionDueAt, paused);
    }
    next.pausedAt = null;
  }
  if (to === 'awaiting_third_party' && current.pausedAt === null) next.pausedAt = at;

  if (!wasOpen && isOpen) {
    next.resolutionDueAt = resolutionDeadline(policy, current.priority, at);
    next.resolutionMetAt = null;
    next.resolutionBreachedAt = null;
    next.resolutionCycle = current.resolutionCycle + 1;
  }
  if (STARTED.has(to) && next.acceptanceMetAt === null) next.acceptanceMetAt = at;
  if (RESOLVED.has(to) && next.resolutionMetAt === null) next.resolutionMetAt = at;

  return { next, openCasesDelta: wasOpen && !isOpen ? -1 : !wasOpen && isOpen ? 1 : 0 };
}
