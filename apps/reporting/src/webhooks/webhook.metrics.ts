import { Counter, Histogram } from 'prom-client';
import { metricsRegistry } from '@casebridge/common';

export const webhookAttempts = new Counter({
  name: 'casebridge_webhook_attempts_total',
  help: 'Webhook delivery attempts, by outcome (delivered, retry, parked)',
  labelNames: ['outcome'] as const,
  registers: [metricsRegistry],
});

export const webhookRequestDuration = new Histogram({
  name: 'casebridge_webhook_request_duration_seconds',
  help: 'Time until a webhook receiver answered (or the attempt failed)',
  buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [metricsRegistry],
});

export const webhookDeliveriesQueued = new Counter({
  name: 'casebridge_webhook_deliveries_queued_total',
  help: 'Deliveries the dispatcher queued (one per matching event and subscription)',
  registers: [metricsRegistry],
});
