import { cidrList, type ReportingEnvironment } from '../config/reporting.environment';
import type { DestinationRules } from './destination-policy';
import type { RetrySchedule } from './retry-schedule';

/** The consumer group of the webhook dispatcher (its own: its offsets are not the read model's). */
export const WEBHOOKS_CONSUMER_GROUP = 'casebridge-webhooks';

/**
 * The channel notified by the commits that give the delivery workers something to do (deliveries
 * queued or replayed, a subscription registered or changed): they LISTEN instead of polling.
 */
export const WEBHOOK_CHANNEL = 'casebridge_webhook_delivery';

/** The statement that notifies it (delivered when, and only if, its transaction commits). */
export const NOTIFY_WEBHOOK_WORKERS = `SELECT pg_notify('${WEBHOOK_CHANNEL}', '')`;

export const WEBHOOK_SETTINGS = Symbol('WEBHOOK_SETTINGS');

export interface WebhookSettings {
  enabled: boolean;
  destinations: DestinationRules;
  retry: RetrySchedule;
  requestTimeoutMs: number;
  concurrency: number;
  subscriptionConcurrency: number;
  pollMs: number;
  logRetentionDays: number;
}

export function webhookSettings(env: ReportingEnvironment): WebhookSettings {
  return {
    enabled: env.WEBHOOKS_ENABLED,
    destinations: {
      allowHttp: env.WEBHOOK_ALLOW_HTTP,
      allowedNetworks: cidrList(env.WEBHOOK_ALLOWED_NETWORKS),
    },
    retry: {
      baseMs: env.WEBHOOK_RETRY_BASE_MS,
      maxDelayMs: env.WEBHOOK_RETRY_MAX_DELAY_MS,
      maxAttempts: env.WEBHOOK_MAX_ATTEMPTS,
    },
    requestTimeoutMs: env.WEBHOOK_REQUEST_TIMEOUT_MS,
    concurrency: env.WEBHOOK_CONCURRENCY,
    subscriptionConcurrency: env.WEBHOOK_SUBSCRIPTION_CONCURRENCY,
    pollMs: env.WEBHOOK_POLL_MS,
    logRetentionDays: env.WEBHOOK_LOG_RETENTION_DAYS,
  };
}
