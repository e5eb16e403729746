import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { CasebridgeEvent, EventTypes } from '@casebridge/contracts';
import { COMMON_ENV } from '@casebridge/common';
import { OutboxWriter } from '@casebridge/messaging';
import type { AssignmentEnvironment } from '../config/assignment.environment';
import { Consulate } from '../directory/consulate.entity';
import {
  acceptanceDeadline,
  resolutionDeadline,
  SlaPolicy,
  slaPolicyFrom,
} from '../sla/sla-policy';
import { Assignment } from './assignment.entity';
import { AssignmentsRepository } from './assignments.repository';
import { LifecycleService } from './lifecycle.service';
import { chooseCaseworker, chooseOffice, HQ_CONSULATE_ID } from './routing';

/** Actor recorded in the history for automatic assignments. */
export const ROUTING_ACTOR = 'routing';

/** Routes each newly submitted case to an office and caseworker (rules in routing.ts). */
@Injectable()
export class RoutingService {
  private readonly sla: SlaPolicy;

  constructor(
    private readonly repository: AssignmentsRepository,
    private readonly lifecycle: LifecycleService,
    private readonly outbox: OutboxWriter,
    @Inject(COMMON_ENV) env: AssignmentEnvironment,
  ) {
    this.sla = slaPolicyFrom(env);
  }

  /**
   * Runs inside the inbox transaction of the case.submitted event. A case is routed exactly
   * once: a second submitted event for it (a replay under a new event id) finds the row and
   * changes nothing, and two instances racing on one case meet on the office's locks and then
   * on the assignment's primary key.
   */
  async route(
    event: CasebridgeEvent<typeof EventTypes.CaseSubmitted>,
    manager: EntityManager,
  ): Promise<void> {
    const s = event.data;
    await this.repository.lockCase(manager, s.caseId);
    if (await manager.existsBy(Assignment, { caseId: s.caseId })) return;

    const offices = await manager.find(Consulate, {
      where: [{ hostCountry: s.hostCountry }, { id: HQ_CONSULATE_ID }],
    });
    const office = chooseOffice(offices, s.hostCountry, s.hostCity);
    const staff = await this.repository.lockStaff(manager, office.consulateId);
    const caseworker = chooseCaseworker(staff, s.preferredLanguage);

    const now = new Date();
    const inserted = await manager.query<{ case_id: string }[]>(
      `INSERT INTO assignment (
         case_id, host_country, host_city, priority, preferred_language, consulate_id, caseworker_id,
         state, status_version, reason, sequence, submitted_at, routed_at, assigned_at,
         acceptance_due_at, resolution_due_at, resolution_cycle, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, 'assigned', 1, $8, 1, $9, $10, $10, $11, $12, 1, $10)
       ON CONFLICT (case_id) DO NOTHING RETURNING case_id`,
      [
        s.caseId,
        s.hostCountry,
        s.hostCity,
        s.priority,
        s.preferredLanguage,
        office.consulateId,
        caseworker?.id ?? null,
        office.reason,
        new Date(s.submittedAt),
        now,
        acceptanceDeadline(this.sla, s.priority, now),
        resolutionDeadline(this.sla, s.priority, now),
      ],
    );
    if (inserted.length === 0) return;

    await this.repository.adjustOpenCases(manager, caseworker?.id ?? null, 1);
    await this.repository.addHistory(manager, {
      caseId: s.caseId,
      sequence: 1,
      consulateId: office.consulateId,
      caseworkerId: caseworker?.id ?? null,
      reason: office.reason,
      transferReason: null,
      actorId: ROUTING_ACTOR,
      actorRole: null,
      at: now,
    });
    await this.outbox.add(manager, EventTypes.CaseAssigned, {
      caseId: s.caseId,
      hostCountry: s.hostCountry,
      consulateId: office.consulateId,
      caseworkerId: caseworker?.id ?? null,
      assignedAt: now.toISOString(),
      reason: office.reason,
      sequence: 1,
    });
    await this.lifecycle.applyPending(manager, s.caseId);
  }
}
