import type { MigrationInterface, QueryRunner } from 'typeorm';
import { reportedCity } from '@casebridge/contracts';

const BUCKETS = ['daily_case_bucket', 'daily_resolution_bucket'];
const KEY = 'host_country, day, category, consulate_id, host_city, metric';

/**
 * Free text no longer reaches the read model: each fact's host city becomes the known city it
 * names or 'other' (HOST_CITIES in the contracts, as the writer now does on ingest), and the
 * bucket rows of each city move to that name, summed with the rows already there. Buckets keep
 * '' for "no city".
 */
export class ReportedCities1767312000000 implements MigrationInterface {
  name = 'ReportedCities1767312000000';

  async up(q: QueryRunner): Promise<void> {
    const seen = await q.manager.query<{ host_country: string; host_city: string }[]>(`
      SELECT DISTINCT host_country, host_city FROM (
        SELECT host_country, host_city FROM case_fact WHERE host_city IS NOT NULL AND host_country IS NOT NULL
        UNION SELECT host_country, host_city FROM daily_case_bucket WHERE host_city <> ''
        UNION SELECT host_country, host_city FROM daily_resolution_bucket WHERE host_city <> ''
      ) AS c`);
    const moves = seen
      .map((r) => ({ ...r, to: reportedCity(r.host_country, r.host_city) ?? '' }))
      .filter((r) => r.to !== r.host_city);
    if (moves.length === 0) return;
    await q.query(
      `CREATE TEMPORARY TABLE city_move (host_country text, host_city text, to_city text) ON COMMIT DROP`,
    );
    await q.query(
      `INSERT INTO city_move SELECT * FROM unnest($1::text[], $2::text[], $3::text[])`,
      [moves.map((m) => m.host_country), moves.map((m) => m.host_city), moves.map((m) => m.to)],
    );
    await q.query(`
      UPDATE case_fact f SET host_city = nullif(m.to_city, '')
      FROM city_move m WHERE f.host_country = m.host_country AND f.host_city = m.host_city`);
    for (const table of BUCKETS) {
      await q.query(`CREATE TEMPORARY TABLE moved (LIKE ${table}) ON COMMIT DROP`);
      await q.query(`
        WITH gone AS (
          DELETE FROM ${table} b USING city_move m
          WHERE b.host_country = m.host_country AND b.host_city = m.host_city
          RETURNING b.host_country, b.day, b.category, b.consulate_id, m.to_city AS host_city,
                    b.metric, b.value)
        INSERT INTO moved SELECT host_country, day, category, consulate_id, host_city, metric, value FROM gone`);
      await q.query(`
        INSERT INTO ${table} AS b (${KEY}, value)
        SELECT ${KEY}, sum(value) FROM moved GROUP BY ${KEY} ORDER BY ${KEY}
        ON CONFLICT (${KEY}) DO UPDATE SET value = b.value + EXCLUDED.value`);
      await q.query('DROP TABLE moved');
    }
  }

  async down(): Promise<void> {
    // The free text is gone from the read model; `npm run reporting:rebuild` reads it again from
    // the topics (with the writer of the version rolled back to).
  }
}
