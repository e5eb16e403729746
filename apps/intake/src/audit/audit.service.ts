import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AuthUser, currentCorrelation } from '@casebridge/common';

export type AuditAction =
  | 'case.created'
  | 'case.read'
  | 'case.listed'
  | 'case.transitioned'
  | 'case.note_added'
  | 'case.notes_read'
  | 'case.history_read'
  | 'case.idempotent_replay'
  | 'case.access_refused';

/** Appends to the audit trail inside the caller's transaction (the table refuses updates). */
@Injectable()
export class AuditService {
  async record(
    manager: EntityManager,
    user: AuthUser,
    action: AuditAction,
    caseId: string | null,
    requestId = currentCorrelation()?.correlationId ?? null,
  ): Promise<void> {
    await manager.query(
      `INSERT INTO audit_entry (case_id, actor_id, actor_role, consulate_id, action, request_id)
       VALUES ($1, $2, $3, $4, $5, $6)`,
      [caseId, user.sub, user.roles.join(','), user.consulateId, action, requestId],
    );
  }
}
