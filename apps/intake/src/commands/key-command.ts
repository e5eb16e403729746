import { Pool } from 'pg';
import { DataSource } from 'typeorm';
import { loadEnvironment, runMigrationsLocked, serviceDatabaseUrl } from '@casebridge/common';
import { IntakeEnvironment, intakeSecretProblems } from '../config/intake.environment';
import { MasterKeyRing } from '../crypto/envelope-cipher';
import { intakeMigrationDataSourceOptions } from '../database/data-source';
import {
  keyStoreDatabaseUrl,
  keyStoreMigrationDataSourceOptions,
} from '../keystore/key-store.data-source';

/** What intake's key commands (rekey, rotate-keys) work with, opened the same way for each. */
export interface KeyCommand {
  env: IntakeEnvironment;
  /** The case database and the key store, each a small pool of its own. */
  cases: Pool;
  keyStore: Pool;
  masterKeys: MasterKeyRing;
  /** Aborted on SIGINT or SIGTERM: the command stops after its current step and exits 2. */
  signal: AbortSignal;
  close(): Promise<void>;
}

async function migrate(options: ConstructorParameters<typeof DataSource>[0]): Promise<void> {
  const dataSource = await new DataSource(options).initialize();
  try {
    await runMigrationsLocked(dataSource);
  } finally {
    await dataSource.destroy();
  }
}

/**
 * Loads intake's configuration, migrates both databases (a command may run before the service
 * ever started), opens both pools and the master keys, and turns Ctrl-C into a stop request that
 * `onStop` announces.
 */
export async function openKeyCommand(name: string, onStop: () => void): Promise<KeyCommand> {
  const env = loadEnvironment(IntakeEnvironment, intakeSecretProblems);
  await migrate(intakeMigrationDataSourceOptions(env));
  await migrate(keyStoreMigrationDataSourceOptions(env));
  const application_name = `casebridge-intake-${name}`;
  const cases = new Pool({
    connectionString: serviceDatabaseUrl('intake', env, env.INTAKE_DATABASE_URL),
    application_name,
    max: 2,
  });
  const keyStore = new Pool({
    connectionString: keyStoreDatabaseUrl(env),
    application_name,
    max: 2,
  });
  const masterKeys = MasterKeyRing.fromConfig(
    env.INTAKE_ENCRYPTION_KEY_ID,
    env.INTAKE_ENCRYPTION_KEY,
    env.INTAKE_PREVIOUS_ENCRYPTION_KEYS,
  );
  const abort = new AbortController();
  const stop = () => {
    onStop();
    abort.abort();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return {
    env,
    cases,
    keyStore,
    masterKeys,
    signal: abort.signal,
    async close() {
      await cases.end();
      await keyStore.end();
    },
  };
}
