import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeCase, seededRandom, submitCases } from '../support/cases';
import {
  freePort,
  query,
  resetDatabase,
  resetTopics,
  ServiceName,
  waitFor,
} from '../support/infra';
import { disconnectTestProducer } from '../support/kafka';
import {
  expectAssignedExactlyOnce,
  SERVICES,
  waitForReportTotals,
  waitUntilAllAssigned,
} from '../support/system';

const ROOT = join(__dirname, '..', '..');
const COUNTRIES = [
  { hostCountry: 'RU', hostCity: 'Moscow' },
  { hostCountry: 'KZ', hostCity: 'Almaty' },
  { hostCountry: 'TR', hostCity: 'Istanbul' },
  { hostCountry: 'DE' },
];

/** `npm start`'s supervisor, on ports of the test's own. */
class Supervisor {
  constructor(
    private readonly instances: number,
    private readonly extraEnv: Record<string, string> = {},
  ) {}

  readonly logDir = mkdtempSync(join(tmpdir(), 'casebridge-supervisor-'));
  readonly ports = {} as Record<ServiceName, number>;
  process!: ChildProcess;
  output = '';

  /** Starts it and waits until `services` all serve, with every instance of theirs up. */
  async start(services: ServiceName[] = SERVICES): Promise<void> {
    for (const service of SERVICES) this.ports[service] = await freePort();
    this.process = spawn(process.execPath, [join(ROOT, 'dist', 'scripts', 'supervise.js')], {
      env: {
        ...process.env,
        NODE_ENV: 'test',
        OUTBOX_POLL_MS: '20',
        INTAKE_PORT: String(this.ports.intake),
        ASSIGNMENT_PORT: String(this.ports.assignment),
        REPORTING_PORT: String(this.ports.reporting),
        INTAKE_INSTANCES: String(this.instances),
        ASSIGNMENT_INSTANCES: String(this.instances),
        REPORTING_INSTANCES: String(this.instances),
        SUPERVISOR_LOG_DIR: this.logDir,
        // The killed instances stay down for 8 s: long enough to see the others answer alone.
        SUPERVISOR_BACKOFF_MS: '8000',
        ...this.extraEnv,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.process.stdout?.on('data', (chunk: Buffer) => (this.output += chunk.toString('utf8')));
    this.process.stderr?.on('data', (chunk: Buffer) => (this.output += chunk.toString('utf8')));
    await waitFor(
      `${services.join(', ')} serving and ready`,
      async () => {
        const serving = this.serving();
        for (const service of services) {
          if (serving.filter((p) => p.service === service).length < this.instances) return false;
          const res = await fetch(`${this.url(service)}/health/ready`);
          if (res.status !== 200) return false;
        }
        return true;
      },
      120_000,
      500,
    );
  }

  url(service: ServiceName): string {
    return `http://127.0.0.1:${this.ports[service]}`;
  }

  /** Every "<service>#<n> (pid <pid>) is serving" line so far, oldest first. */
  serving(): { service: ServiceName; instance: number; pid: number }[] {
    return [...this.output.matchAll(/(\w+)#(\d) \(pid (\d+)\) is serving/g)].map((m) => ({
      service: m[1] as ServiceName,
      instance: Number(m[2]),
      pid: Number(m[3]),
    }));
  }

  async stop(): Promise<number | null> {
    if (this.process.exitCode !== null) return this.process.exitCode;
    const exited = new Promise<number | null>((resolve) =>
      this.process.once('exit', (code) => resolve(code)),
    );
    this.process.kill('SIGINT');
    const code = await exited;
    rmSync(this.logDir, { recursive: true, force: true });
    return code;
  }
}

/**
 * The status of one GET on a new connection, or 0 if none came within 2 s: a connection the
 * cluster's primary had just handed to the worker that was killed is lost with it (the client
 * then waits in vain, as it would for any crashed server), so each try has a deadline.
 */
function statusOnNewConnection(url: string): Promise<number> {
  return new Promise((resolve) => {
    const req = get(url, { agent: false, timeout: 2000 }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(0));
  });
}

/** Up to three tries on new connections: the surviving instance answers one of them. */
async function servedByASurvivor(url: string): Promise<number> {
  let status = 0;
  for (let attempt = 0; attempt < 3 && status !== 200; attempt++)
    status = await statusOnNewConnection(url);
  return status;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('npm start with two instances of every service: kill -9 of one instance of each', () => {
  const supervisor = new Supervisor(2);

  beforeAll(async () => {
    await resetTopics();
    for (const service of SERVICES) await resetDatabase(service);
    await supervisor.start();
  });

  afterAll(async () => {
    await supervisor.stop();
    await disconnectTestProducer();
  });

  it('restarts the killed instances while the others serve, applies every case exactly once, and stops everything on Ctrl-C', async () => {
    const random = seededRandom(909);
    const bodies = Array.from({ length: 400 }, (_, i) =>
      makeCase(random, COUNTRIES[i % COUNTRIES.length], 90_000 + i),
    );
    const submitting = submitCases(supervisor.url('intake'), bodies, 8);

    // Once cases flow through every service, kill one instance of each, as the OOM killer would.
    await waitFor(
      'cases to reach reporting',
      async () => {
        const [row] = await query<{ n: string }>(
          'reporting',
          'SELECT count(*) AS n FROM inbox_message',
        );
        return Number(row.n) >= 60;
      },
      120_000,
      100,
    );
    const firstPids = supervisor.serving();
    const victims = SERVICES.map((s) =>
      firstPids.find((p) => p.service === s && p.instance === 1)!,
    );
    for (const victim of victims) process.kill(victim.pid, 'SIGKILL');
    const killedAt = Date.now();

    // The other instance of each service keeps serving meanwhile (on new connections: one that
    // was open to a killed instance is reset, as with any crash).
    for (const service of SERVICES) {
      expect(await servedByASurvivor(`${supervisor.url(service)}/health/ready`)).toBe(200);
    }
    expect(supervisor.serving().length).toBe(6);
    await waitFor('the killed instances to be restarted and serving', () =>
      Promise.resolve(supervisor.serving().length >= 9),
    );
    const restartSeconds = (Date.now() - killedAt) / 1000;
    expect(supervisor.output).toMatch(/intake#1 \(pid \d+\) was killed \(SIGKILL\); restarting/);
    expect(supervisor.output).toMatch(
      /assignment#1 \(pid \d+\) was killed \(SIGKILL\); restarting/,
    );
    expect(supervisor.output).toMatch(/reporting#1 \(pid \d+\) was killed \(SIGKILL\); restarting/);
    process.stdout.write(`killed instances serving again after ${restartSeconds.toFixed(1)} s\n`);

    const ids = await submitting;
    expect(new Set(ids).size).toBe(bodies.length);
    await waitUntilAllAssigned(ids, 240_000);
    const report = await waitForReportTotals(
      supervisor.url('reporting'),
      bodies.length,
      bodies.length,
      240_000,
    );
    const expected: Record<string, number> = {};
    for (const b of bodies) expected[b.hostCountry] = (expected[b.hostCountry] ?? 0) + 1;
    expect(Object.fromEntries(report.rows.map((r) => [r.hostCountry, r.received]))).toEqual(
      expected,
    );
    await expectAssignedExactlyOnce(ids);
    const [cases] = await query<{ n: string }>('intake', 'SELECT count(*) AS n FROM case_file');
    expect(Number(cases.n)).toBe(bodies.length);

    // Ctrl-C: the supervisor stops every instance and exits cleanly, leaving no process behind.
    const workers = supervisor.serving().map((p) => p.pid);
    const stoppingAt = Date.now();
    expect(await supervisor.stop()).toBe(0);
    expect(Date.now() - stoppingAt).toBeLessThan(15_000);
    expect(workers.filter(alive)).toEqual([]);
  }, 600_000);
});

describe('npm start when a service cannot start', () => {
  // An invalid port makes reporting refuse its configuration at every start.
  const supervisor = new Supervisor(1, {
    REPORTING_PORT: '70000',
    SUPERVISOR_BACKOFF_MS: '200',
    SUPERVISOR_MAX_START_FAILURES: '3',
  });

  afterAll(() => supervisor.stop());

  it('reports the service that keeps crashing at start-up plainly, gives up on it, and keeps the others serving', async () => {
    await resetTopics();
    await supervisor.start(['intake', 'assignment']);
    await waitFor('the supervisor to give up on reporting', () =>
      Promise.resolve(
        /reporting#1 exited with code 1 and keeps crashing at start-up \(3 times in a row\): not restarting it/.test(
          supervisor.output,
        ),
      ),
    );
    expect(
      supervisor.output.match(/reporting#1 \(pid \d+\) exited with code 1; restarting/g),
    ).toHaveLength(2);
    for (const service of ['intake', 'assignment'] as const) {
      expect((await fetch(`${supervisor.url(service)}/health/ready`)).status).toBe(200);
    }
    expect(supervisor.process.exitCode).toBeNull();
  });
});
