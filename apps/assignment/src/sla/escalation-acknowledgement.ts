import type { AuthUser } from '@casebridge/common';

/**
 * Why a consul considers a missed deadline handled. Codes, not free text: an acknowledgement
 * must never carry a complainant's details, and codes can be counted. The list is also a CHECK
 * constraint of sla_breach_acknowledgement (migration 1767484800000): a new code needs both.
 */
export const ACKNOWLEDGEMENT_REASONS = [
  'caseworker_contacted',
  'complainant_unreachable',
  'waiting_host_authority',
  'reassigned',
  'workload',
  'other',
] as const;
export type AcknowledgementReason = (typeof ACKNOWLEDGEMENT_REASONS)[number];

/** An acknowledgement as recorded: who (the token's sub and roles), where, why and when. */
export interface Acknowledgement {
  reason: AcknowledgementReason;
  actorId: string;
  actorRole: string;
  /** The office holding the case when it was acknowledged. */
  consulateId: string;
  at: Date;
}

/**
 * Who may acknowledge a breach: an admin any; a consul those of cases their office holds now
 * (outside it the breach does not exist for them: 404). Other roles never reach the rule (403).
 */
export function canAcknowledge(user: AuthUser, holdingConsulateId: string): boolean {
  if (user.roles.includes('admin')) return true;
  return (
    user.roles.includes('consul') &&
    user.consulateId !== null &&
    user.consulateId === holdingConsulateId
  );
}

/**
 * A second acknowledgement of a breach that already has one. The same person with the same
 * reason is a retry (a lost response, a double click): it is answered with the stored
 * acknowledgement, unchanged. Anyone else, or another reason, is a conflict: the first one stands.
 */
export function repeatedAcknowledgement(
  existing: Pick<Acknowledgement, 'actorId' | 'reason'>,
  user: AuthUser,
  reason: AcknowledgementReason,
): 'replay' | 'conflict' {
  return existing.actorId === user.sub && existing.reason === reason ? 'replay' : 'conflict';
}

const MAX_BIGINT = 9_223_372_036_854_775_807n;

/**
 * An escalation id from a path (the bigint id of its sla_breach row) in canonical form, or null
 * for anything else: no leading zeros, signs or spaces, and within bigint, so that no input
 * reaches SQL as a value Postgres would refuse.
 */
export function parseBreachId(raw: string): string | null {
  if (!/^[1-9][0-9]{0,18}$/.test(raw)) return null;
  return BigInt(raw) <= MAX_BIGINT ? raw : null;
}
