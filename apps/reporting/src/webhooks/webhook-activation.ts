import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import { DataSource } from 'typeorm';
import { listenerClientConfig, OutboxListener } from '@casebridge/messaging';
import { WebhookSubscriptionsRepository } from './webhook-subscriptions.repository';
import { WEBHOOK_CHANNEL, WEBHOOK_SETTINGS, type WebhookSettings } from './webhook-settings';

/** How often an instance without webhooks looks for a subscription while it cannot listen. */
const CHECK_EVERY_MS = 5000;
/** Listening, a registration in another instance is notified: no timer is needed (~24 days). */
const LISTENING_WAIT_MS = 2 ** 31 - 1;

/**
 * Webhooks start working in an instance once a subscription exists (registered here, or seen in
 * the database): until then the dispatcher does not join its group and the worker does not run,
 * so a deployment without subscribers pays nothing. An instance without subscriptions LISTENs on
 * WEBHOOK_CHANNEL (a registration's commit notifies it) and looks again on each notification or
 * reconnection; it polls every 5 s only while it cannot listen. Once started webhooks run until
 * shutdown.
 */
@Injectable()
export class WebhookActivation implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(WebhookActivation.name);
  private readonly listeners: (() => void)[] = [];
  private listener?: OutboxListener;
  private watching?: Promise<void>;
  private active = false;
  private stopping = false;

  constructor(
    private readonly db: DataSource,
    private readonly subscriptions: WebhookSubscriptionsRepository,
    @Inject(WEBHOOK_SETTINGS) private readonly settings: WebhookSettings,
  ) {}

  get isActive(): boolean {
    return this.active;
  }

  /** Runs `start` once webhooks are active (at once if they are). */
  onActive(start: () => void): void {
    if (this.active) start();
    else this.listeners.push(start);
  }

  /** A subscription exists: start dispatching and delivering. */
  activate(): void {
    if (this.active || !this.settings.enabled) return;
    this.active = true;
    // The watch ends and closes its connection.
    this.listener?.signal();
    this.logger.log('webhook subscriptions exist: dispatching and delivering');
    for (const start of this.listeners.splice(0)) start();
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!this.settings.enabled) return;
    await this.check();
    if (this.active) return;
    const listener = new OutboxListener(
      () => listenerClientConfig(this.db, 'webhook-activation'),
      (message) => this.logger.warn(message),
      WEBHOOK_CHANNEL,
    );
    this.listener = listener;
    listener.start();
    this.watching = this.watch(listener);
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    this.listener?.signal();
    await this.watching;
  }

  private async watch(listener: OutboxListener): Promise<void> {
    try {
      // The listener starts signalled (and signals on each connection): the first pass looks.
      while (!this.active && !this.stopping) {
        listener.take();
        await this.check();
        if (this.active || this.stopping) break;
        await listener.wait(listener.listening ? LISTENING_WAIT_MS : CHECK_EVERY_MS);
      }
    } finally {
      this.listener = undefined;
      await listener.close();
    }
  }

  private async check(): Promise<void> {
    try {
      if (await this.subscriptions.any()) this.activate();
    } catch (error) {
      // The database is away: the next check tries again.
      this.logger.warn(`could not look for webhook subscriptions: ${(error as Error).message}`);
    }
  }
}
