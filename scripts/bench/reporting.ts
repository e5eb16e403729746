/**
 * The reporting benchmark (entry: reporting-main.ts). Writes `--cases N` synthetic but valid case
 * histories (every lifecycle path to every end state, six host countries, every category, claims
 * and recoveries in several currencies, submissions spread over five years) onto the event
 * topics with the project's own producer, then measures:
 * - the floor under ingest (ingest-floor.ts): PostgreSQL alone committing the inbox rows and fact
 *   updates of runs like the consumer's, the baseline live ingest is a share of;
 * - live ingest: reporting started on that backlog, events/s until its read model counts them all;
 * - every report route (JSON and CSV, each filter alone and all together, every country's
 *   detail, the dashboard's calls), `--repeat` timed calls each after two warm-ups;
 * - `npm run reporting:rebuild` on the same topics, events/s;
 * - reporting's RSS throughout.
 * Prints one table and one `BENCH_REPORTING_RESULT {…}` line; writes docs/bench/reporting-latest.{json,md}
 * and the table between the bench-reporting markers of docs/performance.md (BENCH_UPDATE_DOC=0: not).
 */
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Message } from 'kafkajs';
import { DEV_JWT_SECRET, kafkaAdminConnection } from '@casebridge/common';
import { EVENT_TOPIC_OF, EventSources, EventTypes } from '@casebridge/contracts';
import { buildHeaders, createKafka, KafkaProducer } from '@casebridge/messaging';
import {
  COUNTRIES,
  eventsOf,
  PATHS,
  random,
  ScriptedEvent,
  scriptedHistory,
} from '../../test/support/scripted-history';
import { signToken } from './cases';
import { config, databaseName, kafkaBrokers, REPO_ROOT, say, serviceUrl, sleep } from './config';
import { resetDatabases, withClient } from './db';
import {
  benchEnv,
  infraDown,
  infraUp,
  rssMb,
  ServiceProcess,
  startService,
  runBench,
  track,
} from './processes';
import { IngestFloor, measureIngestFloor } from './ingest-floor';
import { gitCommit, writeIntoPerformanceDoc, writePretty } from './output';
import { Percentiles, percentiles } from './stats';

const { values: args } = parseArgs({
  options: {
    cases: { type: 'string', default: '100000' },
    repeat: { type: 'string', default: '20' },
  },
});
const CASES = Number(args.cases);
const REPEAT = Number(args.repeat);
if (!Number.isInteger(CASES) || CASES < 1) throw new Error('--cases must be a whole number ≥ 1');
if (!Number.isInteger(REPEAT) || REPEAT < 1) throw new Error('--repeat must be a whole number ≥ 1');

/** Cases generated (and their events produced) per step: bounded memory at any --cases. */
const CHUNK_CASES = 5000;
const HISTORY_START = new Date('2022-01-01T00:00:00Z');
const HISTORY_DAYS = 5 * 365;
const PRODUCE_BATCH = 4000;
/** The seed of the first case the route timings apply (the histories' seeds are 10,000 + chunk). */
const FIRST_TIMING_SEED = 900_000;
const outputDir = process.env.BENCH_OUTPUT_DIR ?? join(config.docsDir, 'bench');

interface RouteTiming {
  route: string;
  status: number;
  bytes: number;
  /** Each call after one more case was applied: read and suppressed anew (timeRoutes). */
  ms: Percentiles;
  /** The same question asked again at the same version: the kept answer. */
  repeatedMs: Percentiles;
  /**
   * The route's first call (not in `ms`): no answer kept, and the rows no earlier route read are
   * read and parsed.
   */
  firstMs: number;
}

interface StepTime {
  step: string;
  seconds: number;
  calls: number;
}

interface ReportingBenchResult {
  date: string;
  commit: string;
  machine: { cpus: number; memoryGiB: number };
  cases: number;
  events: number;
  produce: { seconds: number; eventsPerSecond: number };
  /** The baseline this run measured before ingest (ingest-floor.ts). */
  floor: IngestFloor;
  ingest: { seconds: number; eventsPerSecond: number };
  routes: RouteTiming[];
  rebuild: { seconds: number; eventsPerSecond: number } | null;
  rssMaxMb: number | null;
  /** Where live ingest spent its time: reporting's casebridge_read_model_step_duration_seconds. */
  ingestProfile: StepTime[];
  read: { bucketRows: number; rollupRows: number; factRows: number };
}

