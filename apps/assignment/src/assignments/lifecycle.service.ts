import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { CasebridgeEvent, EventTypes } from '@casebridge/contracts';
import { insertRows } from '@casebridge/common';
import { OutboxWriter } from '@casebridge/messaging';
import type { CaseStatus, Priority } from '@casebridge/contracts';
import { CaseworkersRepository } from '../directory/caseworkers.repository';
import { SLA_POLICY, SlaPolicy } from '../sla/sla-policy';
import { Assignment } from './assignment.entity';
import { AssignmentsRepository, ParkedChanges } from './assignments.repository';
import { AssignmentHistoryRepository } from './assignment-history.repository';
import { applyStatusChange } from './lifecycle';
import { PendingPriorityChangesRepository } from './pending-priority-changes.repository';
import { PendingStatusChangesRepository } from './pending-status-changes.repository';
import { applyPriorityChange } from './retriage';
import { chooseCaseworker } from './routing';

/** A change of a case from intake's events; status and priority changes share case versions. */
type CaseChange =
  | { kind: 'status'; version: number; to: CaseStatus; at: Date }
  | { kind: 'priority'; version: number; priority: Priority; at: Date };

/**
 * Follows each case's lifecycle from intake's case.status-changed and case.priority-changed
 * events: its state, its priority, its caseworker's workload and its SLA clocks (rules in
 * lifecycle.ts and retriage.ts).
 *
 * Out of order: a case's events share one partition of the case-events topic, yet a status

 * change can still reach us before the case is routed (its case.submitted was dead-lettered
 * and replayed later, or a topic is replayed into a fresh database). Such a change is parked in
 * pending_status_change (a re-triage in pending_priority_change) and applied, with the others
 * in version order, in the same transaction that routes the case. Changes are applied by the
 * case version they carry, status and priority each against the last of its kind: one older
 * than what is applied already (a redelivery under another event id, a late replay) changes
 * nothing.
 */
@Injectable()
export class LifecycleService {
  constructor(
    private readonly assignments: AssignmentsRepository,
    private readonly pending: PendingStatusChangesRepository,
    private readonly pendingPriorities: PendingPriorityChangesRepository,
    private readonly caseworkers: CaseworkersRepository,
    private readonly history: AssignmentHistoryRepository,
    private readonly outbox: OutboxWriter,
    @Inject(SLA_POLICY) private readonly sla: SlaPolicy,
  ) {}

  async onStatusChanged(
    event: CasebridgeEvent<typeof EventTypes.CaseStatusChanged>,
    manager: EntityManager,
  ): Promise<void> {
    const c = event.data;
    await this.assignments.lockCase(manager, c.caseId);
    const assignment = await this.assignments.lockAssignment(manager, c.caseId);
    const change = { version: c.version, to: c.to, at: new Date(c.at) };
    if (!assignment) {
      await this.pending.save(manager, c.caseId, change);
      return;
    }
    await this.apply(manager, assignment, [{ kind: 'status', ...change }]);
  }

  async onPriorityChanged(
    event: CasebridgeEvent<typeof EventTypes.CasePriorityChanged>,
    manager: EntityManager,
  ): Promise<void> {
    const c = event.data;
    await this.assignments.lockCase(manager, c.caseId);
    const assignment = await this.assignments.lockAssignment(manager, c.caseId);
    const change = { version: c.version, priority: c.to, at: new Date(c.at) };
    if (!assignment) {
      await this.pendingPriorities.save(manager, c.caseId, change);
      return;
    }
    await this.apply(manager, assignment, [{ kind: 'priority', ...change }]);
  }

