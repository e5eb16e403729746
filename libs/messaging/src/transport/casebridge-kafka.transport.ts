import { CustomTransportStrategy, MessageHandler, Server } from '@nestjs/microservices';
import { isObservable, lastValueFrom } from 'rxjs';
import { EVENT_TOPIC_OF, EventType, EventTypes } from '@casebridge/contracts';
import type { EventConsumer } from '../inbox/event-consumer';
import type { EventConsumerFactory } from '../inbox/event-consumer.factory';
import {
  batchEventHandler,
  type EventBatchHandler,
  type EventHandler,
  type EventHandlers,
} from '../inbox/message-applier';
import {
  CasebridgeEventBatchContext,
  CasebridgeEventContext,
  ON_EVENT,
  ON_EVENT_BATCH,
} from './on-event.decorator';

export interface CasebridgeKafkaTransportOptions {
  /** The consumer group, exactly as the inbox records it (no suffix). */
  groupId: string;
  /** Partitions processed at once by this instance. */
  concurrency?: number;
  /** Messages of one partition applied in one transaction, at most (default MAX_CHUNK). */
  maxChunk?: number;
}

/** A handler declaration the transport cannot serve: the service refuses to start. */
export class EventHandlerDeclarationError extends Error {}

const KNOWN_TYPES = new Set<string>(Object.values(EventTypes));

/**
 * Serves a service's `@OnEvent` (and `@OnEvents`, batch) controller methods from Kafka through the messaging engine
 * (EventConsumer + MessageApplier): inbox row in the handler's transaction, bounded retries
 * then `<topic>.dlq`, unlimited retries while the database is down, correlation ids, lag
 * metrics, refusal of untrusted sources. It dispatches by CloudEvents type, subscribes to the
 * topics the contracts give those types, and starts in the background while the broker is down.
 */
export class CasebridgeKafkaTransport extends Server implements CustomTransportStrategy {
  private consumer?: EventConsumer;
  private readonly declarationErrors: string[] = [];

  constructor(
    private readonly options: CasebridgeKafkaTransportOptions,
    private readonly consumers: EventConsumerFactory,
  ) {
    super();
  }

  /** Nest's Server chains a second handler of one pattern silently; here it is refused. */
  override addHandler(
    pattern: unknown,
    callback: MessageHandler,
    isEventHandler?: boolean,
    extras?: Record<string, unknown>,
  ): void {
    const key = this.normalizePattern(pattern as string);
    if (this.messageHandlers.has(key))
      this.declarationErrors.push(`two handlers for event type "${key}"; declare one`);
    super.addHandler(pattern, callback, isEventHandler, extras);
  }

  listen(callback: (error?: unknown) => void): void {
    let handlers: EventHandlers;
    try {
      handlers = this.eventHandlers();
    } catch (error) {
      callback(error);
      return;
    }
    const types = Object.keys(handlers) as EventType[];
    if (types.length > 0) {
      this.consumer = this.consumers.create({
        groupId: this.options.groupId,
        topics: [...new Set(types.map((type) => EVENT_TOPIC_OF[type]))],
        handlers,
        concurrency: this.options.concurrency,
        maxChunk: this.options.maxChunk,
      });
      // In the background: the service answers /health/live while the broker is unreachable.
      this.consumer.start();
    }
    callback();
  }

  /** Resolves once the consumer has joined its group (tests wait for it). */
  async ready(): Promise<void> {
    await this.consumer?.ready();
  }

  /** Drains: the message in hand finishes (or is left for redelivery), then the consumer leaves. */
  async close(): Promise<void> {
    await this.consumer?.stop();
  }

  on(): never {
    throw new Error('CasebridgeKafkaTransport has no events to listen to');
  }

  unwrap<T>(): T {
    return this.consumer as T;
  }

  private eventHandlers(): EventHandlers {
    const problems = [...this.declarationErrors];
    const handlers: Record<string, EventHandler> = {};
    // One batch function per @OnEvents declaration, shared by its types: their runs go together.
    const batches = new Map<unknown, EventBatchHandler>();
    for (const [pattern, handler] of this.messageHandlers) {
      if (!handler.isEventHandler)
        problems.push(`"${pattern}" is a request handler; events are declared with @OnEvent(type)`);
      else if (!handler.extras?.[ON_EVENT])
        problems.push(`"${pattern}" is declared with @EventPattern; use @OnEvent(EventTypes.…)`);
      else if (!KNOWN_TYPES.has(pattern))
        problems.push(`@OnEvent("${pattern}"): no such event type in the contracts`);
      else if (handler.extras?.[ON_EVENT_BATCH]) {
        const id: unknown = handler.extras[ON_EVENT_BATCH];
        const batch = batches.get(id) ?? this.batchDispatcher(handler);
        batches.set(id, batch);
        handlers[pattern] = batchEventHandler(batch);
      } else handlers[pattern] = this.dispatcher(handler);
    }
    if (problems.length)
      throw new EventHandlerDeclarationError(
        `event handlers of ${this.options.groupId} refused: ${problems.join('; ')}`,
      );
    return handlers;
  }

  /**
   * Calls the Nest handler (pipes, interceptors, filters) and waits for its result, so that a
   * failure rejects the message and the engine retries or dead-letters it. (Server.handleEvent
   * does not wait for an observable.)
   */
  private batchDispatcher(handler: MessageHandler): EventBatchHandler {
    return async (items, manager) => {
      const context = new CasebridgeEventBatchContext([manager, items.map((i) => i.message)]);
      const result: unknown = await handler(
        items.map((i) => i.event),
        context,
      );
      if (isObservable(result)) await lastValueFrom(result, { defaultValue: undefined });
    };
  }

  private dispatcher(handler: MessageHandler): EventHandler {
    return async (event, manager, message) => {
      const context = new CasebridgeEventContext([message, manager, event]);
      const result: unknown = await handler(event, context);
      if (isObservable(result)) await lastValueFrom(result, { defaultValue: undefined });
    };
  }
}
