/** The run's figures as markdown tables (throughput as ratios to the baselines, the targets of issue 12). */
import type { PgbenchResult } from './baseline';
import { Service, SERVICES } from './config';
import type { LoadResult } from './load';
import type { SystemRun } from './phases';
import { formatMs, formatPercentiles } from './stats';

export interface BenchResult {
  date: string;
  commit: string;
  benchCommit: string;
  machine: { cpus: number; memoryGiB: number; note: string };
  mode: 'started' | 'external';
  profiled: boolean;
  settings: {
    connections: number;
    seconds: number;
    rates: number[];
    rateSeconds: number;
    sustainSeconds: number;
    databaseSuffix: string;
  };
  baseline: LoadResult | null;
  pgbench: PgbenchResult | null;
  intakeAlone: LoadResult | null;
  system: SystemRun | null;
  rates: SystemRun[];
  idle: { seconds: number; transactionsPerSecond: Record<Service, number> } | null;
  rssMb: { load: Record<Service, number | null>; idle: Record<Service, number | null> } | null;
  maxBoundedRate: number | null;
  targets: Target[];
  skipped: string[];
}

export interface Target {
  what: string;
  measured: string;
  target: string;
  met: boolean | null;
  /** How far from the target: target/measured (higher is better) or measured/target. */
  short: number | null;
}

const ratio = (value: number, to: number | undefined | null) =>
  to ? `${(value / to).toFixed(2)}×` : '–';

function target(
  what: string,
  measured: number | null,
  limit: number,
  higherIsBetter: boolean,
  unit: string,
): Target {
  if (measured === null)
    return {
      what,
      measured: 'not measured',
      target: `${higherIsBetter ? '≥' : '≤'} ${limit}${unit}`,
      met: null,
      short: null,
    };
  const met = higherIsBetter ? measured >= limit : measured <= limit;
  const short = met ? null : higherIsBetter ? limit / Math.max(measured, 1e-9) : measured / limit;
  const shown =
    measured === Infinity
      ? 'did not drain'
      : unit === '×'
        ? measured.toFixed(2)
        : String(Math.round(measured * 10) / 10);
  return {
    what,
    measured: `${shown}${unit}`,
    target: `${higherIsBetter ? '≥' : '≤'} ${limit}${unit}`,
    met,
    short,
  };
}

export function targets(r: BenchResult): Target[] {
  const sustain = r.rates.find((x) => x.load.offered === 500) ?? null;
  const slow = r.rates.find((x) => x.load.offered === 20) ?? null;
  const list: Target[] = [
    target(
      'intake alone, 32 connections: cases/s ÷ baseline server',
      r.intakeAlone && r.baseline
        ? r.intakeAlone.acceptedPerSecond / r.baseline.acceptedPerSecond
        : null,
      0.5,
      true,
      '×',
    ),
    target(
      'intake alone, 32 connections: HTTP p99',
      r.intakeAlone?.http.p99 ?? null,
      50,
      false,
      ' ms',
    ),
    target(
      `whole system at 500/s for ${sustain?.load.seconds ?? '–'} s: accepted cases/s`,
      sustain?.load.acceptedPerSecond ?? null,
      500 * 0.99,
      true,
      '/s',
    ),
    target(
      'whole system at 500/s: submitted → assigned p99',
      sustain?.flow?.assigned.p99 ?? null,
      250,
      false,
      ' ms',
    ),
    target(
      'whole system at 500/s: lag back to zero (and all assigned) after the load',
      sustain ? (sustain.drainSeconds ?? Infinity) : null,
      2,
      false,
      ' s',
    ),
    target(
      'whole system at 20/s: submitted → assigned p50',
      slow?.flow?.assigned.p50 ?? null,
      30,
      false,
      ' ms',
    ),
    target('whole system at 20/s: HTTP p50', slow?.load.http.p50 ?? null, 30, false, ' ms'),
  ];
  for (const s of SERVICES)
    list.push(
      target(`idle: ${s} queries/s`, r.idle?.transactionsPerSecond[s] ?? null, 1, false, '/s'),
    );
  for (const s of SERVICES)
    list.push(target(`RSS of ${s} under load`, r.rssMb?.load[s] ?? null, 200, false, ' MB'));
  return list;
}

const flow = (run: SystemRun | null, key: 'assigned' | 'counted') =>
  formatPercentiles(run?.flow?.[key]);
