import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { serviceHeapArgs } from '@casebridge/common/config/heap-limit';
import { freePort, ServiceName, waitFor } from './infra';

export interface ServiceProcess {
  service: ServiceName;
  url: string;
  process: ChildProcess;
  /** The last output of the process (JSON log lines), for assertions and diagnostics. */
  output(): string;
  /** SIGTERM and wait for a clean exit. */
  stop(): Promise<void>;
  /** SIGKILL (`kill -9`) and wait until the process is gone. */
  kill(): Promise<void>;
}

const ROOT = join(__dirname, '..', '..');
const PORT_VARIABLE: Record<ServiceName, string> = {
  intake: 'INTAKE_PORT',
  assignment: 'ASSIGNMENT_PORT',
  reporting: 'REPORTING_PORT',
};

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
}

/**
 * Runs a built service (`dist/apps/<service>/src/main.js`) as its own process against the test
 * infrastructure and waits until /health/ready answers 200 (database and broker reachable).
 */
export async function startServiceProcess(
  service: ServiceName,
  extraEnv: Record<string, string> = {},
  port?: number,
): Promise<ServiceProcess> {
  port ??= await freePort();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'test',
    [PORT_VARIABLE[service]]: String(port),
    OUTBOX_POLL_MS: '20',
    ...extraEnv,
  };
  // With the heap limit it runs under npm start, so a test load that outgrows it fails here.
  const main = join(ROOT, 'dist', 'apps', service, 'src', 'main.js');
  const child = spawn(process.execPath, [...serviceHeapArgs(env), main], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  const keep = (chunk: Buffer) => {
    log = (log + chunk.toString('utf8')).slice(-2_000_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const url = `http://127.0.0.1:${port}`;
  const handle: ServiceProcess = {
    service,
    url,
    process: child,
    output: () => log,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      await exited(child);
      clearTimeout(timer);
    },
    async kill() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGKILL');
      await exited(child);
    },
  };
  try {
    await waitFor(
      `${service} to become ready on ${url}`,
      async () => {
        if (child.exitCode !== null)
          throw new Error(`${service} exited with ${child.exitCode}:\n${log.slice(-3000)}`);
        const res = await fetch(`${url}/health/ready`);
        return res.status === 200;
      },
      90_000,
      300,
    );
  } catch (error) {
    await handle.kill();
    throw new Error(`${(error as Error).message}\n--- ${service} output ---\n${log.slice(-4000)}`);
  }
  return handle;
}
