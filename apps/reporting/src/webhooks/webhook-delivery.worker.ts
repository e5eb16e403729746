import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import { DataSource } from 'typeorm';
import { listenerClientConfig, OutboxListener } from '@casebridge/messaging';
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
import { WEBHOOK_CHANNEL, WEBHOOK_SETTINGS, type WebhookSettings } from './webhook-settings';

const PRUNE_EVERY_MS = 3600_000;
/**
 * The longest a listening worker sleeps with nothing due. Every change that makes a delivery due
 * is notified (queued, replayed, a subscription resumed) or known from the queue (retries and
 * leases have a time), so this only bounds the effect of what no notification could tell.
 */
const MAX_SLEEP_MS = 60_000;
const MAX_BACKOFF_MS = 5000;

/**
 * Delivers queued webhook deliveries from the database, never from Kafka: the dispatcher only
 * queues, so a slow or dead receiver delays nobody but its own subscription. Each instance runs
 * up to WEBHOOK_CONCURRENCY requests at once; deliveries are claimed under a lease (SKIP LOCKED
 * per subscription, so instances share the work), at most WEBHOOK_SUBSCRIPTION_CONCURRENCY in
 * flight per subscription, in order per case. A delivery whose instance dies is claimed again
 * once its lease runs out: delivery is at least once, receivers deduplicate on `webhook-id`.
 *
 * It does not poll: the commits that make deliveries due notify `WEBHOOK_CHANNEL` (LISTEN, see
 * OutboxListener), a finished request wakes it, and otherwise it sleeps until the earliest time
 * the queue names (a retry's `next_attempt_at`, a lease's expiry), at most MAX_SLEEP_MS. It polls
 * every WEBHOOK_POLL_MS only while it cannot listen, or while due deliveries wait for a slot that
 * other requests (of this instance or another) hold.
 */
@Injectable()
export class WebhookDeliveryWorker implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(WebhookDeliveryWorker.name);
  private readonly sender: WebhookSender;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly leaseMs: number;
  private listener?: OutboxListener;
  private loop?: Promise<void>;
  private pruneTimer?: NodeJS.Timeout;
  private stopping = false;

  constructor(
    private readonly db: DataSource,
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
    this.listener = new OutboxListener(
      () => listenerClientConfig(this.db, 'webhook-worker'),
      (message) => this.logger.warn(message),
      WEBHOOK_CHANNEL,
    );
    this.listener.start();
    this.loop = this.run(this.listener);
    this.pruneTimer = setInterval(() => void this.prune(), PRUNE_EVERY_MS);
    this.pruneTimer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    clearInterval(this.pruneTimer);
    this.listener?.signal();
    await this.loop;
    await this.listener?.close();
    // The requests in hand finish (each bounded by the timeout); their results are recorded.
    await Promise.allSettled([...this.inFlight]);
    this.sender.close();
  }

  private async run(listener: OutboxListener): Promise<void> {
    let backoff = 200;
    while (!this.stopping) {
      // What commits (or finishes) from here on wakes the next wait.
      listener.take();
      let sleepMs: number;
      try {
        sleepMs = await this.pass();
        backoff = 200;
        // Not listening, commits wake nobody: look again soon.
        if (!listener.listening) sleepMs = Math.min(sleepMs, this.settings.pollMs);
      } catch (error) {
        // The database is away: nothing was sent; try again after a while.
        this.logger.warn(`could not claim webhook deliveries: ${(error as Error).message}`);
        sleepMs = backoff;
        backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
      }
      if (!this.stopping) await listener.wait(sleepMs);
    }
  }

  /** Claims due deliveries while there is room; returns how long the worker may then sleep. */
  private async pass(): Promise<number> {
    for (;;) {
      if (this.stopping) return 0;
      const room = this.settings.concurrency - this.inFlight.size;
      // Full: a finished request wakes the worker.
      if (room <= 0) return MAX_SLEEP_MS;
      const claimed = await this.deliveries.claim(
        room,
        this.settings.subscriptionConcurrency,
        this.leaseMs,
      );
      for (const delivery of claimed) {
        const work: Promise<void> = this.deliver(delivery).finally(() => {
          this.inFlight.delete(work);
          // Room again, and the next delivery of its case may be due.
          this.listener?.signal();
        });
        this.inFlight.add(work);
      }
      if (claimed.length < room) break;
    }
    const dueInMs = await this.deliveries.nextDueInMs();
    if (dueInMs === null) return MAX_SLEEP_MS;
    // Due but not claimed: the slots are held by requests in flight, or another instance is
    // claiming them this moment.
    if (dueInMs <= 0) return this.settings.pollMs;
    return Math.min(dueInMs, MAX_SLEEP_MS);
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
