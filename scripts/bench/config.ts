/** The bench's settings, all from the environment (see docs/performance.md, "How to run it"). */
import { join, resolve } from 'node:path';

export type Service = 'intake' | 'assignment' | 'reporting';
export const SERVICES: Service[] = ['intake', 'assignment', 'reporting'];

function num(name: string, fallback: number): number {
  const raw = process.env[name];
  const value = raw === undefined || raw === '' ? fallback : Number(raw);
  if (!Number.isFinite(value) || value < 0) throw new Error(`${name} must be a number`);
  return value;
}

/** The repository the bench runs from (dist/scripts/bench → the root). */
export const REPO_ROOT = resolve(__dirname, '..', '..', '..');
const full = process.env.BENCH_FULL === '1';

export const config = {
  external: process.env.BENCH_EXTERNAL === '1',
  /** The tree whose built services (dist/apps/…) and scripts are measured. */
  servicesDir: resolve(process.env.BENCH_SERVICES_DIR ?? REPO_ROOT),
  profile: process.env.BENCH_PROFILE === '1',
  /** Closed-loop runs: duration and connections. */
  seconds: num('BENCH_SECONDS', 20),
  connections: num('BENCH_CONNECTIONS', 32),
  /** Open-loop runs: arrival rates (cases/s) and their duration (60 s for 500/s with BENCH_FULL=1). */
  rates: (process.env.BENCH_RATES ?? '20,50,200,500').split(',').map(Number),
  rateSeconds: num('BENCH_RATE_SECONDS', 20),
  sustainSeconds: full ? 60 : num('BENCH_RATE_SECONDS', 20),
  idleSeconds: num('BENCH_IDLE_SECONDS', 15),
  /** How long to wait after a run for every case to be assigned and counted. */
  drainTimeoutSeconds: num('BENCH_DRAIN_TIMEOUT', 90),
  /** A request without an answer after this long counts as failed (timeout). */
  requestTimeoutMs: num('BENCH_REQUEST_TIMEOUT_MS', 10_000),
  /** Connections the open-loop generator may open (requests beyond them wait in its queue). */
  openConnections: num('BENCH_OPEN_CONNECTIONS', 128),
  databaseSuffix:
    process.env.BENCH_DATABASE_SUFFIX ?? (process.env.BENCH_EXTERNAL === '1' ? '' : '_bench'),
  baselineDatabase: 'casebridge_bench_baseline',
  kafkaPort: num('BENCH_KAFKA_PORT', 39092),
  ports: {
    intake: num('BENCH_INTAKE_PORT', 3101),
    assignment: num('BENCH_ASSIGNMENT_PORT', 3102),
    reporting: num('BENCH_REPORTING_PORT', 3103),
  } as Record<Service, number>,
  baselinePort: num('BENCH_BASELINE_PORT', 3100),
  pgHost: process.env.DATABASE_HOST ?? '127.0.0.1',
  pgPort: num('DATABASE_PORT', 5432),
  /** Where the tables, JSON and chart go. */
  docsDir: join(REPO_ROOT, 'docs'),
  logDir: join(REPO_ROOT, '.local', 'logs'),
  profileDir: join(REPO_ROOT, '.local', 'profiles'),
};

export function serviceUrl(service: Service): string {
  if (config.external) {
    const given = process.env[`${service.toUpperCase()}_URL`];
    if (given) return given.replace(/\/$/, '');
    const defaults: Record<Service, number> = { intake: 3001, assignment: 3002, reporting: 3003 };
    return `http://127.0.0.1:${defaults[service]}`;
  }
  return `http://127.0.0.1:${config.ports[service]}`;
}

export function kafkaBrokers(): string {
  if (config.external) return process.env.KAFKA_BROKERS ?? 'localhost:9092';
  return `localhost:${config.kafkaPort}`;
}

export function databaseName(service: Service): string {
  return `casebridge_${service}${config.databaseSuffix}`;
}

/** Progress on stdout with the time of day. */
export function say(message: string): void {
  process.stdout.write(`[${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
