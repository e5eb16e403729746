import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * An Idempotency-Key answers a retry with the answer it was first given (docs/retries.md):
 * `response` keeps that answer without its personal fields, and `request_hash`, which derives
 * from the personal data of the body, becomes null when the case's personal data is erased (done
 * here for the cases erased already). Existing keys get the answer their creation gave, rebuilt
 * from the case: status submitted, version 1, not yet routed, the priority before any re-triage.
 * `created_at` is indexed for the expiry of keys (INTAKE_IDEMPOTENCY_KEY_TTL_SECONDS).
 */
export class IdempotencyReplaySnapshot1768176000000 implements MigrationInterface {
  name = 'IdempotencyReplaySnapshot1768176000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE idempotency_key ADD COLUMN IF NOT EXISTS response jsonb');
    await q.query('ALTER TABLE idempotency_key ALTER COLUMN request_hash DROP NOT NULL');
    await q.query(`
      UPDATE idempotency_key k SET response = jsonb_build_object(
        'id', c.id,
        'reference', c.reference,
        'status', 'submitted',
        'priority', COALESCE(
          (SELECT p.from_priority FROM case_priority_change p
           WHERE p.case_id = c.id ORDER BY p.version LIMIT 1),
          c.priority),
        'category', c.category,
        'riskIndicators', to_jsonb(c.risk_indicators),
        'hostCountry', c.host_country,
        'hostCity', c.host_city,
        'channel', c.channel,
        'preferredLanguage', c.preferred_language,
        'consentToShare', c.consent_to_share,
        'incidentDate', to_char(c.incident_date, 'YYYY-MM-DD'),
        'amountClaimed', CASE WHEN c.amount_claimed IS NULL OR c.amount_claimed_currency IS NULL
          THEN NULL
          ELSE jsonb_build_object('amount', c.amount_claimed, 'currency', trim(c.amount_claimed_currency))
          END,
        'outcome', NULL,
        'possibleDuplicateOf', c.possible_duplicate_of,
        'duplicateDecision', NULL,
        'linkedCases', '[]'::jsonb,
        'consulateId', NULL,
        'caseworkerId', NULL,
        'submittedAt', to_char(c.submitted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
        'updatedAt', to_char(c.submitted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
        'version', 1)
      FROM case_file c
      WHERE c.id = k.case_id AND k.response IS NULL`);
    await q.query('ALTER TABLE idempotency_key ALTER COLUMN response SET NOT NULL');
    await q.query(`
      UPDATE idempotency_key k SET request_hash = NULL
      FROM case_file c
      WHERE c.id = k.case_id AND c.personal_data_erased_at IS NOT NULL AND k.request_hash IS NOT NULL`);
    await q.query(
      'CREATE INDEX IF NOT EXISTS idempotency_key_created_idx ON idempotency_key (created_at)',
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX IF EXISTS idempotency_key_created_idx');
    // Keys of erased cases have no hash to restore: they are forgotten.
    await q.query('DELETE FROM idempotency_key WHERE request_hash IS NULL');
    await q.query('ALTER TABLE idempotency_key ALTER COLUMN request_hash SET NOT NULL');
    await q.query('ALTER TABLE idempotency_key DROP COLUMN IF EXISTS response');
  }
}
