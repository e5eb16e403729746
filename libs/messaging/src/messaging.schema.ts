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
