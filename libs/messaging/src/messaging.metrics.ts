import { Counter } from 'prom-client';
import { metricsRegistry } from '@casebridge/common';

/** Events a consumer refused (and dead-lettered) because their topic's owner cannot have sent them. */
export const eventsRefused = new Counter({
  name: 'casebridge_events_refused_total',
  help: 'Events refused and dead-lettered by a consumer, by reason (untrusted_source, wrong_topic)',
  labelNames: ['topic', 'reason'] as const,
  registers: [metricsRegistry],
});

/**
 * Runs of events (one partition's, one transaction) that failed as a whole and were applied
 * again one message at a time: a message in it could not be applied, the run lost a race, or the
 * database went away; many of them slow a consumer down.
 */
export const eventRunsSplit = new Counter({
  name: 'casebridge_event_runs_split_total',
  help: 'Runs of events that failed in one transaction and were applied again message by message',
  labelNames: ['group', 'topic'] as const,
  registers: [metricsRegistry],
});
