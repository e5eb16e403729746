import { Injectable } from '@nestjs/common';
import { In } from 'typeorm';
import type { EntityManager } from 'typeorm';
import { CaseFile } from '../cases/case-file.entity';
import type {
  ExportAuditRow,
  ExportLinkRow,
  ExportStatusChangeRow,
} from './personal-data-export.document';

/** The SQL an export reads beyond what the other features' repositories offer. */
@Injectable()
export class PersonalDataExportRepository {
  findById(manager: EntityManager, id: string): Promise<CaseFile | null> {
    return manager.findOneBy(CaseFile, { id });
  }

  findByReference(manager: EntityManager, reference: string): Promise<CaseFile | null> {
    return manager.findOneBy(CaseFile, { reference });
  }

  /** Every case of one passport (its blind indexes under the current and former keys), oldest first. */
  findByPassportIndexes(manager: EntityManager, indexes: string[]): Promise<CaseFile[]> {
    return manager.find(CaseFile, {
      where: { passportIndex: In(indexes) },
      order: { submittedAt: 'ASC', id: 'ASC' },
    });
  }

  /** The status changes with their sealed comments (the history leaves comments out). */
  statusChanges(manager: EntityManager, caseId: string): Promise<ExportStatusChangeRow[]> {
    return manager.query<ExportStatusChangeRow[]>(
      `SELECT id, from_status, to_status, action, actor_id, actor_role, reason, comment_enc, outcome, version, at
       FROM case_status_change WHERE case_id = $1 ORDER BY at, version`,
      [caseId],
    );
  }

  links(manager: EntityManager, caseId: string): Promise<ExportLinkRow[]> {
    return manager.query<ExportLinkRow[]>(
      `SELECT l.linked_case_id, l.relation, c.reference
       FROM case_link l JOIN case_file c ON c.id = l.linked_case_id
       WHERE l.case_id = $1 ORDER BY l.created_at, l.linked_case_id`,
      [caseId],
    );
  }

  /** Who read or changed the case: the audit trail's actors, times and actions. */
  auditEntries(manager: EntityManager, caseId: string): Promise<ExportAuditRow[]> {
    return manager.query<ExportAuditRow[]>(
      'SELECT actor_id, actor_role, consulate_id, action, at FROM audit_entry WHERE case_id = $1 ORDER BY at, id',
      [caseId],
    );
  }
}
