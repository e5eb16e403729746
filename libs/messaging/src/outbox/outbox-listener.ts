import { Client, type ClientConfig } from 'pg';
import type { DataSource } from 'typeorm';
import type { PostgresConnectionOptions } from 'typeorm/driver/postgres/PostgresConnectionOptions';
import { OUTBOX_CHANNEL } from '../messaging.schema';

const MAX_RECONNECT_MS = 5000;

/** The connection settings of a TypeORM PostgreSQL data source, for a client of its own. */
export function listenerClientConfig(
  dataSource: DataSource,
  name = 'outbox-listener',
): ClientConfig {
  const o = dataSource.options as PostgresConnectionOptions;
  return {
    connectionString: o.url,
    host: o.host,
    port: o.port,
    user: o.username,
    password: typeof o.password === 'string' ? o.password : undefined,
    database: o.database,
    ssl: o.ssl as ClientConfig['ssl'],
    application_name: `${o.applicationName ?? 'casebridge'}-${name}`,
    keepAlive: true,
  };
}

/**
 * LISTENs on a channel (the outbox's by default) on a connection of its own, outside the pool,
 * and remembers whether a commit notified it since the relay (or another loop woken by commits,
 * such as reporting's delta folder) last looked. While the connection is down
 * (PostgreSQL restarting) `listening` is false and the relay polls; on every (re)connect it
 * signals once, since what committed meanwhile sent its notification to nobody.
 */
export class OutboxListener {
  private client?: Client;
  private pending = true;
  private waiter?: () => void;
  private closed = false;
  private loop?: Promise<void>;
  listening = false;

  constructor(
    private readonly config: () => ClientConfig,
    private readonly warn: (message: string) => void,
    private readonly channel: string = OUTBOX_CHANNEL,
  ) {}

  start(): void {
    this.loop = this.run();
  }

  /** Called before each pass: what commits from now on wakes the next wait. */
  take(): void {
    this.pending = false;
  }

  /** Resolves on a notification since the last take(), at once if one came, or after `ms`. */
  wait(ms: number): Promise<void> {
    if (this.pending || this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        if (this.waiter === done) this.waiter = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.waiter = done;
    });
  }

  /** Wakes a waiting relay (a notification, a reconnect, or shutdown). */
  signal(): void {
    this.pending = true;
    this.waiter?.();
  }

  async close(): Promise<void> {
    this.closed = true;
    this.signal();
    await this.client?.end().catch(() => undefined);
    await this.loop;
  }

  private async run(): Promise<void> {
    let backoff = 200;
    while (!this.closed) {
      const client = new Client(this.config());
      const ended = new Promise<void>((resolve) => {
        client.once('end', resolve);
        client.on('error', () => resolve());
      });
      client.on('notification', () => this.signal());
      try {
        await client.connect();
        this.client = client;
        await client.query(`LISTEN ${this.channel}`);
        this.listening = true;
        backoff = 200;
        this.signal();
        await ended;
      } catch (error) {
        if (!this.closed)
          this.warn(`${this.channel} listener not connected: ${(error as Error).message}`);
      } finally {
        this.listening = false;
        this.client = undefined;
        await client.end().catch(() => undefined);
      }
      if (this.closed) return;
      this.signal();
      await new Promise((resolve) => setTimeout(resolve, backoff));
      backoff = Math.min(backoff * 2, MAX_RECONNECT_MS);
    }
  }
}
