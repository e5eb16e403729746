import type { MigrationInterface, QueryRunner } from 'typeorm';
import { createOutboxNotifyTrigger, dropOutboxNotifyTrigger } from '@casebridge/messaging';

/** Commits that add outbox rows wake the outbox relay (LISTEN/NOTIFY) instead of its polling. */
export class OutboxNotify1767225600000 implements MigrationInterface {
  name = 'OutboxNotify1767225600000';

  async up(q: QueryRunner): Promise<void> {
    await createOutboxNotifyTrigger(q);
  }

  async down(q: QueryRunner): Promise<void> {
    await dropOutboxNotifyTrigger(q);
  }
}
