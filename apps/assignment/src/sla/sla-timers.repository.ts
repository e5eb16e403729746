import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { OPEN_CASE_STATUSES, SlaStage } from '@casebridge/contracts';

/** A running clock whose deadline has passed, as claimed for the breach job. */
export interface DueSlaTimerRow {
  case_id: string;
  host_country: string;
  consulate_id: string;
  caseworker_id: string | null;
  due_at: Date;
  cycle: number;
}

/** Column names of each stage's clock (fixed strings, never input). */
const CLOCKS: Record<SlaStage, { due: string; met: string; breached: string; cycle: string }> = {
  acceptance: {
    due: 'acceptance_due_at',
    met: 'acceptance_met_at',
    breached: 'acceptance_breached_at',
    cycle: '1',
  },
  resolution: {
    due: 'resolution_due_at',
    met: 'resolution_met_at',
    breached: 'resolution_breached_at',
    cycle: 'resolution_cycle',
  },
};

/**
 * The breach job's SQL on the SLA clocks. The clocks are columns of the assignment row (routing
 * starts them, status changes meet and pause them, through AssignmentsRepository); this
 * repository only finds the overdue ones and marks them breached, so the SLA feature needs no
 * provider of the assignments feature (which depends on SLA for its policy).
 */
@Injectable()
export class SlaTimersRepository {
  /**
   * Claims up to `limit` clocks of `stage` that are running (not met, not breached, not paused,
   * case open) and due by `now`, earliest first, skipping rows another instance holds.
   */
  claimDue(
    manager: EntityManager,
    stage: SlaStage,
    now: Date,
    limit: number,
  ): Promise<DueSlaTimerRow[]> {
    const clock = CLOCKS[stage];
    return manager.query<DueSlaTimerRow[]>(
      `SELECT case_id, host_country, consulate_id, caseworker_id, ${clock.due} AS due_at, ${clock.cycle} AS cycle
       FROM assignment
       WHERE ${clock.met} IS NULL AND ${clock.breached} IS NULL AND paused_at IS NULL
         AND ${clock.due} <= $1 AND state = ANY($2)
       ORDER BY ${clock.due}
       LIMIT $3
       FOR UPDATE SKIP LOCKED`,
      [now, OPEN_CASE_STATUSES, limit],
    );
  }

  async markBreached(
    manager: EntityManager,
    stage: SlaStage,
    caseId: string,
    at: Date,
  ): Promise<void> {
    await manager.query(
      `UPDATE assignment SET ${CLOCKS[stage].breached} = $2, updated_at = $2 WHERE case_id = $1`,
      [caseId, at],
    );
  }
}
