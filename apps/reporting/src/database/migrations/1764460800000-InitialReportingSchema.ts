import type { MigrationInterface, QueryRunner } from 'typeorm';
import { createInboxTable, dropMessagingTables } from '@casebridge/messaging';

/**
 * The reporting read model. It holds classifications, timestamps, amounts and staff/consulate
 * ids only: no complainant data exists here.
 *
 * - case_fact: one row per case, merged from every event of the case in whatever order they come.
 * - daily_case_bucket: additive metrics per submission day × host country × city × category ×
 *   current consulate (counts, and amounts per currency), maintained in the transaction that
 *   changes the fact, so reports sum buckets instead of scanning cases.
 * - daily_resolution_bucket: the same keyed by the day of the case's current resolution.
 * - reporting_state: how far the model is (time of the newest applied event).
 * Empty city and consulate are stored as '' in buckets (primary-key columns cannot be null).
 */
export class InitialReportingSchema1764460800000 implements MigrationInterface {
  name = 'InitialReportingSchema1764460800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE case_fact (
        case_id                   uuid PRIMARY KEY,
        host_country              text,
        host_city                 text,
        category                  text,
        priority                  text,
        risk_indicators           text[]      NOT NULL DEFAULT '{}',
        channel                   text,
        submitted_at              timestamptz,
        amount_claimed            numeric,
        amount_claimed_currency   text,
        status                    text        NOT NULL DEFAULT 'submitted',
        status_version            integer     NOT NULL DEFAULT 0,
        status_changed_at         timestamptz,
        first_assigned_at         timestamptz,
        first_action_at           timestamptz,
        resolved_at               timestamptz,
        resolution_version        integer     NOT NULL DEFAULT 0,
        outcome_type              text,
        amount_recovered          numeric,
        amount_recovered_currency text,
        consulate_id              text,
        caseworker_id             text,
        assignment_sequence       integer     NOT NULL DEFAULT 0,
        sla_acceptance_breaches   integer     NOT NULL DEFAULT 0,
        sla_resolution_breaches   integer     NOT NULL DEFAULT 0,
        last_event_at             timestamptz
      )`);
    await q.query(
      'CREATE INDEX case_fact_country_submitted_idx ON case_fact (host_country, submitted_at) WHERE submitted_at IS NOT NULL',
    );
    await q.query(
      'CREATE INDEX case_fact_submitted_idx ON case_fact (submitted_at) WHERE submitted_at IS NOT NULL',
    );
    for (const table of ['daily_case_bucket', 'daily_resolution_bucket']) {
      await q.query(`
        CREATE TABLE ${table} (
          host_country text    NOT NULL,
          day          date    NOT NULL,
          category     text    NOT NULL,
          consulate_id text    NOT NULL,
          host_city    text    NOT NULL,
          metric       text    NOT NULL,
          value        numeric NOT NULL,
          PRIMARY KEY (host_country, day, category, consulate_id, host_city, metric)
        )`);
      await q.query(`CREATE INDEX ${table}_day_idx ON ${table} (day)`);
    }
    await q.query(`
      CREATE TABLE reporting_state (
        id             smallint PRIMARY KEY CHECK (id = 1),
        last_event_at  timestamptz,
        events_applied bigint   NOT NULL DEFAULT 0,
        updated_at     timestamptz
      )`);
    await q.query('INSERT INTO reporting_state (id) VALUES (1)');
    await createInboxTable(q);
  }

  async down(q: QueryRunner): Promise<void> {
    await dropMessagingTables(q);
    await q.query('DROP TABLE IF EXISTS reporting_state');
    await q.query('DROP TABLE IF EXISTS daily_resolution_bucket');
    await q.query('DROP TABLE IF EXISTS daily_case_bucket');
    await q.query('DROP TABLE IF EXISTS case_fact');
  }
}