const rate = (n: number, seconds: number) => Math.round(n / Math.max(seconds, 0.001));
const eta = (done: number, total: number, startedAt: number) => {
  if (done === 0) return '–';
  const left = ((Date.now() - startedAt) / done) * (total - done);
  return `${Math.round(left / 1000)} s`;
};

/** Scripted events as the services would publish them, by topic, in order. */
function messagesByTopic(scripted: readonly ScriptedEvent[]): Map<string, Message[]> {
  const byTopic = new Map<string, Message[]>();
  for (const e of scripted) {
    const source =
      e.type === EventTypes.CaseAssigned || e.type === EventTypes.CaseSlaBreached
        ? EventSources.assignment
        : EventSources.intake;
    const topic = EVENT_TOPIC_OF[e.type];
    const messages = byTopic.get(topic) ?? [];
    messages.push({
      key: e.data.caseId,
      value: JSON.stringify(e.data),
      headers: buildHeaders(e.id, e.type, source, e.data.caseId, {
        correlationId: e.id,
        time: e.at,
      }),
    });
    byTopic.set(topic, messages);
  }
  return byTopic;
}

function benchProducer(): KafkaProducer {
  return new KafkaProducer(
    createKafka(
      'casebridge-bench-reporting',
      kafkaAdminConnection({ ...process.env, KAFKA_BROKERS: kafkaBrokers() }),
    ),
  );
}

/** Writes the histories onto the topics; returns how many events. */
async function produceHistories(): Promise<{ events: number; seconds: number }> {
  const producer = benchProducer();
  const started = Date.now();
  let events = 0;
  let lastSay = 0;
  const chunks = Math.ceil(CASES / CHUNK_CASES);
  for (let chunk = 0; chunk < chunks; chunk++) {
    const count = Math.min(CHUNK_CASES, CASES - chunk * CHUNK_CASES);
    const next = random(10_000 + chunk);
    // Each chunk's cases are submitted in its own slice of the five years, so the topics hold
    // the years in order, as a real backlog does (its events are appended as they happen);
    // within a chunk, events go in time order.
    const days = HISTORY_DAYS / chunks;
    const from = new Date(HISTORY_START.getTime() + chunk * days * 86_400_000);
    const scripted = scriptedHistory(10_000 + chunk, count, from, days)
      .flatMap((c) => eventsOf(c, next))
      .sort((a, b) => a.at.getTime() - b.at.getTime());
    for (const [topic, messages] of messagesByTopic(scripted)) {
      for (let i = 0; i < messages.length; i += PRODUCE_BATCH) {
        await producer.sendBatch([{ topic, messages: messages.slice(i, i + PRODUCE_BATCH) }]);
      }
    }
    events += scripted.length;
    const done = chunk * CHUNK_CASES + count;
    if (Date.now() - lastSay > 2000 || done === CASES) {
      lastSay = Date.now();
      const seconds = (Date.now() - started) / 1000;
      say(
        `  produced ${done} of ${CASES} cases (${events} events, ${rate(events, seconds)} events/s), about ${eta(done, CASES, started)} left`,
      );
    }
  }
  await producer.onApplicationShutdown();
  return { events, seconds: (Date.now() - started) / 1000 };
}

function pct(part: number, whole: number): string {
  return `${Math.round((100 * part) / whole)} %`;
}

async function eventsApplied(): Promise<number> {
  return withClient(databaseName('reporting'), async (c) =>
    Number(
      (await c.query<{ n: string }>('SELECT events_applied AS n FROM reporting_state')).rows[0]
        ?.n ?? 0,
    ),
  );
}

async function readModelSize(): Promise<ReportingBenchResult['read']> {
  return withClient(databaseName('reporting'), async (c) => {
    const { rows } = await c.query<{ buckets: string; rollup: string; facts: string }>(
      `SELECT (SELECT count(*) FROM daily_case_bucket) + (SELECT count(*) FROM daily_resolution_bucket) AS buckets,
              (SELECT count(*) FROM report_rollup) AS rollup,
              (SELECT count(*) FROM case_fact) AS facts`,
    );
    return {
      bucketRows: Number(rows[0].buckets),
      rollupRows: Number(rows[0].rollup),
      factRows: Number(rows[0].facts),
    };
  });
}

async function waitForIngest(total: number): Promise<number> {
  const started = Date.now();
  let lastSay = 0;
  for (;;) {
    const applied = await eventsApplied();
    if (applied >= total) return (Date.now() - started) / 1000;
    if (Date.now() - lastSay > 2000) {
      lastSay = Date.now();
      const seconds = (Date.now() - started) / 1000;
      say(
        `  reporting applied ${applied} of ${total} events (${rate(applied, seconds)} events/s), about ${eta(applied, total, started)} left`,
      );
    }
    await sleep(250);
  }
}

