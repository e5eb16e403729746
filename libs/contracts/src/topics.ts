/** Kafka topics of the Casebridge event log. Both keep events forever (retention.ms=-1). */
export const CASE_EVENTS_TOPIC = 'casebridge.case-events.v1';
export const ASSIGNMENT_EVENTS_TOPIC = 'casebridge.assignment-events.v1';

export const EVENT_TOPICS = [CASE_EVENTS_TOPIC, ASSIGNMENT_EVENTS_TOPIC] as const;
export type EventTopic = (typeof EVENT_TOPICS)[number];

export const DLQ_SUFFIX = '.dlq';
export function deadLetterTopic(topic: string): string {
  return `${topic}${DLQ_SUFFIX}`;
}

/** Partitions per event topic: the unit of consumer parallelism; the key (case id) keeps order. */
export const EVENT_TOPIC_PARTITIONS = 6;
