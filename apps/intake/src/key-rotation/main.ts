/**
 * `npm run intake:rotate-keys`: after a master-key rotation, rewraps every case key still under
 * a former master key with the current one (INTAKE_ENCRYPTION_KEY), so that the former key can
 * be removed from INTAKE_PREVIOUS_ENCRYPTION_KEYS. Restartable and safe to run again; runs while
 * intake serves. Prints progress, never keys or personal data. Options: `--batch-size=N`,
 * `--limit=N` (stop after about N keys). Exit code 0 once no key is left under a former master
 * key, 2 when stopped before (run it again), 1 on failure.
 */
import 'reflect-metadata';
import { Pool } from 'pg';
import { DataSource } from 'typeorm';
import { loadEnvironment, runMigrationsLocked } from '@casebridge/common';
import { IntakeEnvironment, intakeSecretProblems } from '../config/intake.environment';
import { MasterKeyRing } from '../crypto/envelope-cipher';
import { CaseKeyRepository } from '../keystore/case-key.repository';
import {
  keyStoreDatabaseUrl,
  keyStoreMigrationDataSourceOptions,
} from '../keystore/key-store.data-source';
import { rewrapCaseKeys } from './rewrap-case-keys';

function option(name: string): number | undefined {
  const arg = process.argv.find((a) => a.startsWith(`--${name}=`));
  if (!arg) return undefined;
  const value = Number(arg.slice(name.length + 3));
  if (!Number.isInteger(value) || value < 1)
    throw new Error(`--${name} must be a positive integer`);
  return value;
}

/** True once no key is left under a former master key; false when stopped first. */
async function main(): Promise<boolean> {
  const batchSize = option('batch-size');
  const limit = option('limit');
  const env = loadEnvironment(IntakeEnvironment, intakeSecretProblems);
  const migrations = await new DataSource(keyStoreMigrationDataSourceOptions(env)).initialize();
  try {
    await runMigrationsLocked(migrations);
  } finally {
    await migrations.destroy();
  }
  const keyStore = new Pool({
    connectionString: keyStoreDatabaseUrl(env),
    application_name: 'casebridge-intake-rotate-keys',
    max: 2,
  });
  const masterKeys = MasterKeyRing.fromConfig(
    env.INTAKE_ENCRYPTION_KEY_ID,
    env.INTAKE_ENCRYPTION_KEY,
    env.INTAKE_PREVIOUS_ENCRYPTION_KEYS,
  );
  const abort = new AbortController();
  const stop = () => {
    process.stdout.write('rotate-keys: stopping after the current batch; run again to go on\n');
    abort.abort();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    const done = await rewrapCaseKeys({
      store: new CaseKeyRepository(keyStore),
      masterKeys,
      batchSize,
      limit,
      signal: abort.signal,
      progress: (p) =>
        process.stdout.write(
          `rotate-keys: ${p.rewrapped}/${p.total} case keys rewrapped under master key ` +
            `${masterKeys.currentKeyId} (${p.skipped} changed meanwhile, ${p.perSecond}/s` +
            `${p.secondsLeft === undefined ? '' : `, about ${p.secondsLeft}s left`})\n`,
        ),
    });
    const left = await new CaseKeyRepository(keyStore).countNotWrappedBy(masterKeys.currentKeyId);
    const remaining = [...left.values()].reduce((a, b) => a + b, 0);
    if (remaining > 0) {
      process.stdout.write(
        `rotate-keys: stopped, ${remaining} case keys left under former master keys; run again\n`,
      );
      return false;
    }
    const former = masterKeys.formerKeyIds();
    process.stdout.write(
      `rotate-keys: done, ${done.rewrapped} case keys rewrapped; every case key is under master ` +
        `key ${masterKeys.currentKeyId}` +
        (former.length
          ? `: ${former.join(', ')} can be removed from INTAKE_PREVIOUS_ENCRYPTION_KEYS ` +
            '(keep it in the backup of keys until key-store backups made before now expire)\n'
          : '\n'),
    );
    return true;
  } finally {
    await keyStore.end();
  }
}

main().then(
  (completed) => process.exit(completed ? 0 : 2),
  (error: Error) => {
    process.stderr.write(`rotate-keys failed: ${error.message}\n`);
    process.exit(1);
  },
);
