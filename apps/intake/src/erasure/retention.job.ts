import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { COMMON_ENV, type AuthUser } from '@casebridge/common';
import type { IntakeEnvironment } from '../config/intake.environment';
import { PersonalDataErasureService, RETENTION_REASON } from './erasure.service';
import { ENDED_STATUSES } from './retention';

/** The advisory lock only one instance's retention sweep holds at a time. */
const RETENTION_LOCK = 1_515_002;
const BATCH = 100;

/** Who the audit trail names for an erasure the retention period caused. */
const RETENTION_ACTOR: AuthUser = {
  sub: 'retention',
  roles: ['system'],
  consulateId: null,
} as unknown as AuthUser;

/**
 * Erases the personal data of cases ended longer ago than the retention period
 * (INTAKE_RETENTION_PERIOD_SECONDS), not under legal hold, in batches, every
 * INTAKE_RETENTION_SWEEP_MS. One instance sweeps at a time (a session advisory lock); even two
 * at once would erase a case once (the erasure rechecks under the case's row lock), and a sweep
 * interrupted anywhere is completed by the next (a destroyed key not yet marked is found again).
 */
@Injectable()
export class RetentionJob implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Retention');
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly erasure: PersonalDataErasureService,
    @Inject(COMMON_ENV) private readonly env: IntakeEnvironment,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      if (this.running) return;
      this.running = this.sweep()
        .then((n) => {
          if (n) this.logger.log(`erased the personal data of ${n} cases (retention)`);
        })
        .catch((error: { code?: string; name?: string }) =>
          this.logger.warn(`retention sweep failed (${error.code ?? error.name ?? 'error'})`),
        )
        .finally(() => (this.running = undefined));
    }, this.env.INTAKE_RETENTION_SWEEP_MS);
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** One sweep: every due case, in batches, under the lock; answers how many it erased. */
  async sweep(): Promise<number> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      const [{ locked }] = (await runner.query('SELECT pg_try_advisory_lock($1) AS locked', [
        RETENTION_LOCK,
      ])) as { locked: boolean }[];
      if (!locked) return 0;
      try {
        let erased = 0;
        for (;;) {
          const due = await this.dueCases();
          for (const id of due) {
            await this.erasure.erase(RETENTION_ACTOR, id, RETENTION_REASON, 'retention');
            erased += 1;
          }
          if (due.length < BATCH) return erased;
        }
      } finally {
        await runner.query('SELECT pg_advisory_unlock($1)', [RETENTION_LOCK]);
      }
    } finally {
      await runner.release();
    }
  }

  /** Cases ended (their last status change) longer ago than the period, not held, not erased. */
  private async dueCases(): Promise<string[]> {
    const rows = await this.dataSource.query<{ id: string }[]>(
      `SELECT c.id FROM case_file c
       WHERE c.status = ANY($1::text[]) AND c.personal_data_erased_at IS NULL
         AND c.legal_hold_reason IS NULL
         AND (SELECT max(s.at) FROM case_status_change s WHERE s.case_id = c.id)
             <= now() - make_interval(secs => $2)
       ORDER BY c.id LIMIT $3`,
      [ENDED_STATUSES, this.env.INTAKE_RETENTION_PERIOD_SECONDS, BATCH],
    );
    return rows.map((r) => r.id);
  }
}
