import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnModuleDestroy,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { EventTypes, SlaStage } from '@casebridge/contracts';
import { COMMON_ENV } from '@casebridge/common';
import { OutboxWriter } from '@casebridge/messaging';
import type { AssignmentEnvironment } from '../config/assignment.environment';
import { SlaBreachesRepository } from './sla-breaches.repository';
import { SlaTimersRepository } from './sla-timers.repository';

const BATCH_SIZE = 200;

/**
 * Fires SLA breaches. Every SLA_SCAN_INTERVAL_MS (and at once on start, so deadlines that
 * passed while the service was down are caught up) it claims due clocks that are running
 * (not met, not breached, not paused, case open) with FOR UPDATE SKIP LOCKED, and in the same
 * transaction records the breach (unique per case, stage and run of the clock), marks the
 * clock and writes case.sla-breached to the outbox. Several instances share the work and never
 * fire one breach twice; the deadlines live in the database, so a restart loses none.
 */
@Injectable()
export class SlaBreachJob implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(SlaBreachJob.name);
  private timer?: NodeJS.Timeout;
  private scanning?: Promise<void>;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly timers: SlaTimersRepository,
    private readonly breaches: SlaBreachesRepository,
    private readonly outbox: OutboxWriter,
    @Inject(COMMON_ENV) private readonly env: AssignmentEnvironment,
  ) {}

  onApplicationBootstrap(): void {
    this.tick();
    this.timer = setInterval(() => this.tick(), this.env.SLA_SCAN_INTERVAL_MS);
  }

  /** Stops before the database closes (module destroy precedes application shutdown). */
  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    await this.scanning;
  }

  /** Starts a scan unless one is still running. */
  private tick(): void {
    if (this.scanning) return;
    this.scanning = this.scanUntilCaughtUp()
      .catch((error: unknown) =>
        this.logger.warn(`SLA scan failed, retrying next tick: ${(error as Error).message}`),
      )
      .finally(() => {
        this.scanning = undefined;
      });
  }

  private async scanUntilCaughtUp(): Promise<void> {
    while ((await this.scanOnce()) === BATCH_SIZE) {
      // A full batch: more may be due right now.
    }
  }

  /** One pass over both stages; returns the number of clocks claimed (at most BATCH_SIZE). */
  async scanOnce(now: Date = new Date()): Promise<number> {
    return this.dataSource.transaction(async (manager) => {
      const acceptance = await this.fireDue(manager, 'acceptance', now, BATCH_SIZE);
      const resolution = await this.fireDue(manager, 'resolution', now, BATCH_SIZE - acceptance);
      return acceptance + resolution;
    });
  }

  private async fireDue(
    manager: EntityManager,
    stage: SlaStage,
    now: Date,
    limit: number,
  ): Promise<number> {
    if (limit <= 0) return 0;
    const due = await this.timers.claimDue(manager, stage, now, limit);
    for (const row of due) {
      const recorded = await this.breaches.record(manager, {
        caseId: row.case_id,
        stage,
        cycle: row.cycle,
        consulateId: row.consulate_id,
        caseworkerId: row.caseworker_id,
        dueAt: row.due_at,
        breachedAt: now,
      });
      await this.timers.markBreached(manager, stage, row.case_id, now);
      if (!recorded) continue;
      await this.outbox.add(manager, EventTypes.CaseSlaBreached, {
        caseId: row.case_id,
        hostCountry: row.host_country.trim(),
        consulateId: row.consulate_id,
        caseworkerId: row.caseworker_id,
        stage,
        dueAt: row.due_at.toISOString(),
        breachedAt: now.toISOString(),
      });
      this.logger.log(`SLA ${stage} breached for case ${row.case_id} at ${row.consulate_id}`);
    }
    return due.length;
  }
}
