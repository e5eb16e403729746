import { HQ_CONSULATE_ID } from './headquarters';
import { DEMO_DIRECTORY, DemoConsulate } from './demo-directory';

/** Anything that runs SQL: a DataSource, an EntityManager or a QueryRunner. */
export interface SqlRunner {
  query(sql: string, parameters?: unknown[]): Promise<unknown>;
}

export interface SeedResult {
  consulates: number;
  caseworkers: number;
}

/**
 * The agency headquarters desk: not demo data but part of the routing rules (cases in a country
 * without an office go to it), so it is ensured at every start, demo directory or not.
 */
export async function ensureHeadquarters(db: SqlRunner): Promise<void> {
  await db.query(
    `INSERT INTO consulate (id, name, host_country, cities, languages, is_default_for_country, active)
     VALUES ($1, 'Agency headquarters desk, Tashkent', 'UZ', '{Tashkent}', '{uz,ru,en}', true, true)
     ON CONFLICT DO NOTHING`,
    [HQ_CONSULATE_ID],
  );
}

/**
 * Inserts the demo directory where it is missing and changes nothing that exists (an office or
 * caseworker an administrator edited or deactivated stays as it is), so it is safe to run any
 * number of times and from several instances at once. `ON CONFLICT DO NOTHING` without a target
 * also skips a demo embassy when an administrator already made another office the country's
 * default. Run it inside one transaction (start-up seeder, scripts/seed-directory.ts).
 */
export async function seedDemoDirectory(
  db: SqlRunner,
  directory: readonly DemoConsulate[] = DEMO_DIRECTORY,
): Promise<SeedResult> {
  const result: SeedResult = { consulates: 0, caseworkers: 0 };
  for (const c of directory) {
    const inserted = (await db.query(
      `INSERT INTO consulate (id, name, host_country, cities, languages, is_default_for_country, active)
       VALUES ($1, $2, $3, $4, $5, $6, true) ON CONFLICT DO NOTHING RETURNING id`,
      [c.id, c.name, c.hostCountry, c.cities, c.languages, c.isDefaultForCountry],
    )) as unknown[];
    result.consulates += inserted.length;
    for (const w of c.caseworkers) {
      const added = (await db.query(
        // Demo staff sign in with their caseworker id as `sub` (npm run token -- --sub ru-mow-01).
        `INSERT INTO caseworker (id, consulate_id, name, languages, active, max_open_cases, staff_subject)
         SELECT $1, $2, $3, $4, true, $5, $1 WHERE EXISTS (SELECT 1 FROM consulate WHERE id = $2)
         ON CONFLICT DO NOTHING RETURNING id`,
        [w.id, c.id, w.name, w.languages, w.maxOpenCases],
      )) as unknown[];
      result.caseworkers += added.length;
    }
  }
  return result;
}
