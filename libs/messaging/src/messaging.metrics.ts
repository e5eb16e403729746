import { Counter } from 'prom-client';
import { metricsRegistry } from '@casebridge/common';

/** Events a consumer refused (and dead-lettered) because their topic's owner cannot have sent them. */
export const eventsRefused = new Counter({
  name: 'casebridge_events_refused_total',
  help: 'Events refused and dead-lettered by a consumer, by reason (untrusted_source, wrong_topic)',
  labelNames: ['topic', 'reason'] as const,
  registers: [metricsRegistry],
});
