import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { CaseStatus } from '@casebridge/contracts';

/** A status change that arrived before its case was routed. */
export interface PendingStatusChange {
  version: number;
  to: CaseStatus;
  at: Date;
}

interface PendingStatusChangeRow {
  version: number;
  to_status: CaseStatus;
  at: Date;
}

/** The SQL on pending_status_change: status changes parked until their case is routed. */
@Injectable()
export class PendingStatusChangesRepository {
  async save(manager: EntityManager, caseId: string, change: PendingStatusChange): Promise<void> {
    await manager.query(
      `INSERT INTO pending_status_change (case_id, version, to_status, at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (case_id, version) DO NOTHING`,
      [caseId, change.version, change.to, change.at],
    );
  }

  /** Removes and returns a case's parked status changes, oldest version first. */
  async take(manager: EntityManager, caseId: string): Promise<PendingStatusChange[]> {
    const rows = await manager.query<PendingStatusChangeRow[]>(
      'SELECT version, to_status, at FROM pending_status_change WHERE case_id = $1 ORDER BY version FOR UPDATE',
      [caseId],
    );
    if (rows.length > 0)
      await manager.query('DELETE FROM pending_status_change WHERE case_id = $1', [caseId]);
    return rows.map((r) => ({ version: r.version, to: r.to_status, at: r.at }));
  }
}
