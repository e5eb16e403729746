/**
 * `npm start`'s supervisor. Runs each service's instances (`INTAKE_INSTANCES`,
 * `ASSIGNMENT_INSTANCES`, `REPORTING_INSTANCES`, default 1) as node:cluster workers: the instances
 * of a service share its port and form one Kafka consumer group. A worker that exits unexpectedly
 * is restarted with exponential back-off while every other worker keeps serving; a service that
 * keeps crashing before it listens is reported plainly and left down. SIGINT/SIGTERM stops every
 * worker (SIGKILL after a grace period) and exits when all are gone.
 *
 * Env: SUPERVISOR_BACKOFF_MS (first restart delay, 1000; doubles up to 30 s), SUPERVISOR_MAX_START_FAILURES (5),
 *      SUPERVISOR_LOG_DIR (.local/logs), SUPERVISOR_GRACE_MS (10000); SERVICE_MAX_HEAP_MB (each
 *      worker's old-space limit, 128; 0 for Node's default).
 */
import cluster, { Worker } from 'node:cluster';
import { createWriteStream, mkdirSync, WriteStream } from 'node:fs';
import { join } from 'node:path';
import { serviceHeapArgs } from '@casebridge/common/config/heap-limit';

type Service = 'intake' | 'assignment' | 'reporting';
const SERVICES: Service[] = ['intake', 'assignment', 'reporting'];
const DEFAULT_PORTS: Record<Service, number> = { intake: 3001, assignment: 3002, reporting: 3003 };
const ROOT = join(__dirname, '..', '..'); // dist/scripts → the repository

function setting(name: string, fallback: number): number {
  const raw = process.env[name];
  const value = raw === undefined || raw === '' ? fallback : Number(raw);
  if (!Number.isInteger(value) || value < 0) {
    process.stderr.write(`${name} must be a whole number (got "${raw}")\n`);
    process.exit(2);
  }
  return value;
}

const BACKOFF_MS = setting('SUPERVISOR_BACKOFF_MS', 1000);
const MAX_BACKOFF_MS = 30_000;
const MAX_START_FAILURES = setting('SUPERVISOR_MAX_START_FAILURES', 5);
const GRACE_MS = setting('SUPERVISOR_GRACE_MS', 10_000);
/** A worker that served this long before dying starts its back-off from the beginning again. */
const STABLE_MS = 60_000;
const HEAP_ARGS = heapArgs();
const LOG_DIR = process.env.SUPERVISOR_LOG_DIR ?? join(ROOT, '.local', 'logs');

function heapArgs(): string[] {
  try {
    return serviceHeapArgs();
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    process.exit(2);
  }
}

function say(message: string): void {
  process.stdout.write(`[${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

/** One instance slot of a service: restarted in place, with its own back-off. */
interface Slot {
  service: Service;
  index: number;
  worker?: Worker;
  startedAt: number;
  listening: boolean;
  /** Consecutive failures (a start-up crash, or a crash soon after start). */
  failures: number;
  restarts: number;
  timer?: NodeJS.Timeout;
}

const logs = new Map<Service, WriteStream>();
const slots: Slot[] = [];
let stopping = false;

function label(slot: Slot): string {
  return `${slot.service}#${slot.index}`;
}

function start(slot: Slot): void {
  cluster.setupPrimary({
    exec: join(ROOT, 'dist', 'apps', slot.service, 'src', 'main.js'),
    execArgv: [...process.execArgv, ...HEAP_ARGS],
    silent: true,
  });
  const worker = cluster.fork({ CASEBRIDGE_INSTANCE: String(slot.index) });
  slot.worker = worker;
  slot.startedAt = Date.now();
  slot.listening = false;
  const log = logs.get(slot.service);
  if (log) {
    worker.process.stdout?.pipe(log, { end: false });
    worker.process.stderr?.pipe(log, { end: false });
  }
  worker.on('listening', () => {
    slot.listening = true;
    say(`${label(slot)} (pid ${worker.process.pid}) is serving`);
  });
  worker.on('exit', (code, signal) => onExit(slot, worker, code, signal));
}

function onExit(slot: Slot, worker: Worker, code: number | null, signal: string | null): void {
  if (slot.worker !== worker) return;
  slot.worker = undefined;
  if (stopping) return;
  const how = signal ? `was killed (${signal})` : `exited with code ${code}`;
  const ranMs = Date.now() - slot.startedAt;
  slot.failures = ranMs >= STABLE_MS ? 1 : slot.failures + 1;
  if (!slot.listening && slot.failures >= MAX_START_FAILURES) {
    say(
      `${label(slot)} ${how} and keeps crashing at start-up (${slot.failures} times in a row): ` +
        `not restarting it; see ${join(LOG_DIR, `${slot.service}.log`)}. The other services keep running.`,
    );
    return;
  }
  const delay = Math.min(MAX_BACKOFF_MS, BACKOFF_MS * 2 ** (slot.failures - 1));
  slot.restarts += 1;
  say(
    `${label(slot)} (pid ${worker.process.pid}) ${how}; restarting in ${(delay / 1000).toFixed(1)} s ` +
      `(restart ${slot.restarts} of this instance)`,
  );
  slot.timer = setTimeout(() => start(slot), delay);
}

function stopAll(signal: string): void {
  if (stopping) return;
  stopping = true;
  say(`${signal}: stopping every service`);
  for (const slot of slots) clearTimeout(slot.timer);
  const running = slots.flatMap((s) => (s.worker ? [s.worker] : []));
  for (const worker of running) worker.process.kill('SIGTERM');
  const force = setTimeout(() => {
    for (const worker of running) if (!worker.isDead()) worker.process.kill('SIGKILL');
  }, GRACE_MS);
  const finish = () => {
    if (running.some((w) => !w.isDead())) return;
    clearTimeout(force);
    say('all services stopped');
    for (const log of logs.values()) log.end();
    process.exit(0);
  };
  for (const worker of running) worker.on('exit', finish);
  finish();
}

function main(): void {
  mkdirSync(LOG_DIR, { recursive: true });
  for (const service of SERVICES) {
    logs.set(service, createWriteStream(join(LOG_DIR, `${service}.log`), { flags: 'a' }));
    const instances = setting(`${service.toUpperCase()}_INSTANCES`, 1);
    const port = process.env[`${service.toUpperCase()}_PORT`] ?? DEFAULT_PORTS[service];
    say(`starting ${instances} instance(s) of ${service} on port ${port}`);
    for (let index = 1; index <= instances; index++) {
      const slot: Slot = {
        service,
        index,
        startedAt: 0,
        listening: false,
        failures: 0,
        restarts: 0,
      };
      slots.push(slot);
      start(slot);
    }
  }
  process.on('SIGINT', () => stopAll('SIGINT'));
  process.on('SIGTERM', () => stopAll('SIGTERM'));
}

main();