const drain = (run: SystemRun) =>
  run.drainSeconds === null
    ? `not within timeout (${run.leftUnassigned} unassigned)`
    : `${run.drainSeconds.toFixed(1)} s`;

export function markdown(r: BenchResult): string {
  const base = r.baseline?.acceptedPerSecond;
  const pg = r.pgbench?.tps;
  const row = (name: string, l: LoadResult | null, run: SystemRun | null) =>
    l
      ? `| ${name} | ${l.acceptedPerSecond} | ${ratio(l.acceptedPerSecond, base)} | ${ratio(l.acceptedPerSecond, pg)} | ${formatPercentiles(l.http)} | ${l.accepted} / ${l.shed} / ${l.failed} | ${flow(run, 'assigned')} | ${flow(run, 'counted')} | ${run ? run.maxLag : '–'} | ${run ? drain(run) : '–'} |`
      : `| ${name} | skipped | | | | | | | | |`;
  const lines = [
    `Run of ${r.date}, services at commit \`${r.commit}\` (bench at \`${r.benchCommit}\`), ${r.machine.cpus} cores, ${r.machine.memoryGiB} GiB${r.profiled ? ', services under --cpu-prof' : ''}. ${r.machine.note}`,
    '',
    '| run | accepted cases/s | × baseline server | × pgbench | HTTP p50 / p95 / p99 | accepted / shed / failed | submitted → assigned p50 / p95 / p99 | submitted → counted in report p50 / p95 / p99 | max consumer lag | lag 0 and all assigned after the load |',
    '| --- | ---: | ---: | ---: | --- | --- | --- | --- | ---: | --- |',
    r.baseline
      ? row(
          `baseline server (node:http + pg), ${r.settings.connections} connections`,
          r.baseline,
          null,
        )
      : '| baseline server | skipped | | | | | | | | |',
    r.pgbench
      ? `| pgbench, same transaction, ${r.pgbench.clients} clients | ${r.pgbench.tps} | ${ratio(r.pgbench.tps, base)} | 1.00× | ${formatPercentiles(r.pgbench.latency)} (transaction) | | | | | |`
      : '| pgbench | skipped | | | | | | | | |',
    row(
      `intake alone (consumers idle), ${r.settings.connections} connections`,
      r.intakeAlone,
      null,
    ),
    row(`whole system, ${r.settings.connections} connections`, r.system?.load ?? null, r.system),
    ...r.rates.map((run) =>
      row(`whole system, open loop ${run.load.offered}/s for ${run.load.seconds} s`, run.load, run),
    ),
    '',
    `Highest open-loop rate at which lag stayed bounded (every case assigned within 5 s of the load ending, accepted ≥ 95 % of offered): ${r.maxBoundedRate === null ? 'none of the rates tested' : `${r.maxBoundedRate} cases/s`}.`,
    '',
    '| service | RSS max under load | RSS idle | queries/s idle (transactions, pg_stat_database) |',
    '| --- | ---: | ---: | ---: |',
    ...SERVICES.map(
      (s) =>
        `| ${s} | ${r.rssMb?.load[s] ?? '–'} MB | ${r.rssMb?.idle[s] ?? '–'} MB | ${r.idle ? r.idle.transactionsPerSecond[s].toFixed(1) : '–'} |`,
    ),
    '',
    '| target (issue 12, point 3) | measured | target | |',
    '| --- | ---: | ---: | --- |',
    ...r.targets.map(
      (t) =>
        `| ${t.what} | ${t.measured} | ${t.target} | ${t.met === null ? 'not measured' : t.met ? 'met' : `not met (${t.short === Infinity ? 'did not drain' : `${t.short!.toFixed(t.short! < 1.1 ? 2 : 1)}× short`})`} |`,
    ),
  ];
  const failures = [r.intakeAlone, r.system?.load, ...r.rates.map((x) => x.load)]
    .filter((l): l is LoadResult => !!l && l.failed > 0)
    .map(
      (l) =>
        `${l.kind === 'open' ? `${l.offered}/s` : 'closed loop'}: ${Object.entries(l.failures)
          .map(([k, v]) => `${v} × ${k}`)
          .join(', ')}`,
    );
  if (failures.length) lines.push('', `Failed requests by cause — ${failures.join('; ')}.`);
  if (r.skipped.length) lines.push('', `Skipped: ${r.skipped.join('; ')}.`);
  return lines.join('\n');
}

export { formatMs };
