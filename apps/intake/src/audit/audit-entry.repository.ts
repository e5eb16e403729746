import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AuthUser, insertRows, RowInsert } from '@casebridge/common';

/** An entry of the audit trail as a case's history shows it. */
export interface AuditEntryRow {
  actor_id: string;
  actor_role: string;
  consulate_id: string | null;
  action: string;
  request_id: string | null;
  at: Date;
}

/** The audit_entry table: append-only (its trigger refuses UPDATE and DELETE). */
@Injectable()
export class AuditEntryRepository {
  /** An entry's row, for insertRows (alone, or in one statement with the change it records). */
  row(user: AuthUser, action: string, caseId: string | null, requestId: string | null): RowInsert {
    return {
      table: 'audit_entry',
      columns: ['case_id', 'actor_id', 'actor_role', 'consulate_id', 'action', 'request_id'],
      values: [caseId, user.sub, user.roles.join(','), user.consulateId, action, requestId],
    };
  }

  async insert(
    manager: EntityManager,
    user: AuthUser,
    action: string,
    caseId: string | null,
    requestId: string | null,
  ): Promise<void> {
    await insertRows(manager, [this.row(user, action, caseId, requestId)]);
  }

  findByCase(manager: EntityManager, caseId: string): Promise<AuditEntryRow[]> {
    return manager.query<AuditEntryRow[]>(
      'SELECT actor_id, actor_role, consulate_id, action, request_id, at FROM audit_entry WHERE case_id = $1',
      [caseId],
    );
  }
}
