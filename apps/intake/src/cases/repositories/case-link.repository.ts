import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

export type CaseLinkRelation = 'duplicate_of' | 'duplicated_by';

/** A case linked to another, with what scoping needs to know of the linked one. */
export interface LinkedCaseRow {
  linked_case_id: string;
  relation: CaseLinkRelation;
  reference: string;
  consulate_id: string | null;
}

/** The SQL on case_link: cases linked to each other (a confirmed duplicate and its earlier case). */
@Injectable()
export class CaseLinkRepository {
  /** Links a confirmed duplicate and the earlier case both ways (idempotent). */
  async linkDuplicate(
    manager: EntityManager,
    duplicateId: string,
    earlierId: string,
    at: Date,
  ): Promise<void> {
    await manager.query(
      `INSERT INTO case_link (case_id, linked_case_id, relation, created_at)
       VALUES ($1, $2, 'duplicate_of', $3), ($2, $1, 'duplicated_by', $3)
       ON CONFLICT DO NOTHING`,
      [duplicateId, earlierId, at],
    );
  }

  ofCase(manager: EntityManager, caseId: string): Promise<LinkedCaseRow[]> {
    return manager.query<LinkedCaseRow[]>(
      `SELECT l.linked_case_id, l.relation, c.reference, c.consulate_id
       FROM case_link l JOIN case_file c ON c.id = l.linked_case_id
       WHERE l.case_id = $1 ORDER BY l.created_at, l.linked_case_id`,
      [caseId],
    );
  }
}
