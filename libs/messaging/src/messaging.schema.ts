import type { QueryRunner } from 'typeorm';

/** DDL of the outbox (producing services); called from each service's own migration. */
export async function createOutboxTable(runner: QueryRunner): Promise<void> {
  await runner.query(`
    CREATE TABLE IF NOT EXISTS outbox_event (
      id           bigserial PRIMARY KEY,
      event_id     uuid        NOT NULL UNIQUE,
      topic        text        NOT NULL,
      message_key  text        NOT NULL,
      event_type   text        NOT NULL,
      headers      jsonb       NOT NULL,
      payload      jsonb       NOT NULL,
      created_at   timestamptz NOT NULL DEFAULT now(),
      published_at timestamptz
    )`);
  await runner.query(
    'CREATE INDEX IF NOT EXISTS outbox_event_unpublished_idx ON outbox_event (id) WHERE published_at IS NULL',
  );
}

/** The channel a commit that adds outbox rows notifies: the relay listens on it. */
export const OUTBOX_CHANNEL = 'casebridge_outbox';

/**
 * A statement that inserts outbox rows notifies OUTBOX_CHANNEL; PostgreSQL delivers the
 * notification when the transaction commits (never for a rollback) and folds a transaction's
 * identical notifications into one, so the relay wakes once per commit and needs no polling.
 */
export async function createOutboxNotifyTrigger(runner: QueryRunner): Promise<void> {
  await runner.query(`
    CREATE OR REPLACE FUNCTION outbox_event_notify() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      PERFORM pg_notify('${OUTBOX_CHANNEL}', '');
      RETURN NULL;
    END $$`);
  await runner.query('DROP TRIGGER IF EXISTS outbox_event_notify ON outbox_event');
  await runner.query(`
    CREATE TRIGGER outbox_event_notify AFTER INSERT ON outbox_event
    FOR EACH STATEMENT EXECUTE FUNCTION outbox_event_notify()`);
}

export async function dropOutboxNotifyTrigger(runner: QueryRunner): Promise<void> {
  await runner.query('DROP TRIGGER IF EXISTS outbox_event_notify ON outbox_event');
  await runner.query('DROP FUNCTION IF EXISTS outbox_event_notify()');
}

/** DDL of the inbox (consuming services): one row per applied event, kept forever. */
export async function createInboxTable(runner: QueryRunner): Promise<void> {
  await runner.query(`
    CREATE TABLE IF NOT EXISTS inbox_message (
      consumer_group text        NOT NULL,
      event_id       uuid        NOT NULL,
      event_type     text        NOT NULL,
      topic          text        NOT NULL,
      partition      integer     NOT NULL,
      "offset"       bigint      NOT NULL,
      processed_at   timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (consumer_group, event_id)
    )`);
}

export async function dropMessagingTables(runner: QueryRunner): Promise<void> {
  await runner.query('DROP TABLE IF EXISTS inbox_message');
  await runner.query('DROP TABLE IF EXISTS outbox_event');
}
