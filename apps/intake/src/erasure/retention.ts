import type { CaseStatus } from '@casebridge/contracts';

/** The statuses in which a case has ended: its retention period runs from the last of them. */
export const ENDED_STATUSES: readonly CaseStatus[] = ['closed', 'withdrawn', 'rejected'];

/** What retention needs to know of a case. */
export interface RetentionFacts {
  status: CaseStatus;
  /** When it last changed status (for an ended case: when it ended). */
  lastStatusChangeAt: Date | null;
  legalHold: boolean;
  personalDataErasedAt: Date | null;
}

/**
 * When a case's personal data is due for erasure, or null when it is not (yet) due at all: an
 * open case (a reopened one included) has not ended; a legal hold suspends retention; an
 * erased case has nothing left to erase.
 */
export function retentionDueAt(c: RetentionFacts, periodSeconds: number): Date | null {
  if (c.personalDataErasedAt !== null || c.legalHold) return null;
  if (!ENDED_STATUSES.includes(c.status) || c.lastStatusChangeAt === null) return null;
  return new Date(c.lastStatusChangeAt.getTime() + periodSeconds * 1000);
}

/** Whether the retention job erases the case now. */
export function retentionDue(c: RetentionFacts, periodSeconds: number, now: Date): boolean {
  const due = retentionDueAt(c, periodSeconds);
  return due !== null && due.getTime() <= now.getTime();
}
