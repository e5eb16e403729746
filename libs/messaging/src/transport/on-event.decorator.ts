import {
  applyDecorators,
  ArgumentsHost,
  Catch,
  RpcExceptionFilter,
  UseFilters,
} from '@nestjs/common';
import { BaseRpcContext, EventPattern } from '@nestjs/microservices';
import type { EntityManager } from 'typeorm';
import { Observable, throwError } from 'rxjs';
import type { CasebridgeEvent, EventType } from '@casebridge/contracts';
import type { InboxMessage } from '../inbox/message-applier';

/** Marks a handler declared with `@OnEvent`: the transport refuses any other declaration. */
export const ON_EVENT = 'casebridge:on-event';

/**
 * Hands a handler's error back to the transport unchanged. Nest's default RPC filter would
 * replace it with "Internal server error", and the engine needs the original to tell an
 * unreachable database (retried without limit) from a failing handler (dead-lettered).
 */
@Catch()
export class RethrowToTransport implements RpcExceptionFilter<unknown> {
  catch(exception: unknown, _host: ArgumentsHost): Observable<never> {
    return throwError(() => exception);
  }
}

/**
 * Declares a method as the handler of one CloudEvents type (`ce_type`), whatever its topic.
 * It runs inside the inbox transaction: write only through `@Ctx()`'s `manager`.
 */
export function OnEvent(type: EventType): MethodDecorator {
  return applyDecorators(
    EventPattern(type, { [ON_EVENT]: true }),
    UseFilters(new RethrowToTransport()),
  );
}

/** Marks a handler declared with `@OnEvents`: its value tells one declaration from another. */
export const ON_EVENT_BATCH = 'casebridge:on-event-batch';

/**
 * Declares a method as the handler of several CloudEvents types that applies them in runs: its
 * `@Payload()` is an array of events (consecutive fresh events of one partition, in order, each
 * once; a single message comes as an array of one) and its `@Ctx()` a CasebridgeEventBatchContext.
 * It runs inside the inbox transaction: write only through the context's `manager`.
 */
export function OnEvents(...types: EventType[]): MethodDecorator {
  return applyDecorators(
    EventPattern(types, { [ON_EVENT]: true, [ON_EVENT_BATCH]: Symbol(types.join(',')) }),
    UseFilters(new RethrowToTransport()),
  );
}

/** What `@Ctx()` gives an `@OnEvents` handler: the inbox transaction and the Kafka messages. */
export class CasebridgeEventBatchContext extends BaseRpcContext<[EntityManager, InboxMessage[]]> {
  get manager(): EntityManager {
    return this.args[0];
  }

  get messages(): InboxMessage[] {
    return this.args[1];
  }
}

/** What `@Ctx()` gives an `@OnEvent` handler: the inbox transaction and the Kafka message. */
export class CasebridgeEventContext extends BaseRpcContext<
  [InboxMessage, EntityManager, CasebridgeEvent]
> {
  /** The transaction that recorded the event in the inbox: every write goes through it. */
  get manager(): EntityManager {
    return this.args[1];
  }

  get message(): InboxMessage {
    return this.args[0];
  }

  get event(): CasebridgeEvent {
    return this.args[2];
  }
}
