import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';

/** One `case.assigned` as intake received it. */
export interface AssignmentChange {
  caseId: string;
  consulateId: string;
  caseworkerId: string | null;
  reason: string;
  sequence: number;
  at: string;
}

export interface CaseAssignmentChangeRow {
  consulate_id: string;
  caseworker_id: string | null;
  reason: string;
  sequence: number;
  at: Date;
}

/** The case_assignment_change table: who held a case when, by assignment sequence. */
@Injectable()
export class CaseAssignmentChangeRepository {
  /** Records an assignment once: a redelivered one (same case and sequence) changes nothing. */
  async insertOnce(manager: EntityManager, a: AssignmentChange): Promise<void> {
    await manager.query(
      `INSERT INTO case_assignment_change (id, case_id, consulate_id, caseworker_id, reason, sequence, at)
       VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (case_id, sequence) DO NOTHING`,
      [randomUUID(), a.caseId, a.consulateId, a.caseworkerId, a.reason, a.sequence, a.at],
    );
  }

  findByCase(manager: EntityManager, caseId: string): Promise<CaseAssignmentChangeRow[]> {
    return manager.query<CaseAssignmentChangeRow[]>(
      'SELECT consulate_id, caseworker_id, reason, sequence, at FROM case_assignment_change WHERE case_id = $1',
      [caseId],
    );
  }
}
