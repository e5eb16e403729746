import type { MigrationInterface, QueryRunner } from 'typeorm';
import { createInboxTable, createOutboxTable, dropMessagingTables } from '@casebridge/messaging';

/**
 * The directory (consulates, caseworkers), one assignment row per routed case with its SLA
 * clocks, the history of who held each case, status changes waiting for their case, and SLA
 * breaches. The rows themselves (the HQ desk, the demo directory) are seeded at start-up.
 */
export class InitialAssignmentSchema1764374400000 implements MigrationInterface {
  name = 'InitialAssignmentSchema1764374400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE consulate (
        id                     text        PRIMARY KEY CHECK (id ~ '^[A-Z0-9][A-Z0-9-]{1,31}$'),
        name                   text        NOT NULL,
        host_country           char(2)     NOT NULL,
        cities                 text[]      NOT NULL DEFAULT '{}',
        languages              text[]      NOT NULL DEFAULT '{}',
        is_default_for_country boolean     NOT NULL DEFAULT false,
        active                 boolean     NOT NULL DEFAULT true,
        created_at             timestamptz NOT NULL DEFAULT now(),
        updated_at             timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query('CREATE INDEX consulate_country_idx ON consulate (host_country, id)');
    // At most one default office (the embassy) per host country.
    await q.query(
      'CREATE UNIQUE INDEX consulate_country_default_idx ON consulate (host_country) WHERE is_default_for_country',
    );
    await q.query(`
      CREATE TABLE caseworker (
        id             text        PRIMARY KEY CHECK (id ~ '^[A-Za-z0-9._-]{1,64}$'),
        consulate_id   text        NOT NULL REFERENCES consulate (id),
        name           text        NOT NULL,
        languages      text[]      NOT NULL DEFAULT '{}',
        active         boolean     NOT NULL DEFAULT true,
        max_open_cases integer     NOT NULL CHECK (max_open_cases > 0),
        -- Maintained with every assignment and lifecycle change; may exceed max_open_cases only
        -- when a resolved case is reopened or an administrator lowers the limit.
        open_cases     integer     NOT NULL DEFAULT 0 CHECK (open_cases >= 0),
        created_at     timestamptz NOT NULL DEFAULT now(),
        updated_at     timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query('CREATE INDEX caseworker_consulate_idx ON caseworker (consulate_id, id)');
    await q.query(`
      CREATE TABLE assignment (
        case_id                uuid        PRIMARY KEY,
        host_country           char(2)     NOT NULL,
        host_city              text,
        priority               text        NOT NULL,
        preferred_language     text        NOT NULL,
        consulate_id           text        NOT NULL REFERENCES consulate (id),
        caseworker_id          text        REFERENCES caseworker (id),
        state                  text        NOT NULL,
        status_version         integer     NOT NULL,
        reason                 text        NOT NULL,
        sequence               integer     NOT NULL,
        submitted_at           timestamptz NOT NULL,
        routed_at              timestamptz NOT NULL,
        assigned_at            timestamptz NOT NULL,
        acceptance_due_at      timestamptz NOT NULL,
        acceptance_met_at      timestamptz,
        acceptance_breached_at timestamptz,
        resolution_due_at      timestamptz NOT NULL,
        resolution_met_at      timestamptz,
        resolution_breached_at timestamptz,
        resolution_cycle       integer     NOT NULL DEFAULT 1,
        paused_at              timestamptz,
        updated_at             timestamptz NOT NULL
      )`);
    await q.query(
      'CREATE INDEX assignment_consulate_idx ON assignment (consulate_id, routed_at, case_id)',
    );
    await q.query(
      'CREATE INDEX assignment_caseworker_idx ON assignment (caseworker_id, routed_at, case_id) WHERE caseworker_id IS NOT NULL',
    );
    // The SLA scheduler's scans: only clocks that are still running.
    await q.query(
      'CREATE INDEX assignment_acceptance_due_idx ON assignment (acceptance_due_at) WHERE acceptance_met_at IS NULL AND acceptance_breached_at IS NULL',
    );
    await q.query(
      'CREATE INDEX assignment_resolution_due_idx ON assignment (resolution_due_at) WHERE resolution_met_at IS NULL AND resolution_breached_at IS NULL',
    );
    await q.query(`
      CREATE TABLE assignment_history (
        id              bigserial   PRIMARY KEY,
        case_id         uuid        NOT NULL REFERENCES assignment (case_id),
        sequence        integer     NOT NULL,
        consulate_id    text        NOT NULL,
        caseworker_id   text,
        reason          text        NOT NULL,
        transfer_reason text,
        actor_id        text        NOT NULL,
        actor_role      text,
        at              timestamptz NOT NULL,
        UNIQUE (case_id, sequence)
      )`);
    // Status changes of cases not routed yet (their case.submitted is late); applied at routing.
    await q.query(`
      CREATE TABLE pending_status_change (
        case_id     uuid        NOT NULL,
        version     integer     NOT NULL,
        to_status   text        NOT NULL,
        at          timestamptz NOT NULL,
        received_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (case_id, version)
      )`);
    await q.query(`
      CREATE TABLE sla_breach (
        id            bigserial   PRIMARY KEY,
        case_id       uuid        NOT NULL REFERENCES assignment (case_id),
        stage         text        NOT NULL CHECK (stage IN ('acceptance', 'resolution')),
        -- The resolution clock restarts when a case is reopened; each run may breach once.
        cycle         integer     NOT NULL DEFAULT 1,
        consulate_id  text        NOT NULL,
        caseworker_id text,
        due_at        timestamptz NOT NULL,
        breached_at   timestamptz NOT NULL,
        UNIQUE (case_id, stage, cycle)
      )`);
    await q.query('CREATE INDEX sla_breach_consulate_idx ON sla_breach (consulate_id, id DESC)');
    await createOutboxTable(q);
    await createInboxTable(q);
  }

  async down(q: QueryRunner): Promise<void> {
    await dropMessagingTables(q);
    await q.query('DROP TABLE IF EXISTS sla_breach');
    await q.query('DROP TABLE IF EXISTS pending_status_change');
    await q.query('DROP TABLE IF EXISTS assignment_history');
    await q.query('DROP TABLE IF EXISTS assignment');
    await q.query('DROP TABLE IF EXISTS caseworker');
    await q.query('DROP TABLE IF EXISTS consulate');
  }
}
