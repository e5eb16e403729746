import { execFile, execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { freePort } from './infra';

const ROOT = join(__dirname, '..', '..');

/** The newest PostgreSQL server binaries on this machine (Debian's layout, else the PATH). */
function serverBinaries(): string {
  const debian = '/usr/lib/postgresql';
  if (existsSync(debian)) {
    const versions = readdirSync(debian)
      .filter((v) => existsSync(join(debian, v, 'bin', 'pg_ctl')))
      .sort((a, b) => Number(b) - Number(a));
    if (versions.length) return join(debian, versions[0], 'bin');
  }
  try {
    return execFileSync('pg_config', ['--bindir'], { encoding: 'utf8' }).trim();
  } catch {
    throw new Error('PostgreSQL server binaries (initdb, pg_ctl) not found');
  }
}

/**
 * A PostgreSQL server of the test's own, on a free port in a temporary directory: a test can
 * restart or stop it (fast shutdown, as an operator or a crash would) without touching the
 * machine's server that the other suites use. It gets the services' roles and databases with the
 * project's own set-up script. PostgreSQL refuses to run as root, so as root it runs as `postgres`.
 */
export class PrivatePostgres {
  readonly dir = mkdtempSync(join(tmpdir(), 'casebridge-pg-'));
  private readonly bin = serverBinaries();
  port = 0;

  /** The command line of a server tool (through runuser as root). */
  private command(tool: string, args: string[]): [string, string[]] {
    const command = join(this.bin, tool);
    return process.getuid?.() === 0
      ? ['runuser', ['-u', 'postgres', '--', command, ...args]]
      : [command, args];
  }

  private run(tool: string, args: string[]): void {
    const [file, argv] = this.command(tool, args);
    execFileSync(file, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
  }

  private get data(): string {
    return join(this.dir, 'data');
  }

  async start(): Promise<void> {
    this.port = await freePort();
    if (process.getuid?.() === 0)
      chownSync(
        this.dir,
        Number(execFileSync('id', ['-u', 'postgres']).toString()),
        Number(execFileSync('id', ['-g', 'postgres']).toString()),
      );
    this.run('initdb', [
      '-D',
      this.data,
      '-U',
      'postgres',
      '--auth=trust',
      '-E',
      'UTF8',
      '--no-sync',
    ]);
    this.pgCtl('start');
    execFileSync(process.execPath, [join(ROOT, 'dist', 'scripts', 'setup-databases.js')], {
      env: { ...process.env, ...this.environment(), PG_ADMIN_URL: this.adminUrl('postgres') },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  }

  private pgCtlArgs(action: 'start' | 'restart' | 'stop'): string[] {
    return [
      '-D',
      this.data,
      '-w',
      '-m',
      'fast',
      '-l',
      join(this.dir, 'server.log'),
      ...(action === 'stop'
        ? []
        : ['-o', `-p ${this.port} -c listen_addresses=127.0.0.1 -k ${this.dir} -c fsync=off`]),
      action,
    ];
  }

  private pgCtl(action: 'start' | 'stop'): void {
    this.run('pg_ctl', this.pgCtlArgs(action));
  }

  /**
   * A fast shutdown and start again: every connection is terminated, as in an operator's restart.
   * It runs in the background (the test's clients keep sending meanwhile) and resolves once the
   * server accepts connections again.
   */
  restart(): Promise<void> {
    const [file, argv] = this.command('pg_ctl', this.pgCtlArgs('restart'));
    return new Promise((resolve, reject) =>
      execFile(file, argv, (error) => (error ? reject(new Error(error.message)) : resolve())),
    );
  }

  stop(): void {
    try {
      if (this.port) this.pgCtl('stop');
    } finally {
      rmSync(this.dir, { recursive: true, force: true });
    }
  }

  /** What a service needs to use this server instead of the machine's. */
  environment(): Record<string, string> {
    return { DATABASE_HOST: '127.0.0.1', DATABASE_PORT: String(this.port) };
  }

  adminUrl(database: string): string {
    return `postgres://postgres@127.0.0.1:${this.port}/${database}`;
  }

  async query<T = Record<string, unknown>>(database: string, sql: string): Promise<T[]> {
    const client = new Client({ connectionString: this.adminUrl(database) });
    await client.connect();
    try {
      return (await client.query(sql)).rows as T[];
    } finally {
      await client.end();
    }
  }
}
