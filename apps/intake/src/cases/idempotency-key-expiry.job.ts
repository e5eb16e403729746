import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { COMMON_ENV } from '@casebridge/common';
import type { IntakeEnvironment } from '../config/intake.environment';
import { IdempotencyKeyRepository } from './repositories/idempotency-key.repository';

const BATCH = 1000;

/**
 * Deletes the Idempotency-Keys older than INTAKE_IDEMPOTENCY_KEY_TTL_SECONDS, in batches, every
 * INTAKE_IDEMPOTENCY_KEY_SWEEP_MS: a key is kept at least its time to live, and forgotten within
 * one sweep after. Every instance sweeps; two at once delete each key once (a DELETE that finds
 * the row gone deletes nothing), so no lock is needed.
 */
@Injectable()
export class IdempotencyKeyExpiryJob implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('IdempotencyKeys');
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly keys: IdempotencyKeyRepository,
    @Inject(COMMON_ENV) private readonly env: IntakeEnvironment,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      if (this.running) return;
      this.running = this.sweep()
        .then((n) => {
          if (n) this.logger.log(`forgot ${n} expired Idempotency-Keys`);
        })
        .catch((error: { code?: string; name?: string }) =>
          this.logger.warn(
            `Idempotency-Key expiry failed (${error.code ?? error.name ?? 'error'})`,
          ),
        )
        .finally(() => (this.running = undefined));
    }, this.env.INTAKE_IDEMPOTENCY_KEY_SWEEP_MS);
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** One sweep: every expired key, in batches; answers how many it deleted. */
  async sweep(): Promise<number> {
    let deleted = 0;
    for (;;) {
      const n = await this.keys.deleteExpired(
        this.dataSource.manager,
        this.env.INTAKE_IDEMPOTENCY_KEY_TTL_SECONDS,
        BATCH,
      );
      deleted += n;
      if (n < BATCH) return deleted;
    }
  }
}
