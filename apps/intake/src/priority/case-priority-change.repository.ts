import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import type { Priority, PriorityChangeReason } from '@casebridge/contracts';

/** A re-triage as recorded: codes and ids only. */
export interface PriorityChange {
  caseId: string;
  from: Priority;
  to: Priority;
  reason: PriorityChangeReason;
  actorId: string;
  actorRole: string;
  version: number;
  at: Date;
}

/** A re-triage as the case's history shows it. */
export interface CasePriorityChangeRow {
  from_priority: string;
  to_priority: string;
  reason: string;
  actor_id: string;
  actor_role: string;
  version: number;
  at: Date;
}

/** The case_priority_change table: every re-triage of a case. */
@Injectable()
export class CasePriorityChangeRepository {
  async insert(manager: EntityManager, c: PriorityChange): Promise<void> {
    await manager.query(
      `INSERT INTO case_priority_change (id, case_id, from_priority, to_priority, reason, actor_id, actor_role, version, at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [randomUUID(), c.caseId, c.from, c.to, c.reason, c.actorId, c.actorRole, c.version, c.at],
    );
  }

  findByCase(manager: EntityManager, caseId: string): Promise<CasePriorityChangeRow[]> {
    return manager.query<CasePriorityChangeRow[]>(
      `SELECT from_priority, to_priority, reason, actor_id, actor_role, version, at
       FROM case_priority_change WHERE case_id = $1 ORDER BY version`,
      [caseId],
    );
  }
}
