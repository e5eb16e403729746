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
