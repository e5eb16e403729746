import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** One registry per process; every Casebridge metric is registered here. */
export const metricsRegistry = new Registry();
let defaultsCollected = false;

export function initMetrics(service: string): void {
  if (defaultsCollected) return;
  defaultsCollected = true;
  metricsRegistry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: metricsRegistry });
}

export const httpRequestDuration = new Histogram({
  name: 'casebridge_http_request_duration_seconds',
  help: 'HTTP request latency by route and status',
  labelNames: ['method', 'route', 'status'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  registers: [metricsRegistry],
});

export const eventsPublished = new Counter({
  name: 'casebridge_events_published_total',
  help: 'Events published to Kafka by the outbox relay',
  labelNames: ['topic', 'type'] as const,
  registers: [metricsRegistry],
});

export const eventsConsumed = new Counter({
  name: 'casebridge_events_consumed_total',
  help: 'Events consumed, by outcome (applied, duplicate, ignored, dead_lettered)',
  labelNames: ['topic', 'type', 'outcome'] as const,
  registers: [metricsRegistry],
});

export const deadLetters = new Counter({
  name: 'casebridge_dead_letters_total',
  help: 'Messages sent to a dead-letter topic',
  labelNames: ['topic'] as const,
  registers: [metricsRegistry],
});

export const outboxBacklog = new Gauge({
  name: 'casebridge_outbox_backlog',
  help: 'Events written to the outbox and not yet published',
  registers: [metricsRegistry],
});

export const consumerLag = new Gauge({
  name: 'casebridge_consumer_lag',
  help: 'Messages behind the end of each topic partition, per consumer group',
  labelNames: ['group', 'topic', 'partition'] as const,
  registers: [metricsRegistry],
});

export const httpRequestsShed = new Counter({
  name: 'casebridge_http_requests_shed_total',
  help: 'HTTP requests answered 503 overloaded by admission control, by reason (queue_full, queue_timeout)',
  labelNames: ['reason'] as const,
  registers: [metricsRegistry],
});

export const httpRequestsInFlight = new Gauge({
  name: 'casebridge_http_requests_in_flight',
  help: 'HTTP requests admitted and in progress (health and metrics routes excepted)',
  registers: [metricsRegistry],
});

export const httpRequestsQueued = new Gauge({
  name: 'casebridge_http_requests_queued',
  help: 'HTTP requests waiting for admission',
  registers: [metricsRegistry],
});
