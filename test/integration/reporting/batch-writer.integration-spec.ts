import { DataSource } from 'typeorm';
import { EventSources, EventTypes } from '@casebridge/contracts';
import { validateEnvironment } from '@casebridge/common';
import { resetDatabase } from '../../support/infra';
import { eventsOf, random, ScriptedEvent, scriptedHistory } from '../../support/scripted-history';
import { ReportingEnvironment } from '../../../apps/reporting/src/config/reporting.environment';
import { reportingDataSourceOptions } from '../../../apps/reporting/src/database/data-source';
import type { AnyCasebridgeEvent } from '../../../apps/reporting/src/read-model/case-fact';
import {
  LIVE_TABLES,
  ReadModelTables,
  shadowTables,
} from '../../../apps/reporting/src/read-model/read-model-tables';
import { ReadModelWriter } from '../../../apps/reporting/src/read-model/read-model.writer';
import { foldEverything } from '../../../apps/reporting/src/read-model/delta-folder';
import { rollupPackedSelect } from '../../../apps/reporting/src/read-model/rollup';
import {
  createShadowTables,
  dropShadowTables,
} from '../../../apps/reporting/src/rebuild/shadow-tables';

function asEvent(e: ScriptedEvent, i: number): AnyCasebridgeEvent {
  const source =
    e.type === EventTypes.CaseAssigned || e.type === EventTypes.CaseSlaBreached
      ? EventSources.assignment
      : EventSources.intake;
  return {
    id: e.id,
    type: e.type,
    source,
    subject: e.data.caseId,
    // Event times step through the history, so the newest event time is a real check.
    time: new Date(e.at.getTime() + i).toISOString(),
    correlationId: e.id,
    data: e.data,
  } as AnyCasebridgeEvent;
}

/**
 * ReadModelWriter.applyMany (a run of events in a few statements, what the live consumer and the
 * rebuild use) must leave the read model exactly as `apply`, event by event, does.
 */