/** The sums and counts of reporting's step histogram, slowest first. */
async function ingestProfile(): Promise<StepTime[]> {
  const text = await (await fetch(`${serviceUrl('reporting')}/metrics`)).text();
  const steps = new Map<string, StepTime>();
  const line =
    /^casebridge_read_model_step_duration_seconds_(sum|count)\{[^}]*step="([a-z_]+)"[^}]*\} (\S+)$/gm;
  for (const [, kind, step, value] of text.matchAll(line)) {
    const entry = steps.get(step) ?? { step, seconds: 0, calls: 0 };
    if (kind === 'sum') entry.seconds = Math.round(Number(value) * 10) / 10;
    else entry.calls = Number(value);
    steps.set(step, entry);
  }
  return [...steps.values()].sort((a, b) => b.seconds - a.seconds);
}

/** Every route and filter combination the API allows, as the dashboard and a CSV user call them. */
function routes(): { route: string; accept: string }[] {
  const filters = [
    '',
    '?from=2024-01-01&to=2024-12-31',
    '?from=2024-03-15&to=2024-11-10',
    '?category=unpaid_wages',
    '?consulateId=RU-MOW',
    '?from=2024-01-01&to=2024-12-31&category=unpaid_wages&consulateId=RU-MOW',
    // Partial months by every dimension: a country's cities read the daily buckets there.
    '?from=2024-03-15&to=2024-11-10&category=unpaid_wages&consulateId=RU-MOW',
  ];
  const list = '/v1/reports/host-countries';
  const out: { route: string; accept: string }[] = [];
  for (const f of filters) {
    out.push({ route: `${list}${f}`, accept: 'application/json' });
    out.push({ route: `${list}${f}`, accept: 'text/csv' });
  }
  for (const code of ['RU', 'KZ', 'KR', 'TR', 'DE', 'PL'])
    out.push({ route: `${list}/${code}`, accept: 'application/json' });
  for (const f of filters.slice(1))
    out.push({ route: `${list}/RU${f}`, accept: 'application/json' });
  return out;
}

async function timeRoutes(): Promise<RouteTiming[]> {
  const token = signToken(process.env.AUTH_JWT_SECRET ?? DEV_JWT_SECRET, 'bench-manager', [
    'manager',
  ]);
  const base = serviceUrl('reporting');
  const out: RouteTiming[] = [];
  const producer = benchProducer();
  let applied = await eventsApplied();
  let seed = FIRST_TIMING_SEED;
  // Reporting keeps each published answer until the model's version moves, and each rollup row
  // it parsed until a fold rewrites it (rollup-row-cache.ts). Before each timed call one more
  // case (its whole history, submitted on a random day of the five years, as late events of an
  // old case or a new one arrive; countries and lifecycle paths in turn) is produced and
  // applied: the version moves and the rows that case changes (its all-time, month and day
  // rows, of every projection) are read and parsed anew, the others are not. That is what the
  // first manager after each applied run waits for. The first of the two calls before the
  // timed ones also reads and parses the rows no earlier route read (reported as firstMs).
  const applyOneCase = async () => {
    const next = random(seed);
    const day = Math.floor(next() * HISTORY_DAYS);
    const from = new Date(HISTORY_START.getTime() + day * 86_400_000);
    // The scripts cycle through every country and lifecycle path: case k of a history is the
    // k-th pair, so consecutive calls apply cases of every country, path and end state.
    const pairs = COUNTRIES.length * PATHS.length;
    const history = scriptedHistory(seed, pairs, from, 1);
    const events = eventsOf(history[(seed - FIRST_TIMING_SEED) % pairs], next);
    seed += 1;
    for (const [topic, messages] of messagesByTopic(events)) {
      await producer.sendBatch([{ topic, messages }]);
    }
    applied += events.length;
    const deadline = Date.now() + 60_000;
    while ((await eventsApplied()) < applied) {
      if (Date.now() > deadline) throw new Error('reporting did not apply a case within 60 s');
      await sleep(20);
    }
  };
  const call = async (route: string, accept: string) => {
    const t = performance.now();
    const res = await fetch(`${base}${route}`, {
      headers: { authorization: `Bearer ${token}`, accept },
    });
    const body = await res.arrayBuffer();
    return { ms: performance.now() - t, status: res.status, bytes: body.byteLength };
  };
  for (const { route, accept } of routes()) {
    const fresh: number[] = [];
    const repeated: number[] = [];
    let last = { ms: 0, status: 0, bytes: 0 };
    let first = 0;
    for (let i = 0; i < REPEAT + 2; i++) {
      await applyOneCase();
      last = await call(route, accept);
      if (i === 0) first = last.ms;
      if (i >= 2) fresh.push(last.ms);
    }
    for (let i = 0; i < REPEAT; i++) repeated.push((await call(route, accept)).ms);
    const timing = {
      route: `${route}${accept === 'text/csv' ? ' (CSV)' : ''}`,
      status: last.status,
      bytes: last.bytes,
      ms: percentiles(fresh),
      repeatedMs: percentiles(repeated),
      firstMs: Math.round(first * 10) / 10,
    };
    out.push(timing);
    say(
      `  ${timing.route}: ${timing.status}, p50 ${timing.ms.p50} ms, p95 ${timing.ms.p95} ms (asked again: p50 ${timing.repeatedMs.p50} ms; first call ${timing.firstMs} ms)`,
    );
  }
  await producer.onApplicationShutdown();
  return out;
}

