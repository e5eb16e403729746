import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Priority } from '@casebridge/contracts';

/** A priority change (re-triage) that arrived before its case was routed. */
export interface PendingPriorityChange {
  version: number;
  priority: Priority;
  at: Date;
}

/**
 * The SQL on pending_priority_change: re-triages parked until their case is routed. Routing
 * removes them in the statement that writes the case (AssignmentsRepository.insertRouted).
 */
@Injectable()
export class PendingPriorityChangesRepository {
  async save(manager: EntityManager, caseId: string, change: PendingPriorityChange): Promise<void> {
    await manager.query(
      `INSERT INTO pending_priority_change (case_id, version, priority, at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (case_id, version) DO NOTHING`,
      [caseId, change.version, change.priority, change.at],
    );
  }
}