describe('the read model written in runs equals the read model written event by event', () => {
  let dataSource: DataSource;
  const writer = new ReadModelWriter();
  const shadow = shadowTables();

  beforeAll(async () => {
    await resetDatabase('reporting');
    dataSource = await new DataSource(
      reportingDataSourceOptions(validateEnvironment(ReportingEnvironment, process.env)),
    ).initialize();
    const runner = dataSource.createQueryRunner();
    try {
      await createShadowTables(runner);
    } finally {
      await runner.release();
    }
  });

  afterAll(async () => {
    if (dataSource) {
      const runner = dataSource.createQueryRunner();
      await dropShadowTables(runner).finally(() => runner.release());
      await dataSource.destroy();
    }
  });

  const rows = (tables: ReadModelTables) => ({
    facts: dataSource.query(`SELECT * FROM ${tables.fact} ORDER BY case_id`),
    caseBuckets: dataSource.query(
      `SELECT * FROM ${tables.caseBucket} ORDER BY host_country, day, category, consulate_id, host_city, metric`,
    ),
    resolutionBuckets: dataSource.query(
      `SELECT * FROM ${tables.resolutionBucket} ORDER BY host_country, day, category, consulate_id, host_city, metric`,
    ),
    rollup: dataSource.query(
      // The maps as jsonb's text, which keeps every number's digits and scale as stored.
      `SELECT dims, category, consulate_id, month, host_country, host_city,
              counts::text AS counts, durations::text AS durations
       FROM ${tables.rollup} ORDER BY dims, category, consulate_id, month, host_country, host_city`,
    ),
    state: dataSource.query(`SELECT last_event_at, events_applied FROM ${tables.state}`),
  });
  const snapshot = async (tables: ReadModelTables) => {
    const r = rows(tables);
    return {
      facts: (await r.facts) as unknown[],
      caseBuckets: (await r.caseBuckets) as unknown[],
      resolutionBuckets: (await r.resolutionBuckets) as unknown[],
      rollup: (await r.rollup) as unknown[],
      state: (await r.state) as unknown[],
    };
  };

  it('for 1,500 scripted cases whose events arrive shuffled, in runs of 1 to 400 events', async () => {
    const next = random(7);
    const history = scriptedHistory(7, 1500, new Date('2025-06-01T00:00:00Z'), 400);
    const scripted = history.flatMap((c) => eventsOf(c, next));
    // Any order: each case's events interleaved with other cases' and out of their own order.
    const shuffled = scripted
      .map((e, i) => ({ e: asEvent(e, i), k: next() }))
      .sort((a, b) => a.k - b.k)
      .map((x) => x.e);
    expect(shuffled.length).toBeGreaterThan(6000);

    let t = Date.now();
    for (const event of shuffled)
      await dataSource.transaction((m) => writer.apply(event, m, LIVE_TABLES));
    const oneByOneMs = Date.now() - t;

    t = Date.now();
    const runs: number[] = [];
    for (let i = 0; i < shuffled.length;) {
      const size = 1 + Math.floor(next() * 400);
      const run = shuffled.slice(i, i + size);
      await dataSource.transaction((m) => writer.applyMany(run, m, shadow));
      runs.push(run.length);
      i += size;
    }
    const inRunsMs = Date.now() - t;
    // The runs' entries wait in the delta tables until folded: nothing has reached the
    // aggregates or the state yet.
    const [{ waiting }] = await dataSource.query<{ waiting: string }[]>(
      `SELECT count(*) AS waiting FROM ${LIVE_TABLES.delta}`,
    );
    expect(Number(waiting)).toBe(shuffled.length);
    expect(await dataSource.query(`SELECT * FROM ${LIVE_TABLES.rollup}`)).toEqual([]);
    // Folded in folds of at most 40,000 events (one here) and of 700 (many), each run once.
    expect(await foldEverything(dataSource, LIVE_TABLES, writer)).toBe(shuffled.length);
    for (;;) {
      const folded = await dataSource.transaction((m) =>
        writer.fold(m, shadow, { maxEvents: 700 }),
      );
      if (folded.runs === 0) break;
      expect(folded.events).toBeLessThanOrEqual(700 + 400);
    }
    for (const tables of [LIVE_TABLES, shadow])
      expect(await dataSource.query(`SELECT * FROM ${tables.delta}`)).toEqual([]);
    process.stdout.write(
      `  ${shuffled.length} events: one by one ${Math.round((shuffled.length / oneByOneMs) * 1000)}/s, ` +
        `in ${runs.length} runs ${Math.round((shuffled.length / inRunsMs) * 1000)}/s\n`,
    );
    expect(Math.max(...runs)).toBeGreaterThan(300);

    const live = await snapshot(LIVE_TABLES);
    const batched = await snapshot(shadow);
    expect(live.facts).toHaveLength(1500);
    expect(live.caseBuckets.length).toBeGreaterThan(1000);
    expect(live.resolutionBuckets.length).toBeGreaterThan(0);
    expect(batched.facts).toEqual(live.facts);
    expect(batched.caseBuckets).toEqual(live.caseBuckets);
    expect(batched.resolutionBuckets).toEqual(live.resolutionBuckets);
    expect(live.rollup.length).toBeGreaterThan(live.caseBuckets.length / 4);
    expect(batched.rollup).toEqual(live.rollup);
    // The rollup is the daily buckets summed, projection by projection, nothing more or less.
    const columns = 'host_country, day, category, consulate_id, host_city, metric, value';
    const summed = rollupPackedSelect(
      `(SELECT ${columns} FROM ${LIVE_TABLES.caseBucket}
        UNION ALL SELECT ${columns} FROM ${LIVE_TABLES.resolutionBucket}) AS d`,
    );
    const [difference] = await dataSource.query<{ missing: string; extra: string }[]>(
      // Compared as text (jsonb's own equality would take 1.5 and 1.50 for the same number).
      `WITH s AS (SELECT dims, category, consulate_id, month, host_country, host_city,
                         counts::text AS counts, durations::text AS durations FROM (${summed}) p),
            r AS (SELECT dims, category, consulate_id, month, host_country, host_city,
                         counts::text AS counts, durations::text AS durations FROM ${LIVE_TABLES.rollup})
       SELECT (SELECT count(*) FROM (SELECT * FROM s EXCEPT SELECT * FROM r) m) AS missing,
              (SELECT count(*) FROM (SELECT * FROM r EXCEPT SELECT * FROM s) e) AS extra`,
    );
    expect(difference).toEqual({ missing: '0', extra: '0' });
    expect(batched.state).toEqual(live.state);
    expect(live.state).toEqual([
      {
        events_applied: String(shuffled.length),
        last_event_at: new Date(Math.max(...shuffled.map((e) => Date.parse(e.time)))),
      },
    ]);
  });

  it('applies the whole history of a case in one run as its events one by one', async () => {
    const next = random(11);
    // The case with the longest history of 50 (submitted, assigned, status changes, breaches).
    const [{ script, events }] = scriptedHistory(11, 50, new Date('2025-09-01T00:00:00Z'), 30)
      .map((c) => ({ script: c, events: eventsOf(c, next).map(asEvent) }))
      .sort((a, b) => b.events.length - a.events.length);
    expect(events.length).toBeGreaterThan(4);
    // Every event of the case in one run: merged in memory, one fact update, one bucket delta.
    await dataSource.transaction((m) => writer.applyMany(events, m, shadow));
    await foldEverything(dataSource, shadow, writer);
    const one = (tables: ReadModelTables) =>
      dataSource.query<unknown[]>(`SELECT * FROM ${tables.fact} WHERE case_id = $1`, [
        script.caseId,
      ]);
    for (const event of events)
      await dataSource.transaction((m) => writer.apply(event, m, LIVE_TABLES));
    expect(await one(shadow)).toEqual(await one(LIVE_TABLES));
  });

  it('folds each run exactly once: a rolled-back fold changes nothing, concurrent folders share the runs', async () => {
    const runner = dataSource.createQueryRunner();
    await createShadowTables(runner).finally(() => runner.release());
    const next = random(23);
    const events = scriptedHistory(23, 600, new Date('2025-03-01T00:00:00Z'), 200)
      .flatMap((c) => eventsOf(c, next))
      .map(asEvent);
    for (let i = 0; i < events.length; i += 50)
      await dataSource.transaction((m) => writer.applyMany(events.slice(i, i + 50), m, shadow));
    const runs = Math.ceil(events.length / 50);
    const waiting = async () =>
      Number(
        (await dataSource.query<{ n: string }[]>(`SELECT count(*) AS n FROM ${shadow.delta}`))[0].n,
      );
    expect(await waiting()).toBe(runs);

    // A fold whose transaction fails after its writes (a crash mid-fold) leaves no trace.
    await expect(
      dataSource.transaction(async (m) => {
        const folded = await writer.fold(m, shadow, { maxEvents: 1000 });
        expect(folded.runs).toBeGreaterThan(0);
        throw new Error('crash mid-fold');
      }),
    ).rejects.toThrow('crash mid-fold');
    expect(await waiting()).toBe(runs);
    expect(await dataSource.query(`SELECT * FROM ${shadow.rollup}`)).toEqual([]);

    // A folder that finds another folding is told so and folds nothing.
    const holder = dataSource.createQueryRunner();
    await holder.connect();
    await holder.startTransaction();
    try {
      await writer.fold(holder.manager, shadow, { maxEvents: 100 });
      const busy = await dataSource.transaction((m) => writer.fold(m, shadow));
      expect(busy).toEqual({ runs: 0, events: 0, busy: true });
    } finally {
      await holder.rollbackTransaction();
      await holder.release();
    }

    // Three folders at once, in small folds: every run is folded by exactly one of them.
    const foldAll = async () => {
      let events = 0;
      for (;;) {
        const r = await dataSource.transaction((m) =>
          writer.fold(m, shadow, { maxEvents: 120, wait: true }),
        );
        if (r.runs === 0) return events;
        events += r.events;
      }
    };
    const folded = await Promise.all([foldAll(), foldAll(), foldAll()]);
    expect(folded.reduce((a, b) => a + b, 0)).toBe(events.length);
    expect(await waiting()).toBe(0);
    const [state] = await dataSource.query<{ events_applied: string }[]>(
      `SELECT events_applied FROM ${shadow.state}`,
    );
    expect(Number(state.events_applied)).toBe(events.length);

    // The same events applied and folded at once give the same aggregates.
    const reference = (await snapshot(shadow)).rollup;
    const again = dataSource.createQueryRunner();
    await createShadowTables(again).finally(() => again.release());
    await dataSource.transaction((m) => writer.applyMany(events, m, shadow));
    await foldEverything(dataSource, shadow, writer);
    expect((await snapshot(shadow)).rollup).toEqual(reference);
    expect(reference.length).toBeGreaterThan(100);
  });
});
