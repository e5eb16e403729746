import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { CaseStatus } from '@casebridge/contracts';

/** A status change that arrived before its case was routed. */
export interface PendingStatusChange {
  version: number;
  to: CaseStatus;
  at: Date;
}

/**
 * The SQL on pending_status_change: status changes parked until their case is routed. Routing
 * removes them in the statement that writes the case (AssignmentsRepository.insertRouted).
 */
@Injectable()
export class PendingStatusChangesRepository {
  async save(manager: EntityManager, caseId: string, change: PendingStatusChange): Promise<void> {
    await manager.query(
      `INSERT INTO pending_status_change (case_id, version, to_status, at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (case_id, version) DO NOTHING`,
      [caseId, change.version, change.to, change.at],
    );
  }
}
