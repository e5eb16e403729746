import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Signed webhooks (docs/webhooks.md): subscriptions registered by administrators, the queue and
 * log of their deliveries, and the consulate each case was last assigned to (for consulate
 * filters on events that do not name one). No personal data: a delivery keeps the event as it
 * was on Kafka, the log keeps a status line, never a receiver's body.
 *
 * - webhook_subscription: the URL, the filters, the Standard Webhooks secret (`whsec_…`; the API
 *   shows it once), the content mode and whether it is paused.
 * - webhook_delivery: one row per event and subscription (unique: the dispatcher records each
 *   once), in `seq` order; `pending` rows are claimed under a lease (`lease_until`,
 *   `lease_token`) by the worker of any instance, `delivered` and `parked` ones are the log.
 * - webhook_case_consulate: the consulate of the case's latest `case.assigned` (by sequence).
 */
export class WebhookSubscriptions1767657600000 implements MigrationInterface {
  name = 'WebhookSubscriptions1767657600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE webhook_subscription (
        id           uuid        PRIMARY KEY,
        url          text        NOT NULL,
        event_types  text[]      NOT NULL,
        host_country text,
        consulate_id text,
        content_mode text        NOT NULL DEFAULT 'binary'
                                 CHECK (content_mode IN ('binary', 'structured')),
        secret       text        NOT NULL,
        status       text        NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'paused')),
        created_by   text        NOT NULL,
        created_at   timestamptz NOT NULL DEFAULT now(),
        updated_at   timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE webhook_delivery (
        id               uuid        PRIMARY KEY,
        subscription_id  uuid        NOT NULL REFERENCES webhook_subscription (id) ON DELETE CASCADE,
        seq              bigint      GENERATED ALWAYS AS IDENTITY,
        event_id         uuid        NOT NULL,
        event_type       text        NOT NULL,
        case_id          uuid        NOT NULL,
        event            json        NOT NULL,
        status           text        NOT NULL DEFAULT 'pending'
                                     CHECK (status IN ('pending', 'delivered', 'parked')),
        attempts         integer     NOT NULL DEFAULT 0,
        replays          integer     NOT NULL DEFAULT 0,
        next_attempt_at  timestamptz NOT NULL DEFAULT now(),
        lease_until      timestamptz,
        lease_token      uuid,
        last_attempt_at  timestamptz,
        last_status_code integer,
        last_error       text,
        delivered_at     timestamptz,
        parked_at        timestamptz,
        created_at       timestamptz NOT NULL DEFAULT now(),
        UNIQUE (subscription_id, event_id)
      )`);
    // The log, newest first; the queue of a subscription in order; the earlier undelivered
    // deliveries of a case (what holds a later one back).
    await q.query(
      'CREATE INDEX webhook_delivery_log_idx ON webhook_delivery (subscription_id, seq)',
    );
    await q.query(
      "CREATE INDEX webhook_delivery_queue_idx ON webhook_delivery (subscription_id, seq) WHERE status = 'pending'",
    );
    await q.query(
      "CREATE INDEX webhook_delivery_case_idx ON webhook_delivery (subscription_id, case_id, seq) WHERE status <> 'delivered'",
    );
    await q.query(
      "CREATE INDEX webhook_delivery_delivered_idx ON webhook_delivery (delivered_at) WHERE status = 'delivered'",
    );
    await q.query(`
      CREATE TABLE webhook_case_consulate (
        case_id      uuid    PRIMARY KEY,
        consulate_id text    NOT NULL,
        sequence     integer NOT NULL
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE IF EXISTS webhook_case_consulate');
    await q.query('DROP TABLE IF EXISTS webhook_delivery');
    await q.query('DROP TABLE IF EXISTS webhook_subscription');
  }
}
