import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { CaseFact } from './case-fact';
import { AnyCasebridgeEvent, emptyFact, mergeEvent } from './case-fact';
import { BucketEntry, contributionDelta } from './contributions';
import type { ReadModelTables } from './read-model-tables';
import { ADD_METRICS_FUNCTION, ROLLUP_KEY, rollupDelta } from './rollup';
import { DELTA_CHANNEL, encodeEntries, FOLD_LOCK, FOLD_MAX_EVENTS } from './deltas';
import type { FoldResult } from './deltas';
import { foldRows, timed, timedSync } from './read-model.metrics';

interface CaseFactRow {
  case_id: string;
  host_country: string | null;
  host_city: string | null;
  category: CaseFact['category'];
  priority: CaseFact['priority'];
  priority_version: number;
  risk_indicators: CaseFact['riskIndicators'];
  channel: CaseFact['channel'];
  submitted_at: Date | null;
  amount_claimed: string | null;
  amount_claimed_currency: string | null;
  status: CaseFact['status'];
  status_version: number;
  status_changed_at: Date | null;
  first_assigned_at: Date | null;
  first_action_at: Date | null;
  resolved_at: Date | null;
  resolution_version: number;
  outcome_type: CaseFact['outcomeType'];
  amount_recovered: string | null;
  amount_recovered_currency: string | null;
  consulate_id: string | null;
  caseworker_id: string | null;
  assignment_sequence: number;
  sla_acceptance_breaches: number;
  sla_resolution_breaches: number;
  duplicate_of: string | null;
  last_event_at: Date | null;
}

function money(amount: string | null, currency: string | null): CaseFact['amountClaimed'] {
  return amount !== null && currency !== null ? { amount, currency } : null;
}

function toFact(row: CaseFactRow): CaseFact {
  return {
    caseId: row.case_id,
    hostCountry: row.host_country,
    hostCity: row.host_city,
    category: row.category,
    priority: row.priority,
    priorityVersion: row.priority_version,
    riskIndicators: row.risk_indicators,
    channel: row.channel,
    submittedAt: row.submitted_at,
    amountClaimed: money(row.amount_claimed, row.amount_claimed_currency),
    status: row.status,
    statusVersion: row.status_version,
    statusChangedAt: row.status_changed_at,
    firstAssignedAt: row.first_assigned_at,
    firstActionAt: row.first_action_at,
    resolvedAt: row.resolved_at,
    resolutionVersion: row.resolution_version,
    outcomeType: row.outcome_type,
    amountRecovered: money(row.amount_recovered, row.amount_recovered_currency),
    consulateId: row.consulate_id,
    caseworkerId: row.caseworker_id,
    assignmentSequence: row.assignment_sequence,
    slaAcceptanceBreaches: row.sla_acceptance_breaches,
    slaResolutionBreaches: row.sla_resolution_breaches,
    duplicateOf: row.duplicate_of,
    lastEventAt: row.last_event_at,
  };
}

/**
 * Applies events to the read model inside the caller's transaction (the inbox transaction of
 * the live consumer, or a rebuild's batch): the fact rows and the run's bucket entries (kept in
 * the delta table) change together or not at all; `fold` then adds kept runs to the buckets,
 * the rollup and the state, many runs at a time (deltas.ts).
 */
@Injectable()
export class ReadModelWriter {
  async apply(
    event: AnyCasebridgeEvent,
    manager: EntityManager,
    tables: ReadModelTables,
  ): Promise<void> {
    const caseId = event.data.caseId;
    // Locking the fact row first serialises the events of one case across topics and partitions.
    await manager.query(`INSERT INTO ${tables.fact} (case_id) VALUES ($1) ON CONFLICT DO NOTHING`, [
      caseId,
    ]);
    const [row] = await manager.query<CaseFactRow[]>(
      `SELECT * FROM ${tables.fact} WHERE case_id = $1 FOR UPDATE`,
      [caseId],
    );
    const before = row ? toFact(row) : emptyFact(caseId);
    const after = mergeEvent(before, event);
    await this.saveFacts(manager, tables.fact, [after]);
    await this.record(manager, tables, contributionDelta(before, after), Date.parse(event.time), 1);
  }

