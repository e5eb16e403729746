/**
 * `npm run bench`: throughput and latency of Casebridge as ratios to a bare baseline, in one run.
 * Brings up PostgreSQL (bench databases `*_bench`), a broker of its own and the three services
 * on ports 3101–3103, then measures: the baseline server (node:http + pg) and pgbench doing
 * intake's transaction; intake alone; the whole system closed-loop and open-loop at fixed rates;
 * idle queries per second; RSS. Writes a table to docs/performance.md, docs/bench/latest.json
 * (also printed as one `BENCH_RESULT ` line), docs/bench/latency.svg and, with BENCH_PROFILE=1,
 * docs/bench/profile-<service>.md. Stops everything it started, also on Ctrl-C.
 * BENCH_EXTERNAL=1 (+ INTAKE_URL, REPORTING_URL, KAFKA_BROKERS) measures a running system instead.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { DEV_JWT_SECRET } from '@casebridge/common';
import { createBaselineDatabase, runPgbench, startBaselineServer } from './baseline';
import { CaseFactory } from './cases';
import { latencyChart } from './chart';
import {
  config,
  databaseName,
  REPO_ROOT,
  say,
  Service,
  serviceUrl,
  SERVICES,
  sleep,
} from './config';
import { resetDatabases, transactionCounts, withClient } from './db';
import { KafkaProbe } from './kafka';
import { closedLoop, openLoop } from './load';
import { gitCommit, writeIntoPerformanceDoc, writePretty } from './output';
import { measureSystem, settle } from './phases';
import {
  infraDown,
  infraUp,
  rssMb,
  ServiceProcess,
  startService,
  stopChild,
  runBench,
} from './processes';
import { loadProfiles, profileMarkdown, summarise } from './profile-summary';
import { BenchResult, markdown, targets } from './report';

const outputDir = process.env.BENCH_OUTPUT_DIR ?? join(config.docsDir, 'bench');
const services = new Map<Service, ServiceProcess>();
const rss = {
  load: {} as Record<Service, number | null>,
  idle: {} as Record<Service, number | null>,
};
let underLoad = false;

function sampleRss(): void {
  for (const [service, p] of services) {
    const mb = rssMb(p.child.pid);
    if (mb === null) continue;
    if (underLoad) rss.load[service] = Math.max(rss.load[service] ?? 0, mb);
    else rss.idle[service] = mb;
  }
}

async function start(service: Service): Promise<void> {
  services.set(service, await startService(service));
}

async function outboxDrained(): Promise<void> {
  for (let i = 0; i < 600; i++) {
    const n = await withClient(databaseName('intake'), async (c) =>
      Number(
        (
          await c.query<{ n: string }>(
            'SELECT count(*) AS n FROM outbox_event WHERE published_at IS NULL',
          )
        ).rows[0].n,
      ),
    );
    if (n === 0) return;
    if (i % 10 === 0) say(`  intake's outbox: ${n} events not yet published`);
    await sleep(200);
  }
}

async function main(): Promise<void> {
  const factory = new CaseFactory(process.env.AUTH_JWT_SECRET ?? DEV_JWT_SECRET);
  const kafka = new KafkaProbe();
  const skipped: string[] = [];
  const result: BenchResult = {
    date: new Date().toISOString().slice(0, 16).replace('T', ' ') + ' UTC',
    commit: gitCommit(config.servicesDir),
    benchCommit: gitCommit(REPO_ROOT),
    machine: {
      cpus: cpus().length,
      memoryGiB: Math.round(totalmem() / 2 ** 30),
      note: 'Shared machine (other test runs may be running): absolute figures drift, the ratios are what to compare.',
    },
    mode: config.external ? 'external' : 'started',
    profiled: config.profile,
    settings: {
      connections: config.connections,
      seconds: config.seconds,
      rates: config.rates,
      rateSeconds: config.rateSeconds,
      sustainSeconds: config.sustainSeconds,
      databaseSuffix: config.databaseSuffix,
    },
    baseline: null,
    pgbench: null,
    intakeAlone: null,
    system: null,
    rates: [],
    idle: null,
    rssMb: null,
    maxBoundedRate: null,
    targets: [],
    skipped,
  };
  mkdirSync(outputDir, { recursive: true });
  const rssTimer = setInterval(sampleRss, 500);

  if (!config.external) {
    say(`Infrastructure (measured tree: ${config.servicesDir})`);
    await infraUp();
    await resetDatabases();
  } else {
    say(
      'BENCH_EXTERNAL=1: measuring the running system; intake alone, RSS, resets and profiles need control over the processes and are skipped',
    );
    skipped.push('intake alone, RSS, resets between phases and CPU profiles (BENCH_EXTERNAL=1)');
  }

  say(
    `Phase 1: baseline server (node:http + pg), ${config.connections} connections, ${config.seconds} s`,
  );
  await createBaselineDatabase();
  const baseline = await startBaselineServer();
  result.baseline = await closedLoop(
    'baseline',
    baseline.url,
    factory,
    config.connections,
    config.seconds,
  );
  await stopChild(baseline.child);

  say(`Phase 2: pgbench, the same transaction, ${config.connections} clients, ${config.seconds} s`);
  result.pgbench = await runPgbench(config.seconds, config.connections);
  if (!result.pgbench) skipped.push('pgbench (not installed)');

  if (!config.external) {
    say(
      `Phase 3: intake alone (assignment and reporting not running), ${config.connections} connections, ${config.seconds} s`,
    );
    await start('intake');
    underLoad = true;
    result.intakeAlone = await closedLoop(
      'intake alone',
      serviceUrl('intake'),
      factory,
      config.connections,
      config.seconds,
    );
    underLoad = false;
    await outboxDrained();
    // Nobody consumed those case.submitted events: empty the topics so that assignment and
    // reporting start from nothing, and the databases with them.
    await kafka.emptyTopics();
    await resetDatabases();
    await start('assignment');
    await start('reporting');
  }

  const all: Service[] = ['intake', 'assignment', 'reporting'];
  say(`Phase 4: whole system, ${config.connections} connections, ${config.seconds} s`);
  underLoad = true;
  result.system = await measureSystem('whole system', kafka, all, () =>
    closedLoop('whole system', serviceUrl('intake'), factory, config.connections, config.seconds),
  );
  underLoad = false;
  await settle(kafka, all);
  if (!config.external) await resetDatabases();

  for (const rate of config.rates) {
    const seconds = rate >= 500 ? config.sustainSeconds : config.rateSeconds;
    say(`Phase 5: whole system, open loop, ${rate} cases/s for ${seconds} s`);
    underLoad = true;
    const run = await measureSystem(`${rate}/s`, kafka, all, () =>
      openLoop(`${rate}/s`, serviceUrl('intake'), factory, rate, seconds),
    );
    underLoad = false;
    result.rates.push(run);
    await settle(kafka, all);
    if (!config.external) await resetDatabases();
  }
  const bounded = result.rates.filter(
    (r) => r.drainSeconds !== null && r.drainSeconds <= 5 && r.load.accepted >= 0.95 * r.load.sent,
  );
  result.maxBoundedRate = bounded.length
    ? Math.max(...bounded.map((r) => r.load.offered ?? 0))
    : null;

  say(`Phase 6: idle, ${config.idleSeconds} s with no load`);
  await sleep(5000); // let the last phase's stragglers and the statistics settle
  const before = await transactionCounts();
  const t0 = Date.now();
  await sleep(config.idleSeconds * 1000);
  const after = await transactionCounts();
  const seconds = (Date.now() - t0) / 1000;
  const perSecond = {} as Record<Service, number>;
  for (const s of SERVICES) perSecond[s] = Math.round(((after[s] - before[s]) / seconds) * 10) / 10;
  result.idle = { seconds: Math.round(seconds), transactionsPerSecond: perSecond };
  say(`  idle transactions/s: ${SERVICES.map((s) => `${s} ${perSecond[s]}`).join(', ')}`);
  sampleRss();
  if (!config.external) result.rssMb = rss;

  clearInterval(rssTimer);
  await kafka.close();
  if (!config.external) {
    say('Stopping the services');
    for (const p of services.values()) await p.stop();
    if (config.profile) await summariseProfiles();
    await infraDown();
  }
  result.targets = targets(result);
  await write(result);
}

async function summariseProfiles(): Promise<void> {
  for (const service of SERVICES) {
    try {
      const summary = summarise(loadProfiles(join(config.profileDir, service)), config.servicesDir);
      const file = join(outputDir, `profile-${service}.md`);
      await writePretty(
        file,
        profileMarkdown(`CPU profile of ${service} during npm run bench`, summary),
      );
      say(`  ${file}: top module ${summary.byModule[0]?.name ?? '–'}`);
    } catch (error) {
      say(`  no profile of ${service}: ${(error as Error).message}`);
    }
  }
}

async function write(result: BenchResult): Promise<void> {
  mkdirSync(outputDir, { recursive: true });
  const table = markdown(result);
  process.stdout.write(`\n${table}\n\n`);
  const json = JSON.stringify(result);
  await writePretty(join(outputDir, 'latest.json'), json);
  await writePretty(join(outputDir, 'latest.md'), `${table}\n`);
  const runs = result.rates.map((r) => ({
    label: `${r.load.offered} cases/s`,
    http: r.load.series,
    assigned: r.flow?.assignedSeries ?? [],
  }));
  writeFileSync(
    join(outputDir, 'latency.svg'),
    latencyChart(runs, `Open-loop runs, ${result.date}, commit ${result.commit}`),
  );
  await writeIntoPerformanceDoc('bench', table);
  process.stdout.write(`BENCH_RESULT ${json}\n`);
}

runBench(main, !config.external);
