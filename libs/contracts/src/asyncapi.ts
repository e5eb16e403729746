import { CloudEventHeaders, DeadLetterHeaders } from './headers';
import { EVENT_SCHEMAS } from './schemas';
import { EventType, EventTypes } from './events';
import {
  ASSIGNMENT_EVENTS_TOPIC,
  CASE_EVENTS_TOPIC,
  deadLetterTopic,
  EVENT_TOPIC_PARTITIONS,
} from './topics';

/** The AsyncAPI 3.0 document of Casebridge's topics, built from the contracts themselves. */
const MESSAGE_NAMES: Record<EventType, string> = {
  [EventTypes.CaseSubmitted]: 'caseSubmitted',
  [EventTypes.CaseStatusChanged]: 'caseStatusChanged',
  [EventTypes.CasePriorityChanged]: 'casePriorityChanged',
  [EventTypes.CaseAssigned]: 'caseAssigned',
  [EventTypes.CaseSlaBreached]: 'caseSlaBreached',
  [EventTypes.CaseDuplicateDecided]: 'caseDuplicateDecided',
  [EventTypes.CasePersonalDataErased]: 'casePersonalDataErased',
};

const SUMMARIES: Record<EventType, string> = {
  [EventTypes.CaseSubmitted]:
    'A complaint was registered (classifications only, no personal data).',
  [EventTypes.CaseStatusChanged]:
    'A case moved in its lifecycle; `version` orders the changes of one case.',
  [EventTypes.CasePriorityChanged]:
    'A case was re-triaged: its priority changed, with a reason code; `version` orders it among the case’s changes.',
  [EventTypes.CaseAssigned]:
    'A case was routed, reassigned or transferred; `sequence` orders the assignments of one case.',
  [EventTypes.CaseSlaBreached]:
    'An acceptance or resolution deadline passed (published once per case and stage).',
  [EventTypes.CaseDuplicateDecided]:
    'Staff confirmed or dismissed a possible duplicate; a confirmed one is also closed (case.status-changed, reason `duplicate`) and leaves the statistics.',
  [EventTypes.CasePersonalDataErased]:
    'A case’s personal data was erased (its data key destroyed), on request or by retention; no personal data, statistics unchanged.',
};

function headersSchema(type: EventType) {
  return {
    type: 'object',
    required: [
      CloudEventHeaders.specversion,
      CloudEventHeaders.id,
      CloudEventHeaders.type,
      CloudEventHeaders.source,
      CloudEventHeaders.time,
      CloudEventHeaders.subject,
      CloudEventHeaders.contentType,
      CloudEventHeaders.correlationId,
    ],
    properties: {
      [CloudEventHeaders.specversion]: { const: '1.0' },
      [CloudEventHeaders.id]: {
        type: 'string',
        format: 'uuid',
        description: 'Event id; consumers deduplicate on it',
      },
      [CloudEventHeaders.type]: { const: type },
      [CloudEventHeaders.source]: {
        type: 'string',
        examples: ['/casebridge/intake', '/casebridge/assignment'],
      },
      [CloudEventHeaders.time]: { type: 'string', format: 'date-time' },
      [CloudEventHeaders.subject]: {
        type: 'string',
        format: 'uuid',
        description: 'The case id (also the message key)',
      },
      [CloudEventHeaders.contentType]: { const: 'application/json' },
      [CloudEventHeaders.correlationId]: {
        type: 'string',
        description: 'Id of the HTTP request that caused the chain of events',
      },
      [CloudEventHeaders.causationId]: {
        type: 'string',
        format: 'uuid',
        description: 'Id of the event whose handling produced this one',
      },
      [CloudEventHeaders.traceparent]: { type: 'string', description: 'W3C Trace Context' },
    },
  };
}

