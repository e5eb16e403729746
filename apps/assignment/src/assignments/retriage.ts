import type { Priority } from '@casebridge/contracts';
import { addMilliseconds, SlaPolicy } from '../sla/sla-policy';
import type { CaseClocks } from './lifecycle';

/**
 * Re-triage (casebridge.case.priority-changed): the case takes its new priority and each clock
 * still running (neither met nor breached) is recomputed from the SLA policy for that priority:
 * its deadline stays where the clock started (routing for acceptance, routing or the last
 * reopening for resolution) plus the time spent paused, plus the new priority's duration. A
 * running deadline is exactly that sum for the old priority, so it moves by the difference
 * between the two durations; a clock paused right now is shifted by its pause on resume, as
 * always. Clocks already met or breached stay as they are. A tightened deadline that is now in
 * the past is left for the breach job, which fires it on its next scan (unless paused).
 */
export function applyPriorityChange(
  current: CaseClocks,
  to: Priority,
  policy: SlaPolicy,
): CaseClocks {
  const next: CaseClocks = { ...current, priority: to };
  const from = current.priority;
  if (current.acceptanceMetAt === null && current.acceptanceBreachedAt === null) {
    next.acceptanceDueAt = addMilliseconds(
      current.acceptanceDueAt,
      (policy.acceptanceSeconds[to] - policy.acceptanceSeconds[from]) * 1000,
    );
  }
  if (current.resolutionMetAt === null && current.resolutionBreachedAt === null) {
    next.resolutionDueAt = addMilliseconds(
      current.resolutionDueAt,
      (policy.resolutionSeconds[to] - policy.resolutionSeconds[from]) * 1000,
    );
  }
  return next;
}
