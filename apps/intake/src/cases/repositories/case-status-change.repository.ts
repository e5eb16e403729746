import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import type { CaseAction, CaseStatus } from '@casebridge/contracts';

/** A status change a member of staff made (an action of the lifecycle). */
export interface UserStatusChange {
  /** Given when a comment is sealed to the row (the id is its associated data). */
  id?: string;
  caseId: string;
  from: CaseStatus;
  to: CaseStatus;
  /** A lifecycle action, or the duplicate decision that closed the case. */
  action: CaseAction | 'confirm_duplicate';
  actorId: string;
  actorRole: string;
  reason: string | null;
  /** Ciphertext: a comment is personal data. */
  commentEnc: string | null;
  outcome: unknown;
  version: number;
  at: Date;
}

/** A status change as the case's history shows it (no comment). */
export interface CaseStatusChangeRow {
  from_status: string;
  to_status: string;
  action: string;
  actor_id: string;
  actor_role: string | null;
  reason: string | null;
  outcome: unknown;
  version: number;
  at: Date;
}

/** The case_status_change table: every move of a case through its lifecycle. */
@Injectable()
export class CaseStatusChangeRepository {
  async insertByUser(manager: EntityManager, c: UserStatusChange): Promise<void> {
    await manager.query(
      `INSERT INTO case_status_change (id, case_id, from_status, to_status, action, actor_type, actor_id, actor_role, reason, comment_enc, outcome, version, at)
       VALUES ($1, $2, $3, $4, $5, 'user', $6, $7, $8, $9, $10, $11, $12)`,
      [
        c.id ?? randomUUID(),
        c.caseId,
        c.from,
        c.to,
        c.action,
        c.actorId,
        c.actorRole,
        c.reason,
        c.commentEnc,
        c.outcome ? JSON.stringify(c.outcome) : null,
        c.version,
        c.at,
      ],
    );
  }

  /** submitted → assigned, made by the assignment service's first `case.assigned`. */
  async insertAssigned(
    manager: EntityManager,
    caseId: string,
    version: number,
    at: Date,
  ): Promise<void> {
    await manager.query(
      `INSERT INTO case_status_change (id, case_id, from_status, to_status, action, actor_type, actor_id, version, at)
       VALUES ($1, $2, 'submitted', 'assigned', 'assign', 'system', 'assignment', $3, $4)`,
      [randomUUID(), caseId, version, at],
    );
  }

  findByCase(manager: EntityManager, caseId: string): Promise<CaseStatusChangeRow[]> {
    return manager.query<CaseStatusChangeRow[]>(
      'SELECT from_status, to_status, action, actor_id, actor_role, reason, outcome, version, at FROM case_status_change WHERE case_id = $1',
      [caseId],
    );
  }
}
