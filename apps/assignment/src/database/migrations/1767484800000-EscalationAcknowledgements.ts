import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A consul's acknowledgement of an SLA breach: at most one per breach (the primary key decides
 * between concurrent ones), with who, the office holding the case then, the reason code and when.
 * The table is the acknowledgements' trail: a trigger refuses UPDATE and DELETE, so the first
 * acknowledgement of a breach stays as it was recorded.
 */
export class EscalationAcknowledgements1767484800000 implements MigrationInterface {
  name = 'EscalationAcknowledgements1767484800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE sla_breach_acknowledgement (
        breach_id    bigint      PRIMARY KEY REFERENCES sla_breach (id),
        -- ACKNOWLEDGEMENT_REASONS in sla/escalation-acknowledgement.ts.
        reason       text        NOT NULL CHECK (reason IN ('caseworker_contacted',
                       'complainant_unreachable', 'waiting_host_authority', 'reassigned',
                       'workload', 'other')),
        actor_id     text        NOT NULL,
        actor_role   text        NOT NULL,
        consulate_id text        NOT NULL,
        at           timestamptz NOT NULL
      )`);
    await q.query(`
      CREATE FUNCTION sla_breach_acknowledgement_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'sla_breach_acknowledgement is append-only';
      END $$`);
    await q.query(`
      CREATE TRIGGER sla_breach_acknowledgement_append_only
      BEFORE UPDATE OR DELETE ON sla_breach_acknowledgement
      FOR EACH ROW EXECUTE FUNCTION sla_breach_acknowledgement_append_only()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE IF EXISTS sla_breach_acknowledgement');
    await q.query('DROP FUNCTION IF EXISTS sla_breach_acknowledgement_append_only()');
  }
}
