import type { IHeaders, KafkaMessage, Message } from 'kafkajs';
import { CloudEventHeaders, DeadLetterHeaders } from '@casebridge/contracts';

/** A message read from a dead-letter topic, with what its headers say about its failure. */
export interface DeadLetter {
  /** Its own position in the dead-letter topic. */
  partition: number;
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  headers: IHeaders;
  /** ce_id in lower case, when it is a UUID (consumers deduplicate on it). */
  eventId?: string;
  eventType?: string;
  /** Where the consumer read it (dlq_original_*). */
  original?: { topic: string; partition: string; offset: string };
  consumerGroup?: string;
  errorKind?: string;
  error?: string;
  attempts?: string;
  failedAt?: string;
}

/** Why a dead letter is listed but not re-published. */
export type SkipReason =
  | { kind: 'no_event_id' }
  | { kind: 'refused_source' }
  | { kind: 'other_topic'; topic?: string }
  | { kind: 'same_event'; as: { partition: number; offset: string } };

export interface PlannedDeadLetter {
  letter: DeadLetter;
  /** Absent: re-published. */
  skip?: SkipReason;
  /** Every consumer group that dead-lettered this event (several may have). */
  consumerGroups: string[];
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DEAD_LETTER_HEADER_NAMES = new Set<string>(Object.values(DeadLetterHeaders));
/** Refusals of events their topic's owner cannot have sent: re-publishing would launder them. */
const FORGED_KINDS = new Set(['untrusted_source', 'wrong_topic']);

function header(headers: IHeaders, name: string): string | undefined {
  const value = headers[name];
  const first = Array.isArray(value) ? value[0] : value;
  if (first === undefined) return undefined;
  return Buffer.isBuffer(first) ? first.toString('utf8') : String(first);
}

export function readDeadLetter(partition: number, message: KafkaMessage): DeadLetter {
  const headers = message.headers ?? {};
  const h = (name: string) => header(headers, name);
  const id = h(CloudEventHeaders.id);
  const originalTopic = h(DeadLetterHeaders.originalTopic);
  return {
    partition,
    offset: message.offset,
    key: message.key,
    value: message.value,
    headers,
    eventId: id !== undefined && UUID.test(id) ? id.toLowerCase() : undefined,
    eventType: h(CloudEventHeaders.type),
    original:
      originalTopic === undefined
        ? undefined
        : {
            topic: originalTopic,
            partition: h(DeadLetterHeaders.originalPartition) ?? '?',
            offset: h(DeadLetterHeaders.originalOffset) ?? '?',
          },
    consumerGroup: h(DeadLetterHeaders.consumerGroup),
    errorKind: h(DeadLetterHeaders.errorKind),
    error: h(DeadLetterHeaders.error),
    attempts: h(DeadLetterHeaders.attempts),
    failedAt: h(DeadLetterHeaders.failedAt),
  };
}

/**
 * Decides, in topic order, which dead letters go back to `originalTopic`: those of the chosen
 * events (all when `eventIds` is empty) that carry an event id, came from that topic and were not
 * refused as forged. An event dead-lettered several times (by several consumer groups, or
 * published twice) is re-published once; every consumer group gets it again anyway.
 */
export function planRedrive(
  letters: DeadLetter[],
  originalTopic: string,
  eventIds: string[] = [],
): PlannedDeadLetter[] {
  const wanted = new Set(eventIds.map((id) => id.toLowerCase()));
  const chosen = wanted.size
    ? letters.filter((l) => l.eventId !== undefined && wanted.has(l.eventId))
    : letters;
  const firstOfEvent = new Map<string, PlannedDeadLetter>();
  return chosen.map((letter): PlannedDeadLetter => {
    const planned: PlannedDeadLetter = {
      letter,
      consumerGroups: letter.consumerGroup ? [letter.consumerGroup] : [],
    };
    if (letter.original?.topic !== originalTopic)
      planned.skip = { kind: 'other_topic', topic: letter.original?.topic };
    else if (letter.eventId === undefined) planned.skip = { kind: 'no_event_id' };
    else if (letter.errorKind !== undefined && FORGED_KINDS.has(letter.errorKind))
      planned.skip = { kind: 'refused_source' };
    else {
      const first = firstOfEvent.get(letter.eventId);
      if (first) {
        planned.skip = {
          kind: 'same_event',
          as: { partition: first.letter.partition, offset: first.letter.offset },
        };
        if (letter.consumerGroup && !first.consumerGroups.includes(letter.consumerGroup))
          first.consumerGroups.push(letter.consumerGroup);
      } else firstOfEvent.set(letter.eventId, planned);
    }
    return planned;
  });
}

/**
 * The message as its producer wrote it: same key, value and headers (CloudEvents attributes,
 * correlation, trace), without the dead-letter headers. Same event id, so every consumer's inbox
 * applies it at most once however often it is re-published.
 */
export function originalMessage(letter: DeadLetter): Message {
  const headers: IHeaders = {};
  for (const [name, value] of Object.entries(letter.headers))
    if (!DEAD_LETTER_HEADER_NAMES.has(name) && value !== undefined) headers[name] = value;
  return { key: letter.key, value: letter.value, headers };
}

export function describeSkip(skip: SkipReason): string {
  switch (skip.kind) {
    case 'no_event_id':
      return 'no event id (ce_id): consumers would refuse it again and could not deduplicate it';
    case 'refused_source':
      return 'refused as not sent by the topic’s owner: never re-published';
    case 'other_topic':
      return `its original topic is ${skip.topic ?? 'not recorded'}`;
    case 'same_event':
      return `same event as dead letter ${skip.as.partition}@${skip.as.offset}`;
  }
}

/** One line per dead letter: positions, event, failure; never the value. */
export function describeDeadLetter(planned: PlannedDeadLetter, deadLetterTopic: string): string {
  const { letter } = planned;
  const original = letter.original
    ? `${letter.original.topic} ${letter.original.partition}@${letter.original.offset}`
    : 'unknown position';
  const error = (letter.error ?? '').replace(/\s+/g, ' ').slice(0, 300);
  const attempts = letter.attempts ? ` after ${letter.attempts} attempt(s)` : '';
  return [
    `${deadLetterTopic} ${letter.partition}@${letter.offset} <- ${original}`,
    `  event ${letter.eventId ?? '(none)'} ${letter.eventType ?? ''}`.trimEnd(),
    `  dead-lettered by ${planned.consumerGroups.join(', ') || 'unknown group'}${attempts} at ${letter.failedAt ?? '?'}`,
    `  ${letter.errorKind ?? 'unknown'}: ${error}`,
    `  -> ${planned.skip ? `skip: ${describeSkip(planned.skip)}` : 'redrive'}`,
  ].join('\n');
}
