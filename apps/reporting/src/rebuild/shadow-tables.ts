import type { QueryRunner } from 'typeorm';
import {
  LIVE_TABLES,
  READ_MODEL_TABLE_ORDER,
  REPORTING_CONSUMER_GROUP,
  SHADOW_SUFFIX,
  shadowTables,
} from '../read-model/read-model-tables';

const INDEX_DEFINITION = /^CREATE (UNIQUE )?INDEX (\S+) ON (ONLY )?(\S+\.)?(\S+) (.*)$/;

/**
 * Creates empty shadow copies of the read-model tables, shaped exactly like the live ones
 * (columns, defaults, checks, keys and indexes, read from the catalog so that later migrations
 * are followed). Index and key names get the shadow suffix until the swap.
 */
export async function createShadowTables(runner: QueryRunner): Promise<void> {
  const shadow = shadowTables();
  for (const key of READ_MODEL_TABLE_ORDER) {
    const live = LIVE_TABLES[key];
    await runner.query(`DROP TABLE IF EXISTS ${shadow[key]}`);
    await runner.query(
      `CREATE TABLE ${shadow[key]} (LIKE ${live} INCLUDING DEFAULTS INCLUDING CONSTRAINTS
       INCLUDING GENERATED INCLUDING IDENTITY INCLUDING STORAGE INCLUDING COMMENTS)`,
    );
    const keys = await runner.manager.query<{ name: string; definition: string }[]>(
      `SELECT conname AS name, pg_get_constraintdef(oid) AS definition FROM pg_constraint
       WHERE conrelid = $1::regclass AND contype IN ('p', 'u', 'x') ORDER BY conname`,
      [live],
    );
    for (const k of keys) {
      await runner.query(
        `ALTER TABLE ${shadow[key]} ADD CONSTRAINT ${k.name}${SHADOW_SUFFIX} ${k.definition}`,
      );
    }
    const indexes = await runner.manager.query<{ name: string; definition: string }[]>(
      `SELECT c.relname AS name, pg_get_indexdef(i.indexrelid) AS definition
       FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
       WHERE i.indrelid = $1::regclass
         AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)
       ORDER BY c.relname`,
      [live],
    );
    for (const index of indexes) {
      const match = INDEX_DEFINITION.exec(index.definition);
      if (!match || match[2] !== index.name || match[5] !== live) {
        throw new Error(
          `cannot copy index ${index.name}: unexpected definition ${index.definition}`,
        );
      }
      await runner.query(
        `CREATE ${match[1] ?? ''}INDEX ${index.name}${SHADOW_SUFFIX} ON ${shadow[key]} ${match[6]}`,
      );
    }
  }
  await runner.query(`INSERT INTO ${shadow.state} (id) VALUES (1)`);
}

export async function dropShadowTables(runner: QueryRunner): Promise<void> {
  const shadow = shadowTables();
  for (const key of READ_MODEL_TABLE_ORDER) {
    await runner.query(`DROP TABLE IF EXISTS ${shadow[key]}`);
  }
}

/**
 * How many events the live model has applied since the rebuild started that the shadow model
 * has not. Events applied live before the start are on the topics below the captured end
 * offsets, so the replay has them; only later ones need checking.
 */
export async function countMissing(runner: QueryRunner, rebuildStartedAt: Date): Promise<number> {
  const [{ missing }] = await runner.manager.query<{ missing: number }[]>(
    `SELECT count(*)::int AS missing FROM ${LIVE_TABLES.inbox} l
     WHERE l.consumer_group = $1 AND l.processed_at >= $2
       AND NOT EXISTS (SELECT 1 FROM ${shadowTables().inbox} s
                       WHERE s.consumer_group = l.consumer_group AND s.event_id = l.event_id)`,
    [REPORTING_CONSUMER_GROUP, rebuildStartedAt],
  );
  return missing;
}

/**
 * Locks the live tables (in the order the live consumer takes them, so it simply waits) and
 * counts the missing events again: the swap may only happen at zero. Runs inside the caller's
 * transaction.
 */
export async function lockAndCountMissing(
  runner: QueryRunner,
  rebuildStartedAt: Date,
): Promise<number> {
  await runner.query("SET LOCAL lock_timeout = '5s'");
  await runner.query(
    `LOCK TABLE ${READ_MODEL_TABLE_ORDER.map((k) => LIVE_TABLES[k]).join(', ')} IN ACCESS EXCLUSIVE MODE`,
  );
  return countMissing(runner, rebuildStartedAt);
}

/**
 * Replaces the live tables by the shadow ones and gives keys and indexes their live names back.
 * Runs inside the caller's transaction, after lockAndCountMissing: readers and the live consumer
 * see either the old model or the new one, never a mix.
 */
export async function swapInShadowTables(runner: QueryRunner): Promise<void> {
  const shadow = shadowTables();
  // Inbox rows of other consumer groups (none today) are kept as they are.
  await runner.query(
    `INSERT INTO ${shadow.inbox} SELECT * FROM ${LIVE_TABLES.inbox}
     WHERE consumer_group <> $1 ON CONFLICT DO NOTHING`,
    [REPORTING_CONSUMER_GROUP],
  );
  for (const key of READ_MODEL_TABLE_ORDER) {
    const indexes = await runner.manager.query<{ name: string }[]>(
      `SELECT c.relname AS name FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
       WHERE i.indrelid = $1::regclass ORDER BY c.relname`,
      [shadow[key]],
    );
    await runner.query(`DROP TABLE ${LIVE_TABLES[key]}`);
    await runner.query(`ALTER TABLE ${shadow[key]} RENAME TO ${LIVE_TABLES[key]}`);
    for (const { name } of indexes) {
      if (!name.endsWith(SHADOW_SUFFIX)) continue;
      await runner.query(`ALTER INDEX ${name} RENAME TO ${name.slice(0, -SHADOW_SUFFIX.length)}`);
    }
  }
}