export function buildAsyncApiDocument(): Record<string, unknown> {
  const types = Object.values(EventTypes);
  const messages = Object.fromEntries(
    types.map((type) => [
      MESSAGE_NAMES[type],
      {
        name: type,
        title: type,
        summary: SUMMARIES[type],
        contentType: 'application/json',
        headers: headersSchema(type),
        payload: EVENT_SCHEMAS[type],
        bindings: {
          kafka: {
            key: { type: 'string', format: 'uuid', description: 'case id' },
            bindingVersion: '0.5.0',
          },
        },
      },
    ]),
  );
  const ref = (type: EventType) => ({ $ref: `#/components/messages/${MESSAGE_NAMES[type]}` });
  const topicBinding = (partitions: number) => ({
    kafka: {
      partitions,
      topicConfiguration: { 'retention.ms': -1, 'cleanup.policy': ['delete'] },
      bindingVersion: '0.5.0',
    },
  });
  const dlqDescription =
    'Messages a consumer could not process after bounded retries, unchanged, with the original headers plus ' +
    Object.values(DeadLetterHeaders).join(', ') +
    '.';
  const channels = {
    caseEvents: {
      address: CASE_EVENTS_TOPIC,
      description:
        'Owned by intake. Key = case id: one case’s events are ordered. Kept forever; reporting rebuilds from it.',
      messages: {
        caseSubmitted: ref(EventTypes.CaseSubmitted),
        caseStatusChanged: ref(EventTypes.CaseStatusChanged),
        casePriorityChanged: ref(EventTypes.CasePriorityChanged),
        caseDuplicateDecided: ref(EventTypes.CaseDuplicateDecided),
        casePersonalDataErased: ref(EventTypes.CasePersonalDataErased),
      },
      bindings: topicBinding(EVENT_TOPIC_PARTITIONS),
    },
    assignmentEvents: {
      address: ASSIGNMENT_EVENTS_TOPIC,
      description: 'Owned by assignment. Key = case id. Kept forever.',
      messages: {
        caseAssigned: ref(EventTypes.CaseAssigned),
        caseSlaBreached: ref(EventTypes.CaseSlaBreached),
      },
      bindings: topicBinding(EVENT_TOPIC_PARTITIONS),
    },
    caseEventsDeadLetters: {
      address: deadLetterTopic(CASE_EVENTS_TOPIC),
      description: dlqDescription,
      bindings: topicBinding(1),
    },
    assignmentEventsDeadLetters: {
      address: deadLetterTopic(ASSIGNMENT_EVENTS_TOPIC),
      description: dlqDescription,
      bindings: topicBinding(1),
    },
  };
  const operation = (
    action: 'send' | 'receive',
    channel: keyof typeof channels,
    summary: string,
    names: string[],
  ) => ({
    action,
    channel: { $ref: `#/channels/${channel}` },
    summary,
    messages: names.map((n) => ({ $ref: `#/channels/${channel}/messages/${n}` })),
  });
  return JSON.parse(
    JSON.stringify({
      asyncapi: '3.0.0',
      info: {
        title: 'Casebridge events',
        version: '1.0.0',
        description:
          'Events of the Casebridge case-management system, for integrations (analytics, call centres, partner systems). ' +
          'CloudEvents 1.0 in Kafka binary content mode: attributes in `ce_*` headers, the data as the JSON value. ' +
          'No personal data in any event, key or header: ids and classifications only. Delivery is at least once; ' +
          'deduplicate on `ce_id`. The type’s `.v1` suffix is the contract version: a breaking change gets a new type and topic.',
      },
      defaultContentType: 'application/json',
      servers: {
        local: {
          host: 'localhost:9092',
          protocol: 'kafka',
          description:
            'The broker `npm start` runs. Every client logs in (SASL/SCRAM-SHA-512; over TLS outside a single machine) and is authorised by ACL: ' +
            'only a topic’s owner writes it, integrations get a read-only principal (`integration`) with consumer groups named `integration-*`.',
          security: [{ $ref: '#/components/securitySchemes/scram' }],
        },
      },
      channels,
      operations: {
        intakePublishesCaseEvents: operation('send', 'caseEvents', 'Intake publishes case events', [
          'caseSubmitted',
          'caseStatusChanged',
          'casePriorityChanged',
          'caseDuplicateDecided',
          'casePersonalDataErased',
        ]),
        assignmentPublishesAssignmentEvents: operation(
          'send',
          'assignmentEvents',
          'Assignment publishes assignment events',
          ['caseAssigned', 'caseSlaBreached'],
        ),
        subscribeToCaseEvents: operation(
          'receive',
          'caseEvents',
          'Assignment, reporting and integrations consume case events',
          [
            'caseSubmitted',
            'caseStatusChanged',
            'casePriorityChanged',
            'caseDuplicateDecided',
            'casePersonalDataErased',
          ],
        ),
        subscribeToAssignmentEvents: operation(
          'receive',
          'assignmentEvents',
          'Intake, reporting and integrations consume assignment events',
          ['caseAssigned', 'caseSlaBreached'],
        ),
      },
      components: {
        messages,
        securitySchemes: {
          scram: {
            type: 'scramSha512',
            description:
              'SASL/SCRAM-SHA-512 with a principal the operator issues (see docs/operations.md, Kafka security).',
          },
        },
      },
    }),
  ) as Record<string, unknown>;
}