async function rebuild(total: number): Promise<{ seconds: number; eventsPerSecond: number }> {
  const started = Date.now();
  await new Promise<void>((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [join(config.servicesDir, 'dist', 'apps', 'reporting', 'src', 'rebuild', 'main.js')],
      { cwd: config.servicesDir, env: benchEnv(), stdio: ['ignore', 'pipe', 'pipe'] },
    );
    track(child);
    const relay = (chunk: Buffer) => {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean))
        process.stdout.write(`    ${line}\n`);
    };
    child.stdout.on('data', relay);
    child.stderr.on('data', relay);
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`reporting:rebuild exited with ${code}`)),
    );
  });
  const seconds = (Date.now() - started) / 1000;
  return { seconds, eventsPerSecond: rate(total, seconds) };
}

function markdown(r: ReportingBenchResult): string {
  const worst = Math.max(...r.routes.map((t) => t.ms.p95 ?? 0));
  const lines = [
    `Run of ${r.date}, commit \`${r.commit}\`, ${r.machine.cpus} cores, ${r.machine.memoryGiB} GiB: ${r.cases.toLocaleString('en')} cases, ${r.events.toLocaleString('en')} events; read model ${r.read.factRows.toLocaleString('en')} facts, ${r.read.bucketRows.toLocaleString('en')} daily bucket rows, ${r.read.rollupRows.toLocaleString('en')} rollup rows.`,
    '',
    '| figure (issue 13, point 4) | measured | target |',
    '| --- | ---: | ---: |',
    `| live ingest (reporting started on the backlog) | ${r.ingest.eventsPerSecond.toLocaleString('en')} events/s (${Math.round(r.ingest.seconds)} s) | ≥ 20,000 events/s |`,
    `| the floor under it, this run (PostgreSQL alone: inbox rows and ${r.floor.casesPerRun} fact updates per run of 2,000 events) | ${r.floor.eventsPerSecond.toLocaleString('en')} events/s | – |`,
    `| live ingest ÷ the floor | ${(r.ingest.eventsPerSecond / r.floor.eventsPerSecond).toFixed(2)}× | – |`,
    `| rebuild (\`npm run reporting:rebuild\`) | ${r.rebuild ? `${r.rebuild.eventsPerSecond.toLocaleString('en')} events/s (${Math.round(r.rebuild.seconds)} s)` : '–'} | ≥ 20,000 events/s |`,
    `| rebuild ÷ the floor | ${r.rebuild ? `${(r.rebuild.eventsPerSecond / r.floor.eventsPerSecond).toFixed(2)}×` : '–'} | – |`,
    `| slowest report route, p95 | ${worst} ms | ≤ 20 ms |`,
    `| reporting RSS, max | ${r.rssMaxMb ?? '–'} MB | ≤ 300 MB |`,
    `| producing the histories (the bench's own producer) | ${r.produce.eventsPerSecond.toLocaleString('en')} events/s | – |`,
    '',
    `Where ingest spent its time (reporting's \`casebridge_read_model_step_duration_seconds\`; steps of the consumer and of the folder overlap, \`fold\` is a whole fold with its commit): ${r.ingestProfile.map((p) => `${p.step} ${p.seconds} s`).join(', ')}.`,
    '',
    `Each route is called ${REPEAT} times, each time after one more case was produced and applied (the version moves; the answer is read and suppressed anew, from the rows that case rewrote read again and the others' parsed rows kept: p50, p95, max), then ${REPEAT} times at the same version (the kept answer: "again"). "First call": the route's first, untimed call after the routes before it (no answer kept; the rows no earlier route read are read and parsed).`,
    '',
    `| route | status | bytes | p50 | p95 | max | again p50 | first call |`,
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...r.routes.map(
      (t) =>
        `| \`${t.route}\` | ${t.status} | ${t.bytes} | ${t.ms.p50} ms | ${t.ms.p95} ms | ${t.ms.max} ms | ${t.repeatedMs.p50} ms | ${t.firstMs} ms |`,
    ),
  ];
  return lines.join('\n');
}

