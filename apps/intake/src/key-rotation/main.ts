/**
 * `npm run intake:rotate-keys`: finishes a rotation of intake's keys, in two steps.
 * 1. Rewraps every case key still under a former master key with the current one
 *    (INTAKE_ENCRYPTION_KEY), after which the former can leave INTAKE_PREVIOUS_ENCRYPTION_KEYS.
 * 2. Recomputes every passport index not under the current blind-index key
 *    (INTAKE_BLIND_INDEX_KEY) from the passport decrypted with the case's key, after which the
 *    former can leave INTAKE_PREVIOUS_BLIND_INDEX_KEYS.
 * Restartable and safe to run again; runs while intake serves. Prints progress, never keys or
 * personal data. Options: `--batch-size=N`, `--limit=N` (stop each step after about N rows).
 * Exit code 0 once nothing is left, 2 when stopped before (run it again), 1 on failure.
 */
import 'reflect-metadata';
import { openKeyCommand } from '../commands/key-command';
import { PassportBlindIndex } from '../crypto/passport-blind-index';
import { CaseKeyCache } from '../keystore/case-key-cache';
import { CaseKeyRepository } from '../keystore/case-key.repository';
import { CaseKeys } from '../keystore/case-keys.service';
import { countCasesOfFormerFormat } from '../rekey/rekey-cases';
import { PassportIndexRepository } from './passport-index.repository';
import { caseCiphers, reindexPassports } from './reindex-passports';
import { rewrapCaseKeys } from './rewrap-case-keys';
import type { RotationProgress } from './rotation-progress';

function option(name: string): number | undefined {
  const arg = process.argv.find((a) => a.startsWith(`--${name}=`));
  if (!arg) return undefined;
  const value = Number(arg.slice(name.length + 3));
  if (!Number.isInteger(value) || value < 1)
    throw new Error(`--${name} must be a positive integer`);
  return value;
}

const say = (line: string) => process.stdout.write(`rotate-keys: ${line}\n`);
const pace = (p: RotationProgress) =>
  `${p.skipped} changed meanwhile, ${p.perSecond}/s` +
  (p.secondsLeft === undefined ? '' : `, about ${p.secondsLeft}s left`);

/** True once nothing is left under a former key; false when stopped first. */
async function main(): Promise<boolean> {
  const batchSize = option('batch-size');
  const limit = option('limit');
  const { env, cases, keyStore, masterKeys, signal, close } = await openKeyCommand(
    'rotate-keys',
    () => say('stopping after the current batch; run again to go on'),
  );
  const blindIndex = PassportBlindIndex.fromConfig(
    env.INTAKE_BLIND_INDEX_KEY,
    env.INTAKE_BLIND_INDEX_KEY_ID,
    env.INTAKE_PREVIOUS_BLIND_INDEX_KEYS,
  );
  try {
    const caseKeyStore = new CaseKeyRepository(keyStore);
    const passportIndexes = new PassportIndexRepository(cases);
    const rewrapped = await rewrapCaseKeys({
      store: caseKeyStore,
      masterKeys,
      batchSize,
      limit,
      signal,
      progress: (p) =>
        say(
          `${p.done}/${p.total} case keys rewrapped under master key ` +
            `${masterKeys.currentKeyId} (${pace(p)})`,
        ),
    });
    const reindexed = await reindexPassports({
      cases: passportIndexes,
      // No cache: the keys are read once each.
      ciphers: caseCiphers(
        new CaseKeys(masterKeys, caseKeyStore, new CaseKeyCache(0, 0)),
        caseKeyStore,
      ),
      blindIndex,
      batchSize,
      limit,
      signal,
      progress: (p) =>
        say(
          `${p.done}/${p.total} passport indexes recomputed under blind-index key ` +
            `${blindIndex.currentKeyId} (${p.cleared} cleared: no passport or key destroyed; ` +
            `${pace(p)})`,
        ),
    });
    const keysLeft = [
      ...(await caseKeyStore.countNotWrappedBy(masterKeys.currentKeyId)).values(),
    ].reduce((a, b) => a + b, 0);
    const indexesLeft = await passportIndexes.countNotIndexedBy(blindIndex.currentKeyId);
    if (keysLeft + indexesLeft > 0) {
      say(
        `stopped, ${keysLeft} case keys and ${indexesLeft} passport indexes left under ` +
          'former keys; run again',
      );
      return false;
    }
    say(
      `done, ${rewrapped.done} case keys rewrapped and ${reindexed.done} passport indexes ` +
        `recomputed: every case key is under master key ${masterKeys.currentKeyId}, every ` +
        `passport index under blind-index key ${blindIndex.currentKeyId}`,
    );
    const formerMaster = masterKeys.formerKeyIds();
    // A value of the former format is under a master key itself, not under a case key.
    const formerFormat = await countCasesOfFormerFormat(cases);
    if (formerMaster.length && formerFormat > 0)
      say(
        `${formerFormat} cases still hold values of the former format: run ` +
          'npm run intake:rekey-cases to the end before removing any former master key',
      );
    else if (formerMaster.length)
      say(`${formerMaster.join(', ')} can be removed from INTAKE_PREVIOUS_ENCRYPTION_KEYS`);
    const formerIndex = blindIndex.formerKeyIds();
    if (formerIndex.length)
      say(`${formerIndex.join(', ')} can be removed from INTAKE_PREVIOUS_BLIND_INDEX_KEYS`);
    return true;
  } finally {
    await close();
  }
}

main().then(
  (completed) => process.exit(completed ? 0 : 2),
  (error: Error) => {
    process.stderr.write(`rotate-keys failed: ${error.message}\n`);
    process.exit(1);
  },
);
