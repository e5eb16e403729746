/**
 * The bench reads the services' databases directly, as the postgres superuser: latencies from
 * the rows' timestamps, whether every case is assigned, queries per second, and the resets
 * between phases (truncation as in test/support/infra.ts, the directory kept).
 */
import { Client } from 'pg';
import { EventTypes } from '@casebridge/contracts';
import { config, databaseName, Service, SERVICES } from './config';
import { Percentiles, percentiles, perSecond } from './stats';

export function adminUrl(database: string): string {
  const url = new URL(
    process.env.PG_ADMIN_URL ?? `postgres://postgres@${config.pgHost}:${config.pgPort}/postgres`,
  );
  url.pathname = `/${database}`;
  return url.toString();
}

export async function withClient<T>(database: string, fn: (c: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: adminUrl(database), application_name: 'bench' });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Tables a reset keeps: the migration history, assignment's directory, reporting's state row. */
const KEEP = ['typeorm_migrations', 'consulate', 'caseworker', 'reporting_state'];

/**
 * Empties every service database but what KEEP names; caseworkers start with no open cases, the
 * read model's state row with no event applied.
 */
export async function resetDatabases(): Promise<void> {
  for (const service of SERVICES) {
    await withClient(databaseName(service), async (c) => {
      const { rows } = await c.query<{ tablename: string }>(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public'",
      );
      const tables = rows.map((r) => r.tablename).filter((t) => !KEEP.includes(t));
      // A service's transaction may hold one of the tables meanwhile: on a deadlock, again.
      for (let attempt = 1; tables.length; attempt++) {
        try {
          await c.query(`TRUNCATE ${tables.map((t) => `"${t}"`).join(', ')} RESTART IDENTITY`);
          break;
        } catch (error) {
          if ((error as { code?: string }).code !== '40P01' || attempt >= 10) throw error;
          await new Promise((r) => setTimeout(r, 300 * attempt));
        }
      }
      if (service === 'assignment') await c.query('UPDATE caseworker SET open_cases = 0');
      if (service === 'reporting')
        await c.query(
          'UPDATE reporting_state SET last_event_at = NULL, events_applied = 0, updated_at = NULL',
        );
    });
  }
}

const window = (from: number, to: number) => [new Date(from), new Date(to)];

/** Cases submitted in the window and how many of them intake shows as not yet assigned. */
export async function unassigned(
  from: number,
  to: number,
): Promise<{ total: number; open: number }> {
  return withClient(databaseName('intake'), async (c) => {
    const { rows } = await c.query<{ total: string; open: string }>(
      `SELECT count(*) AS total, count(*) FILTER (WHERE status = 'submitted') AS open
       FROM case_file WHERE submitted_at BETWEEN $1 AND $2`,
      window(from, to),
    );
    return { total: Number(rows[0].total), open: Number(rows[0].open) };
  });
}

/** case.submitted events of the window that reporting has not applied yet (counts only: it is polled). */
export async function uncounted(from: number, to: number): Promise<number> {
  const count = async (service: Service, sql: string, params: unknown[]) =>
    withClient(databaseName(service), async (c) =>
      Number((await c.query<{ n: string }>(sql, params)).rows[0].n),
    );
  const submitted = await count(
    'intake',
    'SELECT count(*) AS n FROM outbox_event WHERE event_type = $1 AND created_at BETWEEN $2 AND $3',
    [EventTypes.CaseSubmitted, ...window(from, to)],
  );
  const counted = await count(
    'reporting',
    'SELECT count(*) AS n FROM inbox_message WHERE event_type = $1 AND processed_at >= $2',
    [EventTypes.CaseSubmitted, new Date(from)],
  );
  return Math.max(0, submitted - counted);
}

/** event id → time: outbox_event.created_at or inbox_message.processed_at, from the window on. */
async function eventTimes(
  service: Service,
  table: 'outbox' | 'inbox',
  type: string,
  from: number,
  to: number,
): Promise<Map<string, { at: number; key?: string }>> {
  const sql =
    table === 'outbox'
      ? `SELECT event_id, message_key AS key, created_at AS at FROM outbox_event
         WHERE event_type = $1 AND created_at >= $2 AND created_at <= $3`
      : `SELECT event_id, NULL AS key, processed_at AS at FROM inbox_message
         WHERE event_type = $1 AND processed_at >= $2`;
  const params = table === 'outbox' ? [type, ...window(from, to)] : [type, new Date(from)];
  return withClient(databaseName(service), async (c) => {
    const { rows } = await c.query<{ event_id: string; key: string | null; at: Date }>(sql, params);
    return new Map(rows.map((r) => [r.event_id, { at: r.at.getTime(), key: r.key ?? undefined }]));
  });
}

export interface FlowLatencies {
  /** case_file.submitted_at → intake applied the case's case.assigned (its inbox row). */
  assigned: Percentiles;
  /** intake's outbox row of case.submitted → reporting applied it (its inbox row). */
  counted: Percentiles;
  assignedSeries: { second: number; p50: number | null; p99: number | null; count: number }[];
}

/** Both round trips for the cases submitted in the window (by the services' own timestamps). */
export async function flowLatencies(from: number, to: number): Promise<FlowLatencies> {
  const cases = await withClient(databaseName('intake'), async (c) => {
    const { rows } = await c.query<{ id: string; submitted_at: Date }>(
      'SELECT id, submitted_at FROM case_file WHERE submitted_at BETWEEN $1 AND $2',
      window(from, to),
    );
    return new Map(rows.map((r) => [r.id, r.submitted_at.getTime()]));
  });
  // case.assigned: assignment's outbox names the case (message_key); intake's inbox says when.
  const published = await eventTimes(
    'assignment',
    'outbox',
    EventTypes.CaseAssigned,
    from,
    Date.now(),
  );
  const applied = await eventTimes('intake', 'inbox', EventTypes.CaseAssigned, from, Date.now());
  const firstAssigned = new Map<string, number>();
  for (const [eventId, { key }] of published) {
    const at = applied.get(eventId)?.at;
    if (!key || at === undefined || !cases.has(key)) continue;
    firstAssigned.set(key, Math.min(at, firstAssigned.get(key) ?? Infinity));
  }
  const assigned = [...firstAssigned].map(([id, at]) => ({
    at: cases.get(id)!,
    ms: at - cases.get(id)!,
  }));
  const submitted = await eventTimes('intake', 'outbox', EventTypes.CaseSubmitted, from, to);
  const counted = await eventTimes('reporting', 'inbox', EventTypes.CaseSubmitted, from, to);
  const countedMs: number[] = [];
  for (const [eventId, { at }] of submitted) {
    const done = counted.get(eventId)?.at;
    if (done !== undefined) countedMs.push(done - at);
  }
  return {
    assigned: percentiles(assigned.map((a) => a.ms)),
    counted: percentiles(countedMs),
    assignedSeries: perSecond(assigned, from),
  };
}

/** Transactions committed or rolled back so far, per service database. */
export async function transactionCounts(): Promise<Record<Service, number>> {
  return withClient('postgres', async (c) => {
    const { rows } = await c.query<{ datname: string; n: string }>(
      'SELECT datname, xact_commit + xact_rollback AS n FROM pg_stat_database WHERE datname = ANY($1)',
      [SERVICES.map(databaseName)],
    );
    const counts = {} as Record<Service, number>;
    for (const s of SERVICES)
      counts[s] = Number(rows.find((r) => r.datname === databaseName(s))?.n ?? 0);
    return counts;
  });
}
