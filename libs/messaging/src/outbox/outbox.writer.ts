import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { EVENT_TOPIC_OF, EventDataMap, EventType } from '@casebridge/contracts';
import { currentCorrelation, insertRows, RowInsert } from '@casebridge/common';
import { buildHeaders, newEventId } from '../cloud-event.codec';
import { eventSchemaErrors } from '../event-validator';
import { MESSAGING_OPTIONS, MessagingOptions } from '../messaging.options';

/**
 * Writes an event into the outbox inside the caller's transaction: the state change and its
 * event commit together or not at all. Write a case's events after updating the case row, so
 * that transactions touching one case serialise and its events keep their order.
 */
@Injectable()
export class OutboxWriter {
  constructor(@Inject(MESSAGING_OPTIONS) private readonly options: MessagingOptions) {}

  async add<T extends EventType>(
    manager: EntityManager,
    type: T,
    data: EventDataMap[T],
    time?: Date,
  ): Promise<string> {
    const { id, row } = this.row(type, data, time);
    await insertRows(manager, [row]);
    return id;
  }

  /**
   * The event's outbox row, validated, to be written in one statement with the state change it
   * announces (see insertRows): one round trip, and the two commit together or not at all.
   */
  row<T extends EventType>(
    type: T,
    data: EventDataMap[T],
    time?: Date,
  ): { id: string; row: RowInsert } {
    const errors = eventSchemaErrors(type, data);
    if (errors.length)
      throw new Error(`refusing to publish an invalid ${type}: ${errors.join('; ')}`);
    const id = newEventId();
    const subject = data.caseId;
    const ctx = currentCorrelation();
    const headers = buildHeaders(id, type, this.options.source, subject, {
      correlationId: ctx?.correlationId ?? id,
      causationId: ctx?.causationId,
      traceparent: ctx?.traceparent,
      time,
    });
    return {
      id,
      row: {
        table: 'outbox_event',
        columns: ['event_id', 'topic', 'message_key', 'event_type', 'headers', 'payload'],
        values: [
          id,
          EVENT_TOPIC_OF[type],
          subject,
          type,
          JSON.stringify(headers),
          JSON.stringify(data),
        ],
      },
    };
  }
}
