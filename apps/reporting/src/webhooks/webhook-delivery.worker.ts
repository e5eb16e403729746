import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import { webhookRequest } from './cloud-event-request';
import { WebhookActivation } from './webhook-activation';
import { DestinationPolicy } from './destination-policy';
import { nextRetryDelayMs } from './retry-schedule';
import {
  AttemptRecord,
  ClaimedDelivery,
  WebhookDeliveriesRepository,
} from './webhook-deliveries.repository';
import { webhookAttempts, webhookRequestDuration } from './webhook.metrics';
import { WebhookSender } from './webhook-sender';
import { WEBHOOK_SETTINGS, type WebhookSettings } from './webhook-settings';

const PRUNE_EVERY_MS = 3600_000;

/**
 * Delivers queued webhook deliveries from the database, never from Kafka: the dispatcher only
 * queues, so a slow or dead receiver delays nobody but its own subscription. Each instance runs
 * up to WEBHOOK_CONCURRENCY requests at once; deliveries are claimed under a lease (SKIP LOCKED
 * per subscription, so instances share the work), at most WEBHOOK_SUBSCRIPTION_CONCURRENCY in
 * flight per subscription, in order per case. A delivery whose instance dies is claimed again
 * once its lease runs out: delivery is at least once, receivers deduplicate on `webhook-id`.
 */
@Injectable()
export class WebhookDeliveryWorker implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(WebhookDeliveryWorker.name);
  private readonly sender: WebhookSender;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly leaseMs: number;
  private timer?: NodeJS.Timeout;
  private pruneTimer?: NodeJS.Timeout;
  private claiming = false;
  private claimAgain = false;
  private stopping = false;

  constructor(
    private readonly deliveries: WebhookDeliveriesRepository,
    private readonly activation: WebhookActivation,
    @Inject(WEBHOOK_SETTINGS) private readonly settings: WebhookSettings,
  ) {
    this.sender = new WebhookSender(
      new DestinationPolicy(settings.destinations),
      settings.requestTimeoutMs,
    );
    // Long enough for the request and recording it; a lease that runs out is claimed again.
    this.leaseMs = 2 * settings.requestTimeoutMs + 10_000;
  }

  onApplicationBootstrap(): void {
    if (!this.settings.enabled) return;
    this.activation.onActive(() => this.start());
  }

  private start(): void {
    if (this.stopping) return;
    this.timer = setInterval(() => this.fill(), this.settings.pollMs);
    this.timer.unref();
    this.pruneTimer = setInterval(() => void this.prune(), PRUNE_EVERY_MS);
    this.pruneTimer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    clearInterval(this.timer);
    clearInterval(this.pruneTimer);
    // The requests in hand finish (each bounded by the timeout); their results are recorded.
    await Promise.allSettled([...this.inFlight]);
    this.sender.close();
  }

  /** Claims due deliveries while there is room; one claim at a time per instance. */
  private fill(): void {
    if (this.stopping) return;
    if (this.claiming) {
      this.claimAgain = true;
      return;
    }
    this.claiming = true;
    void this.claimWhileRoom().finally(() => {
      this.claiming = false;
      if (this.claimAgain) {
        this.claimAgain = false;
        this.fill();
      }
    });
  }

  private async claimWhileRoom(): Promise<void> {
    try {
      while (!this.stopping) {
        const room = this.settings.concurrency - this.inFlight.size;
        if (room <= 0) return;
        const claimed = await this.deliveries.claim(
          room,
          this.settings.subscriptionConcurrency,
          this.leaseMs,
        );
        for (const delivery of claimed) {
          const work: Promise<void> = this.deliver(delivery).finally(() => {
            this.inFlight.delete(work);
            this.fill();
          });
          this.inFlight.add(work);
        }
        if (claimed.length < room) return;
      }
    } catch (error) {
      // The database is away: the next poll tries again; nothing was sent.
      this.logger.warn(`could not claim webhook deliveries: ${(error as Error).message}`);
    }
  }

  private async deliver(delivery: ClaimedDelivery): Promise<void> {
    const request = webhookRequest(delivery.event, delivery.contentMode, {
      secret: delivery.secret,
      webhookId: delivery.id,
      timestamp: Math.floor(Date.now() / 1000),
    });
    const stopTimer = webhookRequestDuration.startTimer();
    const outcome = await this.sender.send(delivery.url, request);
    stopTimer();
    let attempt: AttemptRecord;
    if (outcome.delivered) attempt = { outcome: 'delivered', statusCode: outcome.statusCode };
    else {
      const delayMs = nextRetryDelayMs(this.settings.retry, delivery.attempts + 1);
      attempt =
        delayMs === null
          ? { outcome: 'parked', statusCode: outcome.statusCode, error: outcome.error }
          : { outcome: 'retry', statusCode: outcome.statusCode, error: outcome.error, delayMs };
    }
    webhookAttempts.inc({ outcome: attempt.outcome });
    try {
      const recorded = await this.deliveries.record(delivery, attempt);
      if (!recorded)
        this.logger.warn(`webhook delivery ${delivery.id}: lease lost, the result is not recorded`);
    } catch (error) {
      // Unrecorded, the delivery is claimed again when its lease runs out (sent twice at worst).
      this.logger.warn(
        `webhook delivery ${delivery.id}: result not recorded: ${(error as Error).message}`,
      );
      return;
    }
    if (attempt.outcome === 'parked')
      this.logger.warn(
        `webhook delivery ${delivery.id} of subscription ${delivery.subscriptionId} parked after ${delivery.attempts + 1} attempts: ${attempt.error}`,
      );
    else if (attempt.outcome === 'retry')
      this.logger.debug(
        `webhook delivery ${delivery.id} failed (${attempt.error}); retry in ${attempt.delayMs} ms`,
      );
  }

  private async prune(): Promise<void> {
    try {
      let removed: number;
      do removed = await this.deliveries.pruneDelivered(this.settings.logRetentionDays);
      while (removed > 0 && !this.stopping);
    } catch (error) {
      this.logger.warn(`could not prune the webhook delivery log: ${(error as Error).message}`);
    }
  }
}
