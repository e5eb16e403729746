import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import { WebhookSubscriptionsRepository } from './webhook-subscriptions.repository';
import { WEBHOOK_SETTINGS, type WebhookSettings } from './webhook-settings';

/** How often an instance without webhooks yet looks whether a subscription has been registered. */
const CHECK_EVERY_MS = 5000;

/**
 * Webhooks start working in an instance once a subscription exists (registered here, or seen in
 * the database): until then the dispatcher does not join its group and the worker does not poll,
 * so a deployment without subscribers pays nothing. Once started they run until shutdown.
 */
@Injectable()
export class WebhookActivation implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(WebhookActivation.name);
  private readonly listeners: (() => void)[] = [];
  private timer?: NodeJS.Timeout;
  private active = false;

  constructor(
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
    clearInterval(this.timer);
    this.logger.log('webhook subscriptions exist: dispatching and delivering');
    for (const start of this.listeners.splice(0)) start();
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!this.settings.enabled) return;
    this.timer = setInterval(() => void this.check(), CHECK_EVERY_MS);
    this.timer.unref();
    await this.check();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
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
