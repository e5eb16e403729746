/**
 * The processes the bench starts: the infrastructure scripts, the services (node, on the bench's
 * ports, logs in .local/logs/bench-<service>.log, optionally with --cpu-prof) and the baseline
 * server. Everything started is stopped at the end, also on Ctrl-C.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { serviceHeapArgs } from '@casebridge/common/config/heap-limit';
import { config, databaseName, kafkaBrokers, REPO_ROOT, say, Service, sleep } from './config';

const running = new Set<ChildProcess>();

/** Counts `child` among what stopEverything stops (until it exits). */
export function track(child: ChildProcess): void {
  running.add(child);
  child.on('exit', () => running.delete(child));
}

/** Environment of the services and of the project's scripts run for the bench. */
export function benchEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    NODE_ENV: 'development',
    LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'warn',
    DATABASE_NAME_SUFFIX: config.databaseSuffix,
    KAFKA_BROKERS: kafkaBrokers(),
    KAFKA_PORT: String(config.kafkaPort),
    // Outside .local/kafka/broker-*: the bench's broker is its own, whatever else runs brokers there.
    KAFKA_DATA_DIR: join(REPO_ROOT, '.local', 'bench', `kafka-${config.kafkaPort}`),
    CASEBRIDGE_LOCAL_KAFKA: '1',
    INTAKE_PORT: String(config.ports.intake),
    ASSIGNMENT_PORT: String(config.ports.assignment),
    REPORTING_PORT: String(config.ports.reporting),
    ...extra,
  };
}

/** Runs a command of the measured tree to completion, its output prefixed; throws on failure. */
export function run(command: string, args: string[], env = benchEnv()): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: config.servicesDir,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    running.add(child);
    const relay = (chunk: Buffer) => {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean))
        process.stdout.write(`    ${line}\n`);
    };
    child.stdout.on('data', relay);
    child.stderr.on('data', relay);
    child.on('exit', (code) => {
      running.delete(child);
      if (code === 0) resolve();
      else reject(new Error(`${command} ${args.join(' ')} exited with ${code}`));
    });
  });
}

/**
 * What scripts/infra-up.sh does, minus its install and build (npm run bench has just built):
 * PostgreSQL, the bench databases and their migrations, a fresh broker of the bench's own on
 * BENCH_KAFKA_PORT (a running `npm start` or test broker is left alone), the topics.
 */
export async function infraUp(): Promise<void> {
  await run('bash', ['scripts/postgres-up.sh']);
  await run('node', ['dist/scripts/setup-databases.js']);
  await run('node', ['dist/scripts/migrate.js']);
  const libs = join(REPO_ROOT, '.local', 'kafka', 'libs');
  await run(
    'bash',
    ['scripts/kafka-start.sh'],
    benchEnv({ KAFKA_FRESH: '1', ...(hasLibs(libs) ? { KAFKA_LIBS: libs } : {}) }),
  );
  await run('node', ['dist/scripts/create-topics.js']);
  await run('node', ['dist/scripts/seed-directory.js']);
}

/** The Kafka jars the repository has already fetched (a complete fetch leaves .kafka-version). */
function hasLibs(dir: string): boolean {
  return existsSync(join(dir, '.kafka-version'));
}

export async function infraDown(): Promise<void> {
  await run('bash', ['scripts/kafka-stop.sh']).catch(() => undefined);
}

export interface ServiceProcess {
  service: Service;
  child: ChildProcess;
  stop(): Promise<void>;
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
}

/** Starts a node script as a child (logs to .local/logs/bench-<name>.log) and waits for `url` to answer 200. */
export async function startNode(
  name: string,
  script: string,
  url: string,
  env: NodeJS.ProcessEnv,
  nodeArgs: string[] = [],
): Promise<ChildProcess> {
  mkdirSync(config.logDir, { recursive: true });
  const log = createWriteStream(join(config.logDir, `bench-${name}.log`), { flags: 'a' });
  const child = spawn(process.execPath, [...nodeArgs, script], {
    cwd: config.servicesDir,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  child.on('exit', () => running.delete(child));
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (child.exitCode !== null)
      throw new Error(`${name} exited with ${child.exitCode} (see .local/logs/bench-${name}.log)`);
    const ok = await fetch(url)
      .then((r) => r.status === 200)
      .catch(() => false);
    if (ok) return child;
    if (Date.now() > deadline)
      throw new Error(`${name} not ready after 90 s (see .local/logs/bench-${name}.log)`);
    await sleep(300);
  }
}

/** SIGTERM, SIGKILL after 20 s. */
export async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  await exited(child);
  clearTimeout(timer);
}

export async function startService(service: Service): Promise<ServiceProcess> {
  // The heap limit npm start gives each service (SERVICE_MAX_HEAP_MB).
  const nodeArgs: string[] = serviceHeapArgs(benchEnv());
  if (config.profile) {
    const dir = join(config.profileDir, service);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    // Nest re-raises SIGTERM after its shutdown hooks, which would end the process before the
    // profile is written; the preload turns that second signal into a normal exit.
    nodeArgs.push(
      '--cpu-prof',
      `--cpu-prof-dir=${dir}`,
      '--require',
      join(__dirname, 'exit-on-signal.js'),
    );
  }
  const script = join(config.servicesDir, 'dist', 'apps', service, 'src', 'main.js');
  const url = `http://127.0.0.1:${config.ports[service]}/health/ready`;
  say(`starting ${service} on port ${config.ports[service]} (database ${databaseName(service)})`);
  const child = await startNode(service, script, url, benchEnv(), nodeArgs);
  return { service, child, stop: () => stopChild(child) };
}

/** Resident set size of a process (kB → MB), null once it is gone. */
export function rssMb(pid: number | undefined): number | null {
  if (!pid) return null;
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = /VmRSS:\s+(\d+)/.exec(status)?.[1];
    return kb ? Math.round(Number(kb) / 1024) : null;
  } catch {
    return null;
  }
}

/** Stops whatever is still running (Ctrl-C, a failure). */
export async function stopEverything(): Promise<void> {
  await Promise.all([...running].map((child) => stopChild(child)));
}

/**
 * Runs a bench's `main`: exit 0 once it is done; when it fails, or on Ctrl-C or SIGTERM,
 * everything it started is stopped first (the infrastructure too, unless `stopInfra` is false).
 */
export function runBench(main: () => Promise<void>, stopInfra = true): void {
  let stopping = false;
  const abort = async (reason: string, code: number): Promise<void> => {
    if (stopping) return;
    stopping = true;
    say(`${reason}: stopping everything the bench started`);
    await stopEverything();
    if (stopInfra) await infraDown();
    process.exit(code);
  };
  process.on('SIGINT', () => void abort('SIGINT', 130));
  process.on('SIGTERM', () => void abort('SIGTERM', 143));
  main().then(
    () => process.exit(0),
    (error: Error) => void abort(`bench failed: ${error.stack ?? error.message}`, 1),
  );
}
