import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { CasebridgeEvent, EventTypes } from '@casebridge/contracts';
import { OutboxWriter } from '@casebridge/messaging';
import { CaseAssignmentChangeRepository } from './repositories/case-assignment-change.repository';
import { CaseFileRepository } from './repositories/case-file.repository';
import { CaseStatusChangeRepository } from './repositories/case-status-change.repository';

/** Intake's view of the assignment service's decisions: who holds each case. */
@Injectable()
export class AssignmentProjectionService {
  constructor(
    private readonly outbox: OutboxWriter,
    private readonly caseFiles: CaseFileRepository,
    private readonly assignmentChanges: CaseAssignmentChangeRepository,
    private readonly statusChanges: CaseStatusChangeRepository,
  ) {}

  /**
   * Records who holds the case (it scopes consular access) and moves a submitted case to
   * `assigned`. Assignments are applied by sequence: an older one arriving late changes nothing.
   * A case an intake officer ended while it was still submitted (routing raced the withdrawal)
   * keeps its status: only its holder is recorded, and assignment ends its side on the
   * status change it receives.
   * Runs on the consumer's transaction, which also marks the event as handled.
   */
  async applyAssignment(
    event: CasebridgeEvent<typeof EventTypes.CaseAssigned>,
    manager: EntityManager,
  ): Promise<void> {
    const a = event.data;
    const found = await this.caseFiles.findByIdForUpdate(manager, a.caseId);
    if (!found) throw new Error(`case ${a.caseId} is not known to intake`);
    await this.assignmentChanges.insertOnce(manager, {
      caseId: a.caseId,
      consulateId: a.consulateId,
      caseworkerId: a.caseworkerId,
      reason: a.reason,
      sequence: a.sequence,
      at: a.assignedAt,
    });
    if (a.sequence <= found.assignmentSequence) return;
    const now = new Date();
    found.consulateId = a.consulateId;
    found.caseworkerId = a.caseworkerId;
    found.assignmentSequence = a.sequence;
    found.updatedAt = now;
    const from = found.status;
    if (from === 'submitted') {
      found.status = 'assigned';
      found.version += 1;
    }
    await this.caseFiles.save(manager, found);
    if (from === 'submitted') {
      await this.statusChanges.insertAssigned(manager, found.id, found.version, now);
      await this.outbox.add(manager, EventTypes.CaseStatusChanged, {
        caseId: found.id,
        hostCountry: found.hostCountry,
        from: 'submitted',
        to: 'assigned',
        at: now.toISOString(),
        actor: { type: 'system', id: 'assignment' },
        version: found.version,
      });
    }
  }
}