  /**
   * Applies fresh events (one partition's, in order) in a handful of statements whatever their
   * number: the facts of their cases are created if new and locked in case-id order, every
   * event is merged in memory in the given order, then the facts are written back in one
   * statement and the buckets changed once by the net difference between each case's fact
   * before and after (bucket values add up, so that equals the sum of the per-event
   * differences). The result is what `apply` gives event by event.
   */
  async applyMany(
    events: readonly AnyCasebridgeEvent[],
    manager: EntityManager,
    tables: ReadModelTables,
  ): Promise<void> {
    if (events.length === 0) return;
    if (events.length === 1) return this.apply(events[0], manager, tables);
    // uuids compare as PostgreSQL returns them: lower case (the lock order is the sorted order).
    const idOf = (e: AnyCasebridgeEvent) => e.data.caseId.toLowerCase();
    const ids = [...new Set(events.map(idOf))].sort();
    const rows = await timed('apply_lock_facts', async () => {
      await manager.query(
        `INSERT INTO ${tables.fact} (case_id)
         SELECT id FROM unnest($1::uuid[]) AS u(id) ORDER BY id ON CONFLICT DO NOTHING`,
        [ids],
      );
      return manager.query<CaseFactRow[]>(
        `SELECT * FROM ${tables.fact} WHERE case_id = ANY($1::uuid[]) ORDER BY case_id FOR UPDATE`,
        [ids],
      );
    });
    const { after, newest, delta } = timedSync('apply_merge', () => {
      const before = new Map(rows.map((row) => [row.case_id.toLowerCase(), toFact(row)]));
      const after = new Map(before);
      let newest = -Infinity;
      for (const event of events) {
        const id = idOf(event);
        after.set(id, mergeEvent(after.get(id) ?? emptyFact(id), event));
        newest = Math.max(newest, Date.parse(event.time));
      }
      const delta = ids.flatMap((id) =>
        contributionDelta(before.get(id) ?? emptyFact(id), after.get(id) ?? emptyFact(id)),
      );
      return { after, newest, delta };
    });
    await timed('apply_save_facts', () =>
      this.saveFacts(manager, tables.fact, [...after.values()]),
    );
    await timed('apply_record_run', () =>
      this.record(manager, tables, delta, newest, events.length),
    );
  }

  /**
   * A run's signed bucket entries, kept as one row of the delta table (a plain insert: no
   * aggregate row is locked or rewritten by the run itself) until ReadModelWriter.fold adds many
   * runs' entries to the buckets, the rollup and the state at once. The commit wakes the folder
   * (NOTIFY is delivered on commit only).
   */
  private async record(
    manager: EntityManager,
    tables: ReadModelTables,
    delta: BucketEntry[],
    newest: number,
    count: number,
  ): Promise<void> {
    await manager.query(
      `WITH d AS (INSERT INTO ${tables.delta} (events, newest, entries) VALUES ($1, $2, $3) RETURNING id)
       SELECT pg_notify($4, $5) FROM d`,
      [count, new Date(newest), encodeEntries(delta), DELTA_CHANNEL, tables.delta],
    );
  }

