import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AuthUser, currentCorrelation, insertRows, RowInsert } from '@casebridge/common';
import { AuditEntryRepository } from './audit-entry.repository';

export type AuditAction =
  | 'case.created'
  | 'case.read'
  | 'case.listed'
  | 'case.searched_by_reference'
  | 'case.searched_by_passport'
  | 'case.transitioned'
  | 'case.duplicate_decided'
  | 'case.priority_changed'
  | 'case.note_added'
  | 'case.notes_read'
  | 'case.history_read'
  | 'case.idempotent_replay'
  | 'case.personal_data_exported'
  | 'case.access_refused'
  | 'case.personal_data_erased'
  | 'case.legal_hold_set'
  | 'case.legal_hold_released';

/** Appends to the audit trail inside the caller's transaction (the table refuses updates). */
@Injectable()
export class AuditService {
  constructor(private readonly entries: AuditEntryRepository) {}

  async record(
    manager: EntityManager,
    user: AuthUser,
    action: AuditAction,
    caseId: string | null,
    requestId = currentCorrelation()?.correlationId ?? null,
  ): Promise<void> {
    await this.entries.insert(manager, user, action, caseId, requestId);
  }

  /**
   * A search's entries, in one statement: one for each case its answer disclosed (so a case's
   * trail tells who found it, and how), or one without a case when it disclosed none.
   */
  async recordFound(
    manager: EntityManager,
    user: AuthUser,
    action: AuditAction,
    caseIds: readonly string[],
  ): Promise<void> {
    const found = caseIds.length ? caseIds : [null];
    await insertRows(
      manager,
      found.map((caseId) => this.row(user, action, caseId)),
    );
  }

  /** The entry as a row, to be written in one statement with the change it records. */
  row(
    user: AuthUser,
    action: AuditAction,
    caseId: string | null,
    requestId = currentCorrelation()?.correlationId ?? null,
  ): RowInsert {
    return this.entries.row(user, action, caseId, requestId);
  }
}
