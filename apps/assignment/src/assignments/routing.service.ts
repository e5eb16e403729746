import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { CasebridgeEvent, EventTypes } from '@casebridge/contracts';
import { OutboxWriter } from '@casebridge/messaging';
import { CaseworkersRepository } from '../directory/caseworkers.repository';
import { acceptanceDeadline, resolutionDeadline, SLA_POLICY, SlaPolicy } from '../sla/sla-policy';
import { AssignmentHistoryRepository } from './assignment-history.repository';
import { AssignmentsRepository } from './assignments.repository';
import { LifecycleService } from './lifecycle.service';
import { chooseCaseworker, chooseOffice } from './routing';

/** Actor recorded in the history for automatic assignments. */
export const ROUTING_ACTOR = 'routing';

/** Routes each newly submitted case to an office and caseworker (rules in routing.ts). */
@Injectable()
export class RoutingService {
  constructor(
    private readonly assignments: AssignmentsRepository,
    private readonly history: AssignmentHistoryRepository,
    private readonly caseworkers: CaseworkersRepository,
    private readonly lifecycle: LifecycleService,
    private readonly outbox: OutboxWriter,
    @Inject(SLA_POLICY) private readonly sla: SlaPolicy,
  ) {}

  /**
   * Runs inside the inbox transaction of the case.submitted event. A case is routed exactly
   * once: a second submitted event for it (a replay under a new event id) finds the row and
   * changes nothing, and two instances racing on one case meet on the case lock and then on
   * the assignment's primary key. Three round trips: the case lock with the offices, the
   * chosen office's staff locked, and one statement writing everything routing changes.
   */
  async route(
    event: CasebridgeEvent<typeof EventTypes.CaseSubmitted>,
    manager: EntityManager,
  ): Promise<void> {
    const s = event.data;
    const { routed, offices } = await this.assignments.lockCaseForRouting(
      manager,
      s.caseId,
      s.hostCountry,
    );
    if (routed) return;

    const office = chooseOffice(offices, s.hostCountry, s.hostCity);
    const staff = await this.caseworkers.lockStaff(manager, office.consulateId);
    const caseworker = chooseCaseworker(staff, s.preferredLanguage);
    const caseworkerId = caseworker?.id ?? null;

    const now = new Date();
    const pending = await this.assignments.insertRouted(
      manager,
      {
        caseId: s.caseId,
        hostCountry: s.hostCountry,
        hostCity: s.hostCity,
        priority: s.priority,
        preferredLanguage: s.preferredLanguage,
        consulateId: office.consulateId,
        caseworkerId,
        reason: office.reason,
        submittedAt: new Date(s.submittedAt),
        routedAt: now,
        acceptanceDueAt: acceptanceDeadline(this.sla, s.priority, now),
        resolutionDueAt: resolutionDeadline(this.sla, s.priority, now),
      },
      this.history.row({
        caseId: s.caseId,
        sequence: 1,
        consulateId: office.consulateId,
        caseworkerId,
        reason: office.reason,
        transferReason: null,
        actorId: ROUTING_ACTOR,
        actorRole: null,
        at: now,
      }),
      this.outbox.row(EventTypes.CaseAssigned, {
        caseId: s.caseId,
        hostCountry: s.hostCountry,
        consulateId: office.consulateId,
        caseworkerId,
        assignedAt: now.toISOString(),
        reason: office.reason,
        sequence: 1,
      }).row,
    );
    if (pending === null) return;
    // Status changes and re-triages that arrived before the case.submitted, in version order.
    await this.lifecycle.applyPending(manager, s.caseId, pending);
  }
}
