/** Test support: waiting for the read model to catch up, and reading it whole for comparison. */
import type { Admin } from 'kafkajs';
import { EVENT_TOPICS } from '@casebridge/contracts';
import {
  LIVE_TABLES,
  REPORTING_CONSUMER_GROUP,
} from '../../apps/reporting/src/read-model/read-model-tables';
import { query } from './infra';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Resolves once the reporting consumer group has committed every message now on both topics
 * (offsets are committed only after the inbox transaction commits) and the read model has
 * folded every applied run into its aggregates (reports count them): the delta table is empty.
 */
export async function waitUntilConsumed(admin: Admin, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let behind = 0;
  while (Date.now() < deadline) {
    behind = 0;
    let committed;
    try {
      committed = await admin.fetchOffsets({
        groupId: REPORTING_CONSUMER_GROUP,
        topics: [...EVENT_TOPICS],
      });
    } catch (error) {
      // A fresh broker may not have elected the group's coordinator yet: ask again.
      if (!(error as { retriable?: boolean }).retriable) throw error;
      await sleep(250);
      continue;
    }
    for (const topic of EVENT_TOPICS) {
      for (const { partition, high, low } of await admin.fetchTopicOffsets(topic)) {
        const done = committed
          .find((c) => c.topic === topic)
          ?.partitions.find((p) => p.partition === partition);
        const at = done && Number(done.offset) >= 0 ? Number(done.offset) : Number(low);
        behind += Math.max(0, Number(high) - at);
      }
    }
    if (behind === 0) break;
    await sleep(250);
  }
  if (behind > 0) {
    throw new Error(
      `the reporting consumer is still ${behind} messages behind after ${timeoutMs} ms`,
    );
  }
  let unfolded = 0;
  while (Date.now() < deadline) {
    const [{ runs }] = await query<{ runs: string }>(
      'reporting',
      `SELECT count(*) AS runs FROM ${LIVE_TABLES.delta}`,
    );
    unfolded = Number(runs);
    if (unfolded === 0) return;
    await sleep(100);
  }
  throw new Error(`the read model still has ${unfolded} runs to fold after ${timeoutMs} ms`);
}

export type Query = (sql: string) => Promise<Record<string, unknown>[]>;

/** Every row of the read model, in a stable order (the inbox without its processing times). */
export async function readModelSnapshot(query: Query) {
  return {
    facts: await query('SELECT * FROM case_fact ORDER BY case_id'),
    caseBuckets: await query(
      'SELECT * FROM daily_case_bucket ORDER BY host_country, day, category, consulate_id, host_city, metric',
    ),
    resolutionBuckets: await query(
      'SELECT * FROM daily_resolution_bucket ORDER BY host_country, day, category, consulate_id, host_city, metric',
    ),
    rollup: await query(
      // The maps as jsonb's text, which keeps every number's digits and scale as stored.
      `SELECT dims, category, consulate_id, month, host_country, host_city,
              counts::text AS counts, durations::text AS durations
       FROM report_rollup ORDER BY dims, category, consulate_id, month, host_country, host_city`,
    ),
    state: await query('SELECT last_event_at, events_applied FROM reporting_state'),
    inbox: await query(
      'SELECT consumer_group, event_id, event_type, topic, partition, "offset" FROM inbox_message ORDER BY consumer_group, event_id',
    ),
  };
}