async function write(result: ReportingBenchResult): Promise<void> {
  mkdirSync(outputDir, { recursive: true });
  const table = markdown(result);
  process.stdout.write(`\n${table}\n\n`);
  await writePretty(join(outputDir, 'reporting-latest.json'), JSON.stringify(result));
  await writePretty(join(outputDir, 'reporting-latest.md'), `${table}\n`);
  await writeIntoPerformanceDoc('bench-reporting', table);
  process.stdout.write(`BENCH_REPORTING_RESULT ${JSON.stringify(result)}\n`);
}

async function main(): Promise<void> {
  say(
    `Reporting bench: ${CASES} cases, broker on port ${config.kafkaPort}, databases *${config.databaseSuffix}`,
  );
  await infraUp();
  await resetDatabases();

  say('Phase 1: writing the histories onto the topics');
  const produced = await produceHistories();

  say('Phase 2: the floor under ingest (PostgreSQL alone, the writes exactly-once needs)');
  const floor = await measureIngestFloor(CASES, produced.events / CASES);
  say(`  floor: ${floor.eventsPerSecond} events/s (${floor.runs} runs in ${floor.seconds} s)`);

  say('Phase 3: live ingest (reporting started on the backlog)');
  let rssMax: number | null = null;
  const service: ServiceProcess = await startService('reporting');
  const rssTimer = setInterval(() => {
    const mb = rssMb(service.child.pid);
    if (mb !== null) rssMax = Math.max(rssMax ?? 0, mb);
  }, 500);
  const ingestSeconds = await waitForIngest(produced.events);
  const size = await readModelSize();
  say(
    `  ingest: ${produced.events} events in ${ingestSeconds.toFixed(1)} s (${rate(produced.events, ingestSeconds)} events/s, ${(rate(produced.events, ingestSeconds) / floor.eventsPerSecond).toFixed(2)}× the floor)`,
  );
  const profile = await ingestProfile();
  for (const p of profile)
    say(
      `    ${p.step}: ${p.seconds} s in ${p.calls} calls (${pct(p.seconds, ingestSeconds)} of ingest)`,
    );

  // A backlog leaves the rollup's updated rows behind as dead tuples until autovacuum (a minute
  // or so later) clears them; the reports are timed in that steady state, not during the cleanup.
  say('  VACUUM ANALYZE of the read model (what autovacuum does shortly after a bulk load)');
  await withClient(databaseName('reporting'), (c) => c.query('VACUUM ANALYZE'));

  say(`Phase 4: report routes, ${REPEAT} calls each`);
  const timings = await timeRoutes();

  say('Phase 5: npm run reporting:rebuild');
  let rebuilt: ReportingBenchResult['rebuild'] = null;
  try {
    // The topics hold the histories and the cases the route timings added.
    rebuilt = await rebuild(await eventsApplied());
    say(`  rebuild: ${rebuilt.seconds.toFixed(1)} s (${rebuilt.eventsPerSecond} events/s)`);
  } catch (error) {
    say(`  rebuild failed: ${(error as Error).message}`);
  }
  clearInterval(rssTimer);

  await service.stop();
  await infraDown();
  await write({
    date: new Date().toISOString().slice(0, 16).replace('T', ' ') + ' UTC',
    commit: gitCommit(REPO_ROOT),
    machine: { cpus: cpus().length, memoryGiB: Math.round(totalmem() / 2 ** 30) },
    cases: CASES,
    events: produced.events,
    produce: {
      seconds: Math.round(produced.seconds * 10) / 10,
      eventsPerSecond: rate(produced.events, produced.seconds),
    },
    floor,
    ingest: {
      seconds: Math.round(ingestSeconds * 10) / 10,
      eventsPerSecond: rate(produced.events, ingestSeconds),
    },
    routes: timings,
    rebuild: rebuilt,
    rssMaxMb: rssMax,
    ingestProfile: profile,
    read: size,
  });
}

runBench(main);
