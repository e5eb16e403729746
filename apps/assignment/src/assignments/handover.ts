import { chooseCaseworker, CaseworkerCandidate } from './routing';

/** Where a leaving caseworker's open cases go: one named colleague, or the routing rules. */
export type HandoverTarget = { mode: 'caseworker'; caseworkerId: string } | { mode: 'routing' };

/** An open case of the leaving caseworker, as the plan needs it. */
export interface HandoverCase {
  caseId: string;
  preferredLanguage: string;
  /** The case's current assignment sequence (the move publishes the next one). */
  sequence: number;
}

export interface HandoverMove {
  caseId: string;
  /** null: the case goes back to the office queue. */
  caseworkerId: string | null;
  sequence: number;
}

/**
 * Where each case goes, in the order given (soonest deadline first, so the most urgent cases
 * get the free capacity). To a named colleague: all of them (capacity is checked before). By
 * the routing rules: each to the active colleague who speaks the complainant's language and has
 * the fewest open cases below their maximum, counting the cases this plan has given them
 * already; no such colleague → the office queue. The leaving caseworker never takes a case.
 */
export function planHandover(
  cases: readonly HandoverCase[],
  staff: readonly CaseworkerCandidate[],
  leavingId: string,
  target: HandoverTarget,
): HandoverMove[] {
  if (target.mode === 'caseworker') {
    return cases.map((c) => ({
      caseId: c.caseId,
      caseworkerId: target.caseworkerId,
      sequence: c.sequence + 1,
    }));
  }
  const pool = staff.filter((s) => s.id !== leavingId).map((s) => ({ ...s }));
  return cases.map((c) => {
    const chosen = chooseCaseworker(pool, c.preferredLanguage);
    if (chosen) chosen.openCases += 1;
    return { caseId: c.caseId, caseworkerId: chosen?.id ?? null, sequence: c.sequence + 1 };
  });
}

/** How many cases each caseworker receives, and how many go back to the office queue. */
export function handoverCounts(moves: readonly HandoverMove[]): {
  toCaseworkers: { caseworkerId: string; cases: number }[];
  toOfficeQueue: number;
} {
  const by = new Map<string, number>();
  let toOfficeQueue = 0;
  for (const m of moves) {
    if (m.caseworkerId === null) toOfficeQueue += 1;
    else by.set(m.caseworkerId, (by.get(m.caseworkerId) ?? 0) + 1);
  }
  return {
    toCaseworkers: [...by]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([caseworkerId, n]) => ({ caseworkerId, cases: n })),
    toOfficeQueue,
  };
}
