/**
 * `npm run intake:rekey-cases`: converts personal data written under the master key itself (the
 * former `v1` format) to each case's own data key, kept in the key store. Restartable and safe
 * to run again (converted values are skipped); runs while intake serves. Prints progress, never
 * personal data. Exit code 0 once every case is converted, 2 when stopped before (run it again).
 */
import 'reflect-metadata';
import { openKeyCommand } from '../commands/key-command';
import { CaseKeyCache } from '../keystore/case-key-cache';
import { CaseKeyRepository } from '../keystore/case-key.repository';
import { CaseKeys } from '../keystore/case-keys.service';
import { rekeyCases } from './rekey-cases';

/** True once every case is converted; false when stopped first. */
async function main(): Promise<boolean> {
  const { cases, keyStore, masterKeys, signal, close } = await openKeyCommand('rekey', () =>
    process.stdout.write('rekey: stopping after the current case; run again to go on\n'),
  );
  try {
    const done = await rekeyCases({
      cases,
      caseKeys: new CaseKeys(masterKeys, new CaseKeyRepository(keyStore), new CaseKeyCache(0, 0)),
      masterKeys,
      signal,
      progress: (p) =>
        process.stdout.write(
          `rekey: ${p.converted}/${p.total} cases converted (${p.values} values)\n`,
        ),
    });
    process.stdout.write(
      signal.aborted
        ? `rekey: stopped, ${done.total - done.converted} cases left\n`
        : `rekey: done, ${done.converted} cases converted\n`,
    );
    return !signal.aborted;
  } finally {
    await close();
  }
}

main().then(
  (completed) => process.exit(completed ? 0 : 2),
  (error: Error) => {
    process.stderr.write(`rekey failed: ${error.message}\n`);
    process.exit(1);
  },
);
