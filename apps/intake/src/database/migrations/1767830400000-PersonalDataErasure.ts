import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Erasure of a case's personal data (issue 15, point 3). Its data key is destroyed in the key
 * store first (crypto-shredding); then the case row records when, why (a reason code) and by what
 * (request or retention) it was erased, and its ciphertexts, the notes' bodies, the status
 * changes' comments and the passport blind index are emptied: they are undecryptable already,
 * emptying them leaves nothing to try. The ciphertext columns therefore accept null, but only on
 * an erased case. A legal hold (a reason code, when, by whom) suspends retention and refuses
 * erasure while it is on.
 */
export class PersonalDataErasure1767830400000 implements MigrationInterface {
  name = 'PersonalDataErasure1767830400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE case_file
        ADD COLUMN IF NOT EXISTS personal_data_erased_at timestamptz,
        ADD COLUMN IF NOT EXISTS erasure_reason text,
        ADD COLUMN IF NOT EXISTS erasure_trigger text,
        ADD COLUMN IF NOT EXISTS legal_hold_reason text,
        ADD COLUMN IF NOT EXISTS legal_hold_at timestamptz,
        ADD COLUMN IF NOT EXISTS legal_hold_by text`);
    await q.query(`
      ALTER TABLE case_file ADD CONSTRAINT case_file_legal_hold_chk CHECK (
        (legal_hold_reason IS NULL) = (legal_hold_at IS NULL)
        AND (legal_hold_reason IS NULL) = (legal_hold_by IS NULL))`);
    await q.query('ALTER TABLE case_file ALTER COLUMN complainant_enc DROP NOT NULL');
    await q.query('ALTER TABLE case_file ALTER COLUMN description_enc DROP NOT NULL');
    await q.query(`
      ALTER TABLE case_file ADD CONSTRAINT case_file_erasure_chk CHECK (
        (personal_data_erased_at IS NULL AND erasure_reason IS NULL AND erasure_trigger IS NULL
          AND complainant_enc IS NOT NULL AND description_enc IS NOT NULL)
        OR (personal_data_erased_at IS NOT NULL AND erasure_reason ~ '^[a-z_]{1,64}$'
          AND erasure_trigger IN ('request', 'retention')
          AND complainant_enc IS NULL AND employer_enc IS NULL AND description_enc IS NULL
          AND passport_index IS NULL))`);
    await q.query('ALTER TABLE case_note ALTER COLUMN body_enc DROP NOT NULL');
  }

  async down(q: QueryRunner): Promise<void> {
    // An erased case cannot get its ciphertexts back: down refuses while one exists.
    await q.query('ALTER TABLE case_note ALTER COLUMN body_enc SET NOT NULL');
    await q.query('ALTER TABLE case_file DROP CONSTRAINT IF EXISTS case_file_erasure_chk');
    await q.query('ALTER TABLE case_file DROP CONSTRAINT IF EXISTS case_file_legal_hold_chk');
    await q.query('ALTER TABLE case_file ALTER COLUMN description_enc SET NOT NULL');
    await q.query('ALTER TABLE case_file ALTER COLUMN complainant_enc SET NOT NULL');
    await q.query(`
      ALTER TABLE case_file
        DROP COLUMN IF EXISTS legal_hold_by,
        DROP COLUMN IF EXISTS legal_hold_at,
        DROP COLUMN IF EXISTS legal_hold_reason,
        DROP COLUMN IF EXISTS erasure_trigger,
        DROP COLUMN IF EXISTS erasure_reason,
        DROP COLUMN IF EXISTS personal_data_erased_at`);
  }
}