  /**
   * Applies the parked changes of a case just routed, as its routing statement removed them
   * (AssignmentsRepository.insertRouted; its row is new and ours in this transaction).
   */
  async applyPending(manager: EntityManager, caseId: string, parked: ParkedChanges): Promise<void> {
    const changes: CaseChange[] = [
      ...parked.statuses.map((s) => ({ kind: 'status' as const, ...s })),
      ...parked.priorities.map((p) => ({ kind: 'priority' as const, ...p })),
    ].sort((x, y) => x.version - y.version);
    if (changes.length === 0) return;
    const assignment = await this.assignments.lockAssignment(manager, caseId);
    if (assignment) await this.apply(manager, assignment, changes);
  }

  private async apply(
    manager: EntityManager,
    assignment: Assignment,
    changes: readonly CaseChange[],
  ): Promise<void> {
    let current = assignment;
    let openCasesDelta = 0;
    for (const change of changes) {
      if (change.kind === 'priority') {
        if (change.version <= current.priorityVersion) continue;
        const next = applyPriorityChange(current, change.priority, this.sla);
        current = { ...current, ...next, priorityVersion: change.version };
        continue;
      }
      if (change.version <= current.statusVersion) continue;
      const applied = applyStatusChange(current, change.to, change.at, this.sla);
      current = { ...current, ...applied.next, statusVersion: change.version };
      openCasesDelta += applied.openCasesDelta;
    }
    if (current === assignment) return;
    await this.assignments.updateLifecycle(manager, assignment.caseId, {
      state: current.state,
      statusVersion: current.statusVersion,
      priority: current.priority,
      priorityVersion: current.priorityVersion,
      pausedAt: current.pausedAt,
      acceptanceDueAt: current.acceptanceDueAt,
      acceptanceMetAt: current.acceptanceMetAt,
      resolutionDueAt: current.resolutionDueAt,
      resolutionMetAt: current.resolutionMetAt,
      resolutionBreachedAt: current.resolutionBreachedAt,
      resolutionCycle: current.resolutionCycle,
      updatedAt: new Date(),
    });
    if (openCasesDelta > 0 && assignment.caseworkerId !== null) {
      const moved = await this.awayFromInactiveHolder(manager, { ...assignment, ...current });
      if (moved) {
        await this.caseworkers.adjustOpenCases(manager, moved.caseworkerId, openCasesDelta);
        return;
      }
    }
    await this.caseworkers.adjustOpenCases(manager, assignment.caseworkerId, openCasesDelta);
  }

  /**
   * A case reopened while its caseworker is no longer active (they left: their handover moved
   * only open cases) goes by the routing rules to a colleague of the office, else to the office
   * queue, with its case.assigned, instead of coming back to nobody's queue. Returns the new
   * holder (caseworkerId null: the office queue), or null when the holder is still active.
   */
  private async awayFromInactiveHolder(
    manager: EntityManager,
    a: Assignment,
  ): Promise<{ caseworkerId: string | null } | null> {
    const staff = await this.caseworkers.lockStaff(manager, a.consulateId);
    const holder = staff.find((c) => c.id === a.caseworkerId);
    if (!holder || holder.active) return null;
    const next = chooseCaseworker(staff, a.preferredLanguage);
    const now = new Date();
    const sequence = a.sequence + 1;
    const to = { consulateId: a.consulateId, caseworkerId: next?.id ?? null };
    await this.assignments.updateHolder(manager, a.caseId, {
      ...to,
      reason: 'reassigned',
      sequence,
      at: now,
    });
    await insertRows(manager, [
      this.history.row({
        caseId: a.caseId,
        sequence,
        ...to,
        reason: 'reassigned',
        transferReason: null,
        actorId: 'routing',
        actorRole: null,
        at: now,
      }),
      this.outbox.row(EventTypes.CaseAssigned, {
        caseId: a.caseId,
        hostCountry: a.hostCountry,
        ...to,
        assignedAt: now.toISOString(),
        reason: 'reassigned',
        previous: { consulateId: a.consulateId, caseworkerId: a.caseworkerId },
        sequence,
      }).row,
    ]);
    return { caseworkerId: to.caseworkerId };
  }
}
