/** Kafka header names of the CloudEvents 1.0 binary content mode, plus Casebridge extensions. */
export const CloudEventHeaders = {
  specversion: 'ce_specversion',
  id: 'ce_id',
  type: 'ce_type',
  source: 'ce_source',
  time: 'ce_time',
  subject: 'ce_subject',
  correlationId: 'ce_correlationid',
  causationId: 'ce_causationid',
  contentType: 'content-type',
  traceparent: 'traceparent',
} as const;

export const CLOUDEVENTS_SPEC_VERSION = '1.0';
export const EVENT_CONTENT_TYPE = 'application/json';

/** Headers a dead letter carries in addition to the original message's headers. */
export const DeadLetterHeaders = {
  error: 'dlq_error',
  errorKind: 'dlq_error_kind',
  originalTopic: 'dlq_original_topic',
  originalPartition: 'dlq_original_partition',
  originalOffset: 'dlq_original_offset',
  consumerGroup: 'dlq_consumer_group',
  attempts: 'dlq_attempts',
  failedAt: 'dlq_failed_at',
} as const;
