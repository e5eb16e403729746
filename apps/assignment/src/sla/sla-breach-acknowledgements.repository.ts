import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Acknowledgement } from './escalation-acknowledgement';

interface AcknowledgementRow {
  reason: Acknowledgement['reason'];
  actor_id: string;
  actor_role: string;
  consulate_id: string;
  at: Date;
}

/** The SQL on sla_breach_acknowledgement: at most one row per breach, never changed (a trigger refuses it). */
@Injectable()
export class SlaBreachAcknowledgementsRepository {
  /**
   * Records the acknowledgement of a breach. The caller holds the breach's row lock and found no
   * acknowledgement; the primary key is the net under that (a second row is a unique violation).
   */
  async record(manager: EntityManager, breachId: string, a: Acknowledgement): Promise<void> {
    await manager.query(
      `INSERT INTO sla_breach_acknowledgement (breach_id, reason, actor_id, actor_role, consulate_id, at)
       VALUES ($1, $2, $3, $4, $5, $6)`,
      [breachId, a.reason, a.actorId, a.actorRole, a.consulateId, a.at],
    );
  }

  async find(manager: EntityManager, breachId: string): Promise<Acknowledgement | null> {
    const [row] = await manager.query<AcknowledgementRow[]>(
      `SELECT reason, actor_id, actor_role, consulate_id, at
       FROM sla_breach_acknowledgement WHERE breach_id = $1`,
      [breachId],
    );
    return row
      ? {
          reason: row.reason,
          actorId: row.actor_id,
          actorRole: row.actor_role,
          consulateId: row.consulate_id,
          at: row.at,
        }
      : null;
  }
}
