import type { Priority } from '@casebridge/contracts';
import type { AssignmentEnvironment } from '../config/assignment.environment';

/** SLA durations in seconds by priority: acceptance (assigned → in_progress) and resolution. */
export interface SlaPolicy {
  acceptanceSeconds: Record<Priority, number>;
  resolutionSeconds: Record<Priority, number>;
}

export function slaPolicyFrom(env: AssignmentEnvironment): SlaPolicy {
  return {
    acceptanceSeconds: {
      urgent: env.SLA_ACCEPTANCE_URGENT_S,
      high: env.SLA_ACCEPTANCE_HIGH_S,
      normal: env.SLA_ACCEPTANCE_NORMAL_S,
    },
    resolutionSeconds: {
      urgent: env.SLA_RESOLUTION_URGENT_S,
      high: env.SLA_RESOLUTION_HIGH_S,
      normal: env.SLA_RESOLUTION_NORMAL_S,
    },
  };
}

export function addMilliseconds(date: Date, ms: number): Date {
  return new Date(date.getTime() + ms);
}

export function acceptanceDeadline(policy: SlaPolicy, priority: Priority, from: Date): Date {
  return addMilliseconds(from, policy.acceptanceSeconds[priority] * 1000);
}

export function resolutionDeadline(policy: SlaPolicy, priority: Priority, from: Date): Date {
  return addMilliseconds(from, policy.resolutionSeconds[priority] * 1000);
}

/** The injection token of the SlaPolicy that SlaModule builds once from the environment. */
export const SLA_POLICY = Symbol('SLA_POLICY');
