import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { AssignmentReason } from '@casebridge/contracts';
import { insertRows, RowInsert } from '@casebridge/common';

/** How a reassignment came about when it was not a single reassign: claimed, or a handover. */
export type HistoryVia = 'claim' | 'handover';

/** One holder of a case, as recorded. */
export interface HistoryEntry {
  caseId: string;
  sequence: number;
  consulateId: string;
  caseworkerId: string | null;
  reason: AssignmentReason;
  transferReason: string | null;
  actorId: string;
  actorRole: string | null;
  at: Date;
  via?: HistoryVia | null;
}

/** A row of a case's history as read back (snake_case, as the database names it). */
export interface AssignmentHistoryRow {
  sequence: number;
  consulate_id: string;
  caseworker_id: string | null;
  reason: AssignmentReason;
  transfer_reason: string | null;
  actor_id: string;
  at: Date;
  via: HistoryVia | null;
}

/** The SQL on assignment_history: every holder a case has had, by sequence. */
@Injectable()
export class AssignmentHistoryRepository {
  async add(manager: EntityManager, e: HistoryEntry): Promise<void> {
    await insertRows(manager, [this.row(e)]);
  }

  /** The entry as a row, to be written in one statement with the change it records. */
  row(e: HistoryEntry): RowInsert {
    return {
      table: 'assignment_history',
      columns: [
        'case_id',
        'sequence',
        'consulate_id',
        'caseworker_id',
        'reason',
        'transfer_reason',
        'actor_id',
        'actor_role',
        'at',
        'via',
      ],
      values: [
        e.caseId,
        e.sequence,
        e.consulateId,
        e.caseworkerId,
        e.reason,
        e.transferReason,
        e.actorId,
        e.actorRole,
        e.at,
        e.via ?? null,
      ],
    };
  }

  ofCase(manager: EntityManager, caseId: string): Promise<AssignmentHistoryRow[]> {
    return manager.query<AssignmentHistoryRow[]>(
      `SELECT sequence, consulate_id, caseworker_id, reason, transfer_reason, actor_id, at, via
       FROM assignment_history WHERE case_id = $1 ORDER BY sequence`,
      [caseId],
    );
  }
}