  /**
   * Folds kept runs into the aggregates, inside the caller's transaction: the oldest runs up to
   * `maxEvents` events (at least one run) are summed together (entries of many runs share
   * days, months and projection keys, so the upserts shrink with every run folded), added to
   * the buckets, the rollup and the state, and deleted, all or nothing. Only one folder of a
   * table set works at a time (a transaction-level advisory lock; `wait` false: return at once
   * as busy when another holds it). Runs of one case are folded in the order they committed,
   * or together, so the aggregates always show whole cases.
   */
  async fold(
    manager: EntityManager,
    tables: ReadModelTables,
    { maxEvents = FOLD_MAX_EVENTS, wait = false }: { maxEvents?: number; wait?: boolean } = {},
  ): Promise<FoldResult> {
    if (wait) {
      await manager.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [
        FOLD_LOCK,
        tables.delta,
      ]);
    } else {
      const [{ locked }] = await manager.query<{ locked: boolean }[]>(
        'SELECT pg_try_advisory_xact_lock($1, hashtext($2)) AS locked',
        [FOLD_LOCK, tables.delta],
      );
      if (!locked) return { runs: 0, events: 0, busy: true };
    }
    const runs = await timed('fold_select_runs', () =>
      manager.query<{ id: string; events: number; newest: Date }[]>(
        `SELECT id, events, newest FROM ${tables.delta}
         WHERE id IN (SELECT id FROM (SELECT id, sum(events) OVER (ORDER BY id) - events AS before
                                      FROM ${tables.delta}) w
                      WHERE before < $1)
         ORDER BY id`,
        [maxEvents],
      ),
    );
    if (runs.length === 0) return { runs: 0, events: 0, busy: false };
    let events = 0;
    let newest = -Infinity;
    for (const run of runs) {
      events += run.events;
      newest = Math.max(newest, run.newest.getTime());
    }
    await this.addToAggregates(
      manager,
      tables,
      runs.map((r) => r.id),
    );
    await timed('fold_state', () =>
      manager.query(
        `INSERT INTO ${tables.state} AS s (id, last_event_at, events_applied, updated_at)
       VALUES (1, $1, $2, clock_timestamp())
       ON CONFLICT (id) DO UPDATE SET
         last_event_at = GREATEST(s.last_event_at, EXCLUDED.last_event_at),
         events_applied = s.events_applied + EXCLUDED.events_applied,
         updated_at = EXCLUDED.updated_at`,
        [new Date(newest), events],
      ),
    );
    await timed('fold_delete_runs', () =>
      manager.query(`DELETE FROM ${tables.delta} WHERE id = ANY($1::bigint[])`, [
        runs.map((r) => r.id),
      ]),
    );
    return { runs: runs.length, events, busy: false };
  }

  /** Several facts written back in one statement (their rows are locked by the caller). */
  private async saveFacts(manager: EntityManager, table: string, facts: CaseFact[]): Promise<void> {
    const rows = facts.map((f) => ({
      case_id: f.caseId,
      host_country: f.hostCountry,
      host_city: f.hostCity,
      category: f.category,
      priority: f.priority,
      priority_version: f.priorityVersion,
      risk_indicators: f.riskIndicators,
      channel: f.channel,
      submitted_at: f.submittedAt,
      amount_claimed: f.amountClaimed?.amount ?? null,
      amount_claimed_currency: f.amountClaimed?.currency ?? null,
      status: f.status,
      status_version: f.statusVersion,
      status_changed_at: f.statusChangedAt,
      first_assigned_at: f.firstAssignedAt,
      first_action_at: f.firstActionAt,
      resolved_at: f.resolvedAt,
      resolution_version: f.resolutionVersion,
      outcome_type: f.outcomeType,
      amount_recovered: f.amountRecovered?.amount ?? null,
      amount_recovered_currency: f.amountRecovered?.currency ?? null,
      consulate_id: f.consulateId,
      caseworker_id: f.caseworkerId,
      assignment_sequence: f.assignmentSequence,
      sla_acceptance_breaches: f.slaAcceptanceBreaches,
      sla_resolution_breaches: f.slaResolutionBreaches,
      duplicate_of: f.duplicateOf,
      last_event_at: f.lastEventAt,
    }));
    await manager.query(
      `UPDATE ${table} AS f SET
         host_country = d.host_country, host_city = d.host_city, category = d.category,
         priority = d.priority, priority_version = d.priority_version,
         risk_indicators = d.risk_indicators, channel = d.channel,
         submitted_at = d.submitted_at, amount_claimed = d.amount_claimed,
         amount_claimed_currency = d.amount_claimed_currency, status = d.status,
         status_version = d.status_version, status_changed_at = d.status_changed_at,
         first_assigned_at = d.first_assigned_at, first_action_at = d.first_action_at,
         resolved_at = d.resolved_at, resolution_version = d.resolution_version,
         outcome_type = d.outcome_type, amount_recovered = d.amount_recovered,
         amount_recovered_currency = d.amount_recovered_currency, consulate_id = d.consulate_id,
         caseworker_id = d.caseworker_id, assignment_sequence = d.assignment_sequence,
         sla_acceptance_breaches = d.sla_acceptance_breaches,
         sla_resolution_breaches = d.sla_resolution_breaches, duplicate_of = d.duplicate_of,
         last_event_at = d.last_event_at
       FROM jsonb_to_recordset($1::jsonb) AS d(
         case_id uuid, host_country text, host_city text, category text, priority text,
         priority_version integer, risk_indicators text[], channel text,
         submitted_at timestamptz, amount_claimed numeric, amount_claimed_currency text,
         status text, status_version integer,
         status_changed_at timestamptz, first_assigned_at timestamptz,
         first_action_at timestamptz, resolved_at timestamptz, resolution_version integer,
         outcome_type text, amount_recovered numeric, amount_recovered_currency text,
         consulate_id text, caseworker_id text, assignment_sequence integer,
         sla_acceptance_breaches integer, sla_resolution_breaches integer, duplicate_of uuid,
         last_event_at timestamptz)
       WHERE f.case_id = d.case_id`,
      [JSON.stringify(rows)],
    );
  }

  /**
   * Adds the entries of the runs `ids` to the aggregates, each table's keys in sorted order (only
   * a fold writes them, under the folders' lock). PostgreSQL reads the runs' entries itself
   * (deltas.ts keeps them as JSON): one statement sums them per bucket key and upserts both
   * bucket tables, and returns the keys it brought to zero and the entries summed per day and
   * finest rollup key (a row per key, its metrics packed as JSON), which Node fans out to the
   * rollup's projections a host country at a time (rollupDelta). Entries never pass through Node
   * one by one, so a fold's memory follows its distinct keys, not its events, and what it holds
   * at once beyond those keys' text is one country's projections. Rows that fall to zero are
   * deleted, so the tables hold exactly what a rebuild from the log would produce.
   */
  private async addToAggregates(
    manager: EntityManager,
    tables: ReadModelTables,
    ids: string[],
  ): Promise<void> {
    const key = BUCKET_KEY.join(', ');
    const upsert = (table: string, kind: number) =>
      `INSERT INTO ${table} AS t (${key}, value)
         SELECT ${key}, sum(value) FROM e WHERE kind = ${kind}
         GROUP BY ${key} HAVING sum(value) <> 0 ORDER BY ${key}
         ON CONFLICT (${key}) DO UPDATE SET value = t.value + EXCLUDED.value
         RETURNING ${key}, value`;
    const out = `host_country, day::text AS day, category, consulate_id, host_city, metric`;
    const rows = await timed('fold_buckets', () =>
      manager.query<FoldedRow[]>(
        `WITH e AS MATERIALIZED (
           SELECT (x ->> 0)::smallint AS kind, x ->> 1 AS host_country, (x ->> 2)::date AS day,
                  x ->> 3 AS category, x ->> 4 AS consulate_id, x ->> 5 AS host_city,
                  x ->> 6 AS metric, (x ->> 7)::numeric AS value
           FROM ${tables.delta} AS d CROSS JOIN LATERAL jsonb_array_elements(d.entries::jsonb) AS x
           WHERE d.id = ANY($1::bigint[])),
         c AS (${upsert(tables.caseBucket, 0)}),
         r AS (${upsert(tables.resolutionBucket, 1)})
         SELECT 'zero_case' AS row, ${out}, NULL AS value FROM c WHERE value = 0
         UNION ALL SELECT 'zero_resolution', ${out}, NULL FROM r WHERE value = 0
         UNION ALL SELECT 'entries', NULL, NULL, NULL, NULL, NULL, NULL, count(*)::text FROM e
         UNION ALL
         SELECT 'finest', f.host_country, f.day, f.category, f.consulate_id, f.host_city, NULL,
                jsonb_object_agg(f.metric, f.value)::text
         FROM (SELECT host_country, day::text AS day, category, consulate_id, host_city, metric,
                      sum(value)::text AS value
               FROM e GROUP BY 1, 2, 3, 4, 5, 6 HAVING sum(value) <> 0) AS f
         GROUP BY f.host_country, f.day, f.category, f.consulate_id, f.host_city`,
        [ids],
      ),
    );
    const zeros = { zero_case: [] as FoldedRow[], zero_resolution: [] as FoldedRow[] };
    // The finest sums by host country, still as the statement's text: parsed a country at a time.
    const finest = new Map<string, FoldedRow[]>();
    for (const row of rows) {
      if (row.row === 'entries') foldRows.inc({ table: 'entries' }, Number(row.value));
      else if (row.row === 'finest') {
        const of = finest.get(row.host_country);
        if (of) of.push(row);
        else finest.set(row.host_country, [row]);
      } else zeros[row.row].push(row);
    }
    // The result no longer holds the rows: each country's are freed once they are folded.
    rows.length = 0;
    await timed('fold_zero_buckets', async () => {
      await this.deleteRows(manager, tables.caseBucket, BUCKET_KEY, zeros.zero_case, 't.value = 0');
      await this.deleteRows(
        manager,
        tables.resolutionBucket,
        BUCKET_KEY,
        zeros.zero_resolution,
        't.value = 0',
      );
    });
    for (const [country, of] of finest) {
      // Dropped before the next country's are parsed: a fold holds one country's projections.
      finest.delete(country);
      await this.addToRollup(manager, tables.rollup, of);
    }
  }

  /**
   * The rollup's share of one host country's finest sums: one packed row per projection key they
   * reach, upserted in key order; the maps are added key-wise in SQL (a map left unchanged is
   * not rewritten), each row's `written_at` set anew (the reports' RollupRowCache names a row
   * version by it), and the rows whose maps both end up empty are deleted.
   */
  private async addToRollup(
    manager: EntityManager,
    table: string,
    finest: readonly FoldedRow[],
  ): Promise<void> {
    const rows = timedSync('fold_rollup_sum', () =>
      rollupDelta(
        finest.map((f) => ({
          hostCountry: f.host_country,
          day: f.day,
          category: f.category,
          consulateId: f.consulate_id,
          hostCity: f.host_city,
          sums: JSON.parse(f.value as string) as Record<string, string>,
        })),
      ),
    );
    if (rows.length === 0) return;
    foldRows.inc({ table: 'rollup' }, rows.length);
    const columns = ROLLUP_KEY.join(', ');
    const add = (column: string) =>
      `${column} = CASE WHEN EXCLUDED.${column} = '{}'::jsonb THEN t.${column}
                    ELSE ${ADD_METRICS_FUNCTION}(t.${column}, EXCLUDED.${column}) END`;
    const empty = await timed('fold_rollup_upsert', () =>
      manager.query<Record<string, unknown>[]>(
        `WITH up AS (
         INSERT INTO ${table} AS t (${columns}, counts, durations)
         SELECT ${columns}, counts, durations
         FROM unnest($1::smallint[], $2::text[], $3::text[], $4::date[], $5::text[], $6::text[],
                     $7::jsonb[], $8::jsonb[]) WITH ORDINALITY
           AS d(${columns}, counts, durations, i)
         ORDER BY i
         ON CONFLICT (${columns}) DO UPDATE SET ${add('counts')}, ${add('durations')},
           written_at = clock_timestamp()
         RETURNING ${columns}, counts = '{}'::jsonb AND durations = '{}'::jsonb AS empty)
       SELECT ${ROLLUP_KEY.map((c) => `${c}::text AS ${c}`).join(', ')} FROM up WHERE empty`,
        [
          rows.map((r) => r.dims),
          rows.map((r) => r.category),
          rows.map((r) => r.consulateId),
          rows.map((r) => r.month),
          rows.map((r) => r.hostCountry),
          rows.map((r) => r.hostCity),
          rows.map((r) => r.counts),
          rows.map((r) => r.durations),
        ],
      ),
    );
    await timed('fold_zero_rollup', () =>
      this.deleteRows(
        manager,
        table,
        ROLLUP_KEY,
        empty,
        "t.counts = '{}'::jsonb AND t.durations = '{}'::jsonb",
      ),
    );
  }

  /** Deletes the rows of `table` with the given keys that still satisfy `stillEmpty`. */
  private async deleteRows(
    manager: EntityManager,
    table: string,
    key: readonly string[],
    rows: readonly Record<string, unknown>[],
    stillEmpty: string,
  ): Promise<void> {
    if (rows.length === 0) return;
    const columns = key.join(', ');
    const types = key.map((c) => KEY_TYPES[c] ?? 'text');
    await manager.query(
      `DELETE FROM ${table} t USING unnest(${types.map((type, i) => `$${i + 1}::${type}[]`).join(', ')})
         AS z(${columns})
       WHERE ${key.map((c) => `t.${c} = z.${c}`).join(' AND ')} AND ${stillEmpty}`,
      key.map((c) => rows.map((z) => z[c])),
    );
  }
}

const BUCKET_KEY = [
  'host_country',
  'day',
  'category',
  'consulate_id',
  'host_city',
  'metric',
] as const;

/** A row of the fold's bucket statement (addToAggregates); a type, so that it is a record. */
type FoldedRow = {
  row: 'zero_case' | 'zero_resolution' | 'entries' | 'finest';
  host_country: string;
  /** The bucket's day (zero rows) or the finest key's (finest). */
  day: string;
  category: string;
  consulate_id: string;
  host_city: string;
  /** The zero rows: the bucket's metric; entries and finest: null. */
  metric: string | null;
  /** The zero rows: null; entries: the count; finest: metric → sum, as a JSON object's text. */
  value: string | null;
};

const KEY_TYPES: Record<string, string> = { day: 'date', month: 'date', dims: 'smallint' };
