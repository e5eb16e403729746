/**
 * The load generator (undici, keep-alive connections). Closed loop: C connections, each sending
 * the next request when the last answered. Open loop: requests at fixed arrival times whatever
 * the answers, latency measured from the scheduled time (no coordinated omission). Answers are
 * counted as accepted (201), shed (503) and failed (anything else, connection errors, timeouts).
 */
import { Pool } from 'undici';
import { CaseFactory } from './cases';
import { config, say } from './config';
import { Percentiles, percentiles, perSecond } from './stats';

export interface LoadResult {
  kind: 'closed' | 'open';
  seconds: number;
  /** Open loop: the offered rate (requests/s). */
  offered?: number;
  sent: number;
  accepted: number;
  shed: number;
  failed: number;
  /** Failed requests by cause: `status 500`, `timeout`, `ECONNRESET`, … */
  failures: Record<string, number>;
  /** Accepted ÷ the time from the first send to the last answer (at least the run's duration). */
  acceptedPerSecond: number;
  http: Percentiles;
  /** HTTP p50/p99 per second of the run (for the chart). */
  series: { second: number; p50: number | null; p99: number | null; count: number }[];
  /** Wall-clock window of the run (ms epoch), to find its cases in the databases. */
  startedAt: number;
  endedAt: number;
}

class Tally {
  sent = 0;
  accepted = 0;
  shed = 0;
  failed = 0;
  failures: Record<string, number> = {};
  latencies: { at: number; ms: number }[] = [];
  inflight = 0;

  record(at: number, ms: number, status: number | string): void {
    this.inflight--;
    if (status === 201) {
      this.accepted++;
      this.latencies.push({ at, ms });
    } else if (status === 503) {
      this.shed++;
    } else {
      this.failed++;
      const cause = typeof status === 'number' ? `status ${status}` : status;
      this.failures[cause] = (this.failures[cause] ?? 0) + 1;
    }
  }
}

/** One POST; `deadline` (performance.now() time) is when the client gives up: counted as a timeout. */
async function send(pool: Pool, factory: CaseFactory, deadline: number): Promise<number | string> {
  const { headers, body } = factory.request();
  const left = deadline - performance.now();
  if (left <= 0) return 'timeout';
  try {
    const res = await pool.request({
      path: '/v1/cases',
      method: 'POST',
      headers,
      body,
      // From the scheduled time, so a request left waiting in the client's queue times out too.
      signal: AbortSignal.timeout(Math.ceil(left)),
    });
    await res.body.dump();
    return res.statusCode;
  } catch (error) {
    const e = error as { code?: string; name?: string };
    if (e.name === 'TimeoutError' || e.name === 'AbortError' || e.code === 'UND_ERR_ABORTED')
      return 'timeout';
    return e.code ?? e.name ?? 'error';
  }
}

function progress(label: string, t: Tally, started: number): NodeJS.Timeout {
  let last = 0;
  return setInterval(() => {
    const elapsed = (performance.now() - started) / 1000;
    const recent = t.latencies.slice(last);
    last = t.latencies.length;
    const p = percentiles(recent.map((s) => s.ms));
    say(
      `  ${label} ${elapsed.toFixed(0)} s: sent ${t.sent}, accepted ${t.accepted}, shed ${t.shed}, ` +
        `failed ${t.failed}, in flight ${t.inflight}; last second p50 ${p.p50 ?? '–'} ms, p99 ${p.p99 ?? '–'} ms`,
    );
  }, 2000);
}

function result(
  kind: 'closed' | 'open',
  t: Tally,
  seconds: number,
  startedAt: number,
  endedAt: number,
  offered?: number,
): LoadResult {
  return {
    kind,
    seconds,
    offered,
    sent: t.sent,
    accepted: t.accepted,
    shed: t.shed,
    failed: t.failed,
    failures: t.failures,
    acceptedPerSecond: Math.round((t.accepted / seconds) * 10) / 10,
    http: percentiles(t.latencies.map((s) => s.ms)),
    series: perSecond(t.latencies, startedAt),
    startedAt,
    endedAt,
  };
}

/** `connections` clients in a loop for `seconds`. */
export async function closedLoop(
  label: string,
  origin: string,
  factory: CaseFactory,
  connections: number,
  seconds: number,
): Promise<LoadResult> {
  const pool = new Pool(origin, { connections, pipelining: 1, keepAliveTimeout: 30_000 });
  const t = new Tally();
  const startedAt = Date.now();
  const started = performance.now();
  const stopAt = started + seconds * 1000;
  const timer = progress(label, t, started);
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (performance.now() < stopAt) {
        const t0 = performance.now();
        t.sent++;
        t.inflight++;
        const status = await send(pool, factory, t0 + config.requestTimeoutMs);
        t.record(startedAt + (t0 - started), performance.now() - t0, status);
      }
    }),
  );
  clearInterval(timer);
  const elapsed = (performance.now() - started) / 1000;
  await pool.close();
  return result('closed', t, elapsed, startedAt, Date.now());
}

/** `rate` requests a second for `seconds`, each at its scheduled time whatever the others do. */
export async function openLoop(
  label: string,
  origin: string,
  factory: CaseFactory,
  rate: number,
  seconds: number,
): Promise<LoadResult> {
  const pool = new Pool(origin, {
    connections: config.openConnections,
    pipelining: 1,
    keepAliveTimeout: 30_000,
  });
  const t = new Tally();
  const total = Math.round(rate * seconds);
  const interval = 1000 / rate;
  const startedAt = Date.now();
  const started = performance.now();
  const timer = progress(label, t, started);
  const pending: Promise<void>[] = [];
  let issued = 0;
  await new Promise<void>((resolve) => {
    const tick = () => {
      const now = performance.now();
      // Every request whose time has come (a late tick sends the ones it owes at once).
      while (issued < total && started + issued * interval <= now) {
        const scheduled = started + issued * interval;
        issued++;
        t.sent++;
        t.inflight++;
        pending.push(
          send(pool, factory, scheduled + config.requestTimeoutMs).then((status) =>
            t.record(startedAt + (scheduled - started), performance.now() - scheduled, status),
          ),
        );
      }
      if (issued >= total) resolve();
      else setTimeout(tick, Math.max(0, Math.min(5, started + issued * interval - now)));
    };
    tick();
  });
  await Promise.all(pending);
  clearInterval(timer);
  await pool.close();
  // Throughput over the whole time the answers took, not just the sending window.
  const elapsed = Math.max(seconds, (performance.now() - started) / 1000);
  return { ...result('open', t, elapsed, startedAt, Date.now(), rate), seconds };
}
