/**
 * The floor under live ingest, measured in the bench's own run on the same machine state: how
 * fast PostgreSQL alone commits the writes exactly-once needs, whatever reporting does besides.
 * One transaction per run of RUN_EVENTS events, as the consumer commits them: the run's inbox
 * rows inserted (the live inbox's layout and key, in a scratch copy) and one fact row updated
 * per case of the run (a scratch copy of case_fact, with as many rows as the bench has cases,
 * its indexes included), nothing else: no aggregates, no Kafka, no Node work per event. Live
 * ingest divided by this is the share of the machine's floor reporting reaches. The scratch
 * tables live in reporting's bench database only while this runs.
 */
import { randomInt } from 'node:crypto';
import { databaseName, say } from './config';
import { withClient } from './db';

/** Events per run: what the consumer applies in one transaction from a backlog. */
const RUN_EVENTS = 2000;

export interface IngestFloor {
  seconds: number;
  runs: number;
  eventsPerSecond: number;
  /** Fact rows each run updated (its cases: RUN_EVENTS ÷ the histories' events per case). */
  casesPerRun: number;
}

export async function measureIngestFloor(
  cases: number,
  eventsPerCase: number,
  seconds = 20,
): Promise<IngestFloor> {
  return withClient(databaseName('reporting'), async (c) => {
    await c.query('DROP TABLE IF EXISTS bench_floor_inbox, bench_floor_fact');
    await c.query('CREATE TABLE bench_floor_inbox (LIKE inbox_message INCLUDING ALL)');
    await c.query('CREATE TABLE bench_floor_fact (LIKE case_fact INCLUDING ALL)');
    try {
      say(`  ${cases} scratch fact rows`);
      await c.query(
        `INSERT INTO bench_floor_fact (case_id, host_country, category, submitted_at, status)
         SELECT gen_random_uuid(), 'RU', 'unpaid_wages', now() - n * interval '1 minute', 'submitted'
         FROM generate_series(1, $1::int) AS n`,
        [cases],
      );
      await c.query('VACUUM ANALYZE bench_floor_fact');
      const ids = (
        await c.query<{ case_id: string }>('SELECT case_id FROM bench_floor_fact')
      ).rows.map((r) => r.case_id);
      const casesPerRun = Math.max(1, Math.round(RUN_EVENTS / eventsPerCase));
      const started = Date.now();
      let runs = 0;
      let lastSay = started;
      while (Date.now() - started < seconds * 1000) {
        const touched = Array.from({ length: casesPerRun }, () => ids[randomInt(ids.length)]);
        await c.query('BEGIN');
        try {
          await c.query(
            `INSERT INTO bench_floor_inbox (consumer_group, event_id, event_type, topic, partition, "offset")
             SELECT 'casebridge-reporting', gen_random_uuid(), 'casebridge.case.status_changed.v1',
                    'casebridge.case-events.v1', 0, $1::bigint + n
             FROM generate_series(1, $2::int) AS n`,
            [runs * RUN_EVENTS, RUN_EVENTS],
          );
          await c.query(
            `UPDATE bench_floor_fact SET status_version = status_version + 1, last_event_at = now()
             WHERE case_id = ANY($1::uuid[])`,
            [touched],
          );
          await c.query('COMMIT');
        } catch (error) {
          await c.query('ROLLBACK');
          throw error;
        }
        runs++;
        if (Date.now() - lastSay > 5000) {
          lastSay = Date.now();
          const elapsed = (Date.now() - started) / 1000;
          say(
            `  floor: ${runs} runs in ${elapsed.toFixed(0)} s of ${seconds} s (${Math.round((runs * RUN_EVENTS) / elapsed)} events/s)`,
          );
        }
      }
      const elapsed = (Date.now() - started) / 1000;
      return {
        seconds: Math.round(elapsed * 10) / 10,
        runs,
        eventsPerSecond: Math.round((runs * RUN_EVENTS) / elapsed),
        casesPerRun,
      };
    } finally {
      await c.query('DROP TABLE IF EXISTS bench_floor_inbox, bench_floor_fact');
    }
  });
}
