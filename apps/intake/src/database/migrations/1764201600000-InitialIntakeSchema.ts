import type { MigrationInterface, QueryRunner } from 'typeorm';
import { createInboxTable, createOutboxTable, dropMessagingTables } from '@casebridge/messaging';

/**
 * The case file. Personal data lives only in the *_enc columns (AES-256-GCM); the passport is
 * matched through passport_index (HMAC). Audit entries cannot be updated or deleted.
 */
export class InitialIntakeSchema1764201600000 implements MigrationInterface {
  name = 'InitialIntakeSchema1764201600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('CREATE SEQUENCE IF NOT EXISTS case_reference_seq');
    await q.query(`
      CREATE TABLE case_file (
        id                    uuid PRIMARY KEY,
        reference             text        NOT NULL UNIQUE,
        status                text        NOT NULL,
        priority              text        NOT NULL,
        category              text        NOT NULL,
        risk_indicators       text[]      NOT NULL DEFAULT '{}',
        host_country          char(2)     NOT NULL,
        host_city             text,
        channel               text        NOT NULL,
        preferred_language    text        NOT NULL,
        consent_to_share      boolean     NOT NULL,
        complainant_enc       text        NOT NULL,
        employer_enc          text,
        description_enc       text        NOT NULL,
        passport_index        text,
        incident_date         date,
        amount_claimed        numeric(16,2),
        amount_claimed_currency char(3),
        outcome_type          text,
        amount_recovered      numeric(16,2),
        amount_recovered_currency char(3),
        possible_duplicate_of uuid,
        consulate_id          text,
        caseworker_id         text,
        assignment_sequence   integer     NOT NULL DEFAULT 0,
        created_by            text        NOT NULL,
        submitted_at          timestamptz NOT NULL,
        updated_at            timestamptz NOT NULL,
        version               integer     NOT NULL DEFAULT 1
      )`);
    await q.query('CREATE INDEX case_file_submitted_idx ON case_file (submitted_at DESC, id DESC)');
    await q.query(
      'CREATE INDEX case_file_consulate_idx ON case_file (consulate_id, submitted_at DESC, id DESC)',
    );
    await q.query(
      'CREATE INDEX case_file_duplicate_idx ON case_file (passport_index, host_country, category, submitted_at) WHERE passport_index IS NOT NULL',
    );
    await q.query(`
      CREATE TABLE idempotency_key (
        caller       text        NOT NULL,
        key          text        NOT NULL,
        request_hash text        NOT NULL,
        case_id      uuid        NOT NULL REFERENCES case_file (id),
        created_at   timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (caller, key)
      )`);
    await q.query(`
      CREATE TABLE case_note (
        id          uuid PRIMARY KEY,
        case_id     uuid        NOT NULL REFERENCES case_file (id),
        author_id   text        NOT NULL,
        author_role text        NOT NULL,
        body_enc    text        NOT NULL,
        created_at  timestamptz NOT NULL
      )`);
    await q.query('CREATE INDEX case_note_case_idx ON case_note (case_id, created_at)');
    await q.query(`
      CREATE TABLE case_status_change (
        id          uuid PRIMARY KEY,
        case_id     uuid        NOT NULL REFERENCES case_file (id),
        from_status text        NOT NULL,
        to_status   text        NOT NULL,
        action      text        NOT NULL,
        actor_type  text        NOT NULL,
        actor_id    text        NOT NULL,
        actor_role  text,
        reason      text,
        comment_enc text,
        outcome     jsonb,
        version     integer     NOT NULL,
        at          timestamptz NOT NULL
      )`);
    await q.query('CREATE INDEX case_status_change_case_idx ON case_status_change (case_id, at)');
    await q.query(`
      CREATE TABLE case_assignment_change (
        id            uuid PRIMARY KEY,
        case_id       uuid        NOT NULL REFERENCES case_file (id),
        consulate_id  text        NOT NULL,
        caseworker_id text,
        reason        text        NOT NULL,
        sequence      integer     NOT NULL,
        at            timestamptz NOT NULL,
        UNIQUE (case_id, sequence)
      )`);
    await q.query(`
      CREATE TABLE audit_entry (
        id           bigserial PRIMARY KEY,
        case_id      uuid,
        actor_id     text        NOT NULL,
        actor_role   text        NOT NULL,
        consulate_id text,
        action       text        NOT NULL,
        request_id   text,
        at           timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query('CREATE INDEX audit_entry_case_idx ON audit_entry (case_id, at)');
    await q.query(`
      CREATE FUNCTION audit_entry_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'audit_entry is append-only'; END $$`);
    await q.query(`
      CREATE TRIGGER audit_entry_no_change BEFORE UPDATE OR DELETE ON audit_entry
      FOR EACH ROW EXECUTE FUNCTION audit_entry_append_only()`);
    await createOutboxTable(q);
    await createInboxTable(q);
  }

  async down(q: QueryRunner): Promise<void> {
    await dropMessagingTables(q);
    await q.query('DROP TABLE IF EXISTS audit_entry');
    await q.query('DROP FUNCTION IF EXISTS audit_entry_append_only');
    await q.query('DROP TABLE IF EXISTS case_assignment_change');
    await q.query('DROP TABLE IF EXISTS case_status_change');
    await q.query('DROP TABLE IF EXISTS case_note');
    await q.query('DROP TABLE IF EXISTS idempotency_key');
    await q.query('DROP TABLE IF EXISTS case_file');
    await q.query('DROP SEQUENCE IF EXISTS case_reference_seq');
  }
}
