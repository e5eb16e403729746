import type { CaseAction, CaseStatus } from '@casebridge/contracts';

const OPEN: CaseStatus[] = ['submitted', 'assigned', 'in_progress', 'awaiting_third_party'];

/** The lifecycle of SPEC.md: which action leads from which status to which. */
const TRANSITIONS: Record<CaseAction, { from: CaseStatus[]; to: CaseStatus }> = {
  start: { from: ['assigned'], to: 'in_progress' },
  await_third_party: { from: ['in_progress'], to: 'awaiting_third_party' },
  resume: { from: ['awaiting_third_party'], to: 'in_progress' },
  resolve: { from: ['in_progress', 'awaiting_third_party'], to: 'resolved' },
  close: { from: ['resolved'], to: 'closed' },
  reopen: { from: ['resolved', 'closed'], to: 'in_progress' },
  withdraw: { from: OPEN, to: 'withdrawn' },
  reject: { from: OPEN, to: 'rejected' },
};

export function nextStatus(from: CaseStatus, action: CaseAction): CaseStatus | null {
  const rule = TRANSITIONS[action];
  return rule.from.includes(from) ? rule.to : null;
}

export function allowedActions(from: CaseStatus): CaseAction[] {
  return (Object.keys(TRANSITIONS) as CaseAction[]).filter((a) =>
    TRANSITIONS[a].from.includes(from),
  );
}

/** Actions that must say why (a reason code). */
export const REASON_REQUIRED: ReadonlySet<CaseAction> = new Set(['withdraw', 'reject']);

/**
 * The part a caller plays in a case: the intake desk (intake officers), or the staff of the
 * consulate holding it.
 */
export type CaseParty = 'intake' | 'holding_consulate';

/**
 * What the intake desk may do: end a case that no consulate holds yet (a duplicate, a complaint
 * withdrawn on the phone). Once routed (`assigned` and after) the case belongs to its consulate.
 */
const INTAKE_MAY: Partial<Record<CaseAction, readonly CaseStatus[]>> = {
  withdraw: ['submitted'],
  reject: ['submitted'],
};

/**
 * The party whose standing permits `action` on a case in status `from`, or null when none of the
 * caller's parties may (the holding consulate first: it works the case).
 */
export function permittingParty(
  from: CaseStatus,
  action: CaseAction,
  parties: readonly CaseParty[],
): CaseParty | null {
  if (nextStatus(from, action) === null) return null;
  if (parties.includes('holding_consulate')) return 'holding_consulate';
  if (parties.includes('intake') && INTAKE_MAY[action]?.includes(from)) return 'intake';
  return null;
}

/** The actions a caller with these parties may take on a case in status `from`. */
export function permittedActions(from: CaseStatus, parties: readonly CaseParty[]): CaseAction[] {
  return allowedActions(from).filter((a) => permittingParty(from, a, parties) !== null);
}
