/**
 * `npm run intake:rekey-cases`: converts personal data written under the master key itself (the
 * former `v1` format) to each case's own data key, kept in the key store. Restartable and safe
 * to run again (converted values are skipped); runs while intake serves. Prints progress, never
 * personal data. Exit code 0 once every case is converted, 2 when stopped before (run it again).
 */
import 'reflect-metadata';
import { Pool } from 'pg';
import { DataSource } from 'typeorm';
import { loadEnvironment, runMigrationsLocked, serviceDatabaseUrl } from '@casebridge/common';
import { IntakeEnvironment, intakeSecretProblems } from '../config/intake.environment';
import { MasterKeyRing } from '../crypto/envelope-cipher';
import { intakeMigrationDataSourceOptions } from '../database/data-source';
import { CaseKeyCache } from '../keystore/case-key-cache';
import { CaseKeyRepository } from '../keystore/case-key.repository';
import { CaseKeys } from '../keystore/case-keys.service';
import {
  keyStoreDatabaseUrl,
  keyStoreMigrationDataSourceOptions,
} from '../keystore/key-store.data-source';
import { rekeyCases } from './rekey-cases';

async function migrate(options: ConstructorParameters<typeof DataSource>[0]): Promise<void> {
  const dataSource = await new DataSource(options).initialize();
  try {
    await runMigrationsLocked(dataSource);
  } finally {
    await dataSource.destroy();
  }
}

/** True once every case is converted; false when stopped first. */
async function main(): Promise<boolean> {
  const env = loadEnvironment(IntakeEnvironment, intakeSecretProblems);
  await migrate(intakeMigrationDataSourceOptions(env));
  await migrate(keyStoreMigrationDataSourceOptions(env));
  const cases = new Pool({
    connectionString: serviceDatabaseUrl('intake', env, env.INTAKE_DATABASE_URL),
    application_name: 'casebridge-intake-rekey',
    max: 2,
  });
  const keyStore = new Pool({
    connectionString: keyStoreDatabaseUrl(env),
    application_name: 'casebridge-intake-rekey',
    max: 2,
  });
  const masterKeys = MasterKeyRing.fromConfig(
    env.INTAKE_ENCRYPTION_KEY_ID,
    env.INTAKE_ENCRYPTION_KEY,
    env.INTAKE_PREVIOUS_ENCRYPTION_KEYS,
  );
  const abort = new AbortController();
  const stop = () => {
    process.stdout.write('rekey: stopping after the current case; run again to go on\n');
    abort.abort();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    const done = await rekeyCases({
      cases,
      caseKeys: new CaseKeys(masterKeys, new CaseKeyRepository(keyStore), new CaseKeyCache(0, 0)),
      masterKeys,
      signal: abort.signal,
      progress: (p) =>
        process.stdout.write(
          `rekey: ${p.converted}/${p.total} cases converted (${p.values} values)\n`,
        ),
    });
    process.stdout.write(
      abort.signal.aborted
        ? `rekey: stopped, ${done.total - done.converted} cases left\n`
        : `rekey: done, ${done.converted} cases converted\n`,
    );
    return !abort.signal.aborted;
  } finally {
    await cases.end();
    await keyStore.end();
  }
}

main().then(
  (completed) => process.exit(completed ? 0 : 2),
  (error: Error) => {
    process.stderr.write(`rekey failed: ${error.message}\n`);
    process.exit(1);
  },
);
