import { randomUUID } from 'node:crypto';
import {
  CanActivate,
  Controller,
  Global,
  INestApplication,
  Injectable,
  Module,
  Type,
} from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { Ctx, EventPattern, MessagePattern, Payload } from '@nestjs/microservices';
import { Test } from '@nestjs/testing';
import type { EachBatchPayload, EachMessagePayload, Kafka, Message } from 'kafkajs';
import { DataSource, EntityManager } from 'typeorm';
import {
  ASSIGNMENT_EVENTS_TOPIC,
  CasebridgeEvent,
  DeadLetterHeaders,
  deadLetterTopic,
  EventSources,
  EventType,
  EventTypes,
} from '@casebridge/contracts';
import { EVENT_TRANSPORT } from '@casebridge/common';
import { buildHeaders } from '../cloud-event.codec';
import { KafkaAdmin } from '../kafka/kafka-admin.service';
import { KafkaProducer } from '../kafka/kafka-producer.service';
import { MessagingModule } from '../messaging.module';
import { KAFKA } from '../messaging.options';
import { CasebridgeKafkaTransport } from './casebridge-kafka.transport';
import {
  CasebridgeEventBatchContext,
  CasebridgeEventContext,
  OnEvent,
  OnEvents,
} from './on-event.decorator';
import { batchOf } from '../../../../test/support/kafka-batch';

const GROUP = 'casebridge-intake';

/** A kafkajs stand-in: refuses `failures` connections, then lets the test deliver messages. */
function fakeKafka(failures = 0) {
  let attempts = 0;
  let eachBatch: ((p: EachBatchPayload) => Promise<void>) | undefined;
  const groupIds: string[] = [];
  const subscribed: string[][] = [];
  const consumer = {
    events: { CRASH: 'consumer.crash' },
    on: () => () => undefined,
    connect: () => {
      attempts += 1;
      return attempts <= failures
        ? Promise.reject(new Error('broker unreachable'))
        : Promise.resolve();
    },
    subscribe: ({ topics }: { topics: string[] }) => {
      subscribed.push(topics);
      return Promise.resolve();
    },
    run: (options: { eachBatch: (p: EachBatchPayload) => Promise<void> }) => {
      eachBatch = options.eachBatch;
      return Promise.resolve();
    },
    disconnect: () => Promise.resolve(),
  };
  return {
    kafka: {
      consumer: ({ groupId }: { groupId: string }) => {
        groupIds.push(groupId);
        return consumer;
      },
    } as unknown as Kafka,
    groupIds,
    subscribed,
    attempts: () => attempts,
    deliver: (p: EachMessagePayload) => {
      if (!eachBatch) throw new Error('the consumer is not running');
      return eachBatch(batchOf([p]));
    },
    deliverBatch: (ps: EachMessagePayload[]) => {
      if (!eachBatch) throw new Error('the consumer is not running');
      return eachBatch(batchOf(ps));
    },
  };
}

/** A DataSource whose transactions record inbox rows (ON CONFLICT DO NOTHING included). */
function fakeDataSource() {
  const inbox = new Set<string>();
  const managers: { manager: EntityManager; insertedInbox: boolean }[] = [];
  let unavailable = 0;
  const dataSource = {
    transaction: async <T>(work: (m: EntityManager) => Promise<T>): Promise<T> => {
      if (unavailable > 0) {
        unavailable -= 1;
        throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), {
          code: 'ECONNREFUSED',
        });
      }
      const entry = { manager: {} as EntityManager, insertedInbox: false };
      const staged = new Set<string>();
      entry.manager = {
        query: (sql: string, params: unknown[]) => {
          if (!sql.includes('INSERT INTO inbox_message')) return Promise.resolve([]);
          // One statement for any number of rows: the event ids come as an array.
          const fresh = (params[1] as string[]).filter((id) => {
            const key = `${String(params[0])}/${id}`;
            if (inbox.has(key) || staged.has(key)) return false;
            staged.add(key);
            return true;
          });
          if (fresh.length) entry.insertedInbox = true;
          return Promise.resolve(fresh.map((event_id) => ({ event_id })));
        },
      } as unknown as EntityManager;
      managers.push(entry);
      const result = await work(entry.manager);
      staged.forEach((k) => inbox.add(k));
      return result;
    },
  };
  return {
    dataSource: dataSource as unknown as DataSource,
    managers,
    inbox,
    failNext: (n: number) => (unavailable = n),
  };
}

function assigned(caseId = randomUUID(), id = randomUUID()): Message & { offset: string } {
  const data = {
    caseId,
    hostCountry: 'KZ',
    consulateId: 'KZ-ALA',
    caseworkerId: null,
    assignedAt: '2026-01-05T10:00:00.000Z',
    reason: 'auto',
    previous: null,
    sequence: 1,
  };
  return {
    key: Buffer.from(caseId),
    value: Buffer.from(JSON.stringify(data)),
    headers: buildHeaders(id, EventTypes.CaseAssigned, EventSources.assignment, caseId, {
      correlationId: 'corr-1',
    }),
    offset: '3',
  };
}

function slaBreached(caseId = randomUUID()): Message & { offset: string } {
  const data = {
    caseId,
    hostCountry: 'KZ',
    consulateId: 'KZ-ALA',
    caseworkerId: null,
    stage: 'acceptance',
    dueAt: '2026-01-05T10:00:00.000Z',
    breachedAt: '2026-01-06T10:00:00.000Z',
  };
  return {
    key: Buffer.from(caseId),
    value: Buffer.from(JSON.stringify(data)),
    headers: buildHeaders(
      randomUUID(),
      EventTypes.CaseSlaBreached,
      EventSources.assignment,
      caseId,
      {
        correlationId: 'corr-2',
      },
    ),
    offset: '4',
  };
}

function payload(message: Message & { offset: string }): EachMessagePayload {
  return {
    topic: ASSIGNMENT_EVENTS_TOPIC,
    partition: 0,
    message: { timestamp: '0', attributes: 0, ...message } as EachMessagePayload['message'],
    heartbeat: () => Promise.resolve(),
    pause: () => () => undefined,
  };
}

const calls: { type: string; event: CasebridgeEvent; context: CasebridgeEventContext }[] = [];
let failWith: Error | undefined;

@Controller()
class CaseEventsTestConsumer {
  @OnEvent(EventTypes.CaseAssigned)
  onAssigned(@Payload() event: CasebridgeEvent, @Ctx() context: CasebridgeEventContext): void {
    if (failWith) throw failWith;
    calls.push({ type: 'assigned', event, context });
  }

  @OnEvent(EventTypes.CaseSlaBreached)
  onBreached(
    @Payload() event: CasebridgeEvent,
    @Ctx() context: CasebridgeEventContext,
  ): Promise<void> {
    calls.push({ type: 'breached', event, context });
    return Promise.resolve();
  }
}

const runs: { events: CasebridgeEvent[]; context: CasebridgeEventBatchContext }[] = [];
/** A batch handler throws for a run holding this case id (a poison message). */
let poisonCase: string | undefined;

@Controller()
class BatchTestConsumer {
  @OnEvents(EventTypes.CaseAssigned, EventTypes.CaseSlaBreached)
  onEvents(
    @Payload() events: CasebridgeEvent[],
    @Ctx() context: CasebridgeEventBatchContext,
  ): Promise<void> {
    if (events.some((e) => (e.data as { caseId: string }).caseId === poisonCase))
      return Promise.reject(new Error('poison'));
    runs.push({ events, context });
    return Promise.resolve();
  }
}

@Injectable()
class DenyAll implements CanActivate {
  static calls = 0;
  canActivate(): boolean {
    DenyAll.calls += 1;
    return false;
  }
}

interface HybridApp {
  app: INestApplication;
  transport: CasebridgeKafkaTransport;
  kafka: ReturnType<typeof fakeKafka>;
  db: ReturnType<typeof fakeDataSource>;
  send: jest.Mock;
}

/** The service's hybrid app as runService builds it, on a fake broker and database. */
async function hybridApp(
  controllers: Type<unknown>[],
  options: { brokerFailures?: number; maxAttempts?: number } = {},
): Promise<HybridApp> {
  const kafka = fakeKafka(options.brokerFailures);
  const db = fakeDataSource();
  const send = jest.fn().mockResolvedValue(undefined);

  @Global()
  @Module({ providers: [{ provide: DataSource, useValue: db.dataSource }], exports: [DataSource] })
  class FakeDatabaseModule {}

  const moduleRef = await Test.createTestingModule({
    imports: [
      FakeDatabaseModule,
      MessagingModule.forService({
        source: EventSources.intake,
        clientId: 'casebridge-intake',
        connection: { brokers: ['localhost:1'] },
        outboxPollMs: 1000,
        maxAttempts: options.maxAttempts ?? 3,
        producesEvents: false,
        consumerGroup: GROUP,
      }),
    ],
    controllers,
    providers: [{ provide: APP_GUARD, useClass: DenyAll }],
  })
    .overrideProvider(KAFKA)
    .useValue(kafka.kafka)
    .overrideProvider(KafkaProducer)
    .useValue({ send, onApplicationShutdown: () => Promise.resolve() })
    .overrideProvider(KafkaAdmin)
    .useValue({ refreshLag: () => Promise.resolve(), onApplicationShutdown: () => undefined })
    .compile();
  const app = moduleRef.createNestApplication({ logger: false });
  const transport = app.get<CasebridgeKafkaTransport>(EVENT_TRANSPORT);
  app.connectMicroservice({ strategy: transport });
  await app.startAllMicroservices();
  await app.init();
  return { app, transport, kafka, db, send };
}

describe('CasebridgeKafkaTransport in a hybrid app', () => {
  let running: HybridApp | undefined;

  beforeEach(() => {
    calls.length = 0;
    failWith = undefined;
    DenyAll.calls = 0;
  });
  afterEach(async () => {
    await running?.app.close();
    running = undefined;
  });

  it('dispatches each event to the handler of its ce_type, on topics taken from the contracts, in the group of today', async () => {
    running = await hybridApp([CaseEventsTestConsumer]);
    await running.transport.ready();
    await running.kafka.deliver(payload(slaBreached()));
    await running.kafka.deliver(payload(assigned()));

    expect(calls.map((c) => c.type)).toEqual(['breached', 'assigned']);
    expect(calls[1].event.type).toBe(EventTypes.CaseAssigned);
    expect(calls[1].event.correlationId).toBe('corr-1');
    expect(running.kafka.groupIds).toEqual([GROUP]);
    expect(running.kafka.subscribed).toEqual([[ASSIGNMENT_EVENTS_TOPIC]]);
  });

  it('gives the handler the EntityManager that inserted the inbox row, and the Kafka message', async () => {
    running = await hybridApp([CaseEventsTestConsumer]);
    await running.transport.ready();
    const message = assigned();
    await running.kafka.deliver(payload(message));

    const [{ context }] = calls;
    const inserting = running.db.managers.filter((m) => m.insertedInbox);
    expect(inserting).toHaveLength(1);
    expect(context.manager).toBe(inserting[0].manager);
    expect(context.message.topic).toBe(ASSIGNMENT_EVENTS_TOPIC);
    expect(context.message.message.offset).toBe('3');
  });

  it('skips a redelivered event: the handler runs once', async () => {
    running = await hybridApp([CaseEventsTestConsumer]);
    await running.transport.ready();
    const message = assigned();
    await running.kafka.deliver(payload(message));
    await running.kafka.deliver(payload(message));
    expect(calls).toHaveLength(1);
    expect(running.send).not.toHaveBeenCalled();
  });

  it('retries without limit while the database is unreachable, beyond the maximum attempts', async () => {
    running = await hybridApp([CaseEventsTestConsumer], { maxAttempts: 2 });
    await running.transport.ready();
    running.db.failNext(4);
    await running.kafka.deliver(payload(assigned()));
    expect(calls).toHaveLength(1);
    expect(running.send).not.toHaveBeenCalled();
  });

  it('dead-letters a failing handler after the maximum attempts, with its own error message', async () => {
    running = await hybridApp([CaseEventsTestConsumer], { maxAttempts: 3 });
    await running.transport.ready();
    failWith = new Error('consulate KZ-ALA is not in the directory');
    await running.kafka.deliver(payload(assigned()));

    expect(running.send).toHaveBeenCalledTimes(1);
    const [topic, [letter]] = running.send.mock.calls[0] as [string, Message[]];
    expect(topic).toBe(deadLetterTopic(ASSIGNMENT_EVENTS_TOPIC));
    expect(letter.headers?.[DeadLetterHeaders.error]).toBe(
      'consulate KZ-ALA is not in the directory',
    );
    expect(letter.headers?.[DeadLetterHeaders.attempts]).toBe('3');
    expect(letter.headers?.[DeadLetterHeaders.errorKind]).toBe('handler_failed');
  });

  it('keeps HTTP guards off events: a guard that denies every request blocks no event', async () => {
    running = await hybridApp([CaseEventsTestConsumer]);
    await running.transport.ready();
    await running.kafka.deliver(payload(assigned()));
    expect(calls).toHaveLength(1);
    expect(DenyAll.calls).toBe(0);
  });

  it('starts while the broker refuses connections, and consumes once it accepts', async () => {
    running = await hybridApp([CaseEventsTestConsumer], { brokerFailures: 1 });
    // startAllMicroservices has returned: the broker has refused once and the consumer waits.
    expect(running.kafka.attempts()).toBe(1);
    await running.transport.ready();
    expect(running.kafka.attempts()).toBe(2);
    await running.kafka.deliver(payload(assigned()));
    expect(calls).toHaveLength(1);
  });
});

describe('CasebridgeKafkaTransport with an @OnEvents batch handler', () => {
  let running: HybridApp | undefined;

  beforeEach(() => {
    runs.length = 0;
    poisonCase = undefined;
  });
  afterEach(async () => {
    await running?.app.close();
    running = undefined;
  });

  function offsets(messages: (Message & { offset: string })[]) {
    return messages.map((m, i) => payload({ ...m, offset: String(i) }));
  }

  it('hands it the fresh events of a fetch as one run, in order, each once, in the inbox transaction', async () => {
    running = await hybridApp([BatchTestConsumer]);
    await running.transport.ready();
    expect(running.kafka.subscribed).toEqual([[ASSIGNMENT_EVENTS_TOPIC]]);
    const a = assigned();
    const b = slaBreached();
    const c = assigned();
    await running.kafka.deliverBatch(offsets([a, b, a, c]));

    expect(runs).toHaveLength(1);
    expect(runs[0].events.map((e) => e.id)).toEqual(
      [a, b, c].map((m) => (m.headers as Record<string, string>).ce_id),
    );
    expect(runs[0].context.messages.map((m) => m.message.offset)).toEqual(['0', '1', '3']);
    const inserting = running.db.managers.filter((m) => m.insertedInbox);
    expect(inserting).toHaveLength(1);
    expect(runs[0].context.manager).toBe(inserting[0].manager);
  });

  it('hands it a single message as a run of one, and a redelivered fetch not at all', async () => {
    running = await hybridApp([BatchTestConsumer]);
    await running.transport.ready();
    const a = assigned();
    await running.kafka.deliver(payload(a));
    await running.kafka.deliverBatch(offsets([a, a]));
    expect(runs.map((r) => r.events.length)).toEqual([1]);
  });

  it('isolates a poison message of a run: the others are applied one by one, it alone is dead-lettered', async () => {
    running = await hybridApp([BatchTestConsumer], { maxAttempts: 2 });
    await running.transport.ready();
    const poison = assigned();
    poisonCase = poison.key?.toString();
    const good = [assigned(), slaBreached(), assigned()];
    await running.kafka.deliverBatch(offsets([good[0], poison, good[1], good[2]]));

    // The run failed as a whole; each message then went alone, the poison one to the DLQ.
    expect(runs.map((r) => r.events.length)).toEqual([1, 1, 1]);
    expect(runs.map((r) => (r.events[0].data as { caseId: string }).caseId)).toEqual(
      good.map((m) => m.key?.toString()),
    );
    expect(running.send).toHaveBeenCalledTimes(1);
    const [topic, letters] = running.send.mock.calls[0] as [string, Message[]];
    expect(topic).toBe(deadLetterTopic(ASSIGNMENT_EVENTS_TOPIC));
    expect(letters.map((l) => l.key?.toString())).toEqual([poisonCase]);
  });
});

describe('CasebridgeKafkaTransport refuses handlers it cannot serve, at start-up', () => {
  async function refusal(controller: Type<unknown>): Promise<string> {
    try {
      const { app } = await hybridApp([controller]);
      await app.close();
    } catch (error) {
      return (error as Error).message;
    }
    throw new Error('the app started');
  }

  it('refuses a handler declared with @EventPattern', async () => {
    @Controller()
    class ByTopic {
      @EventPattern(ASSIGNMENT_EVENTS_TOPIC)
      handle(): void {}
    }
    expect(await refusal(ByTopic)).toContain('declared with @EventPattern; use @OnEvent');
  });

  it('refuses a request-reply handler', async () => {
    @Controller()
    class RequestReply {
      @MessagePattern(EventTypes.CaseAssigned)
      handle(): void {}
    }
    expect(await refusal(RequestReply)).toContain('is a request handler');
  });

  it('refuses an event type the contracts do not know', async () => {
    @Controller()
    class Unknown {
      @OnEvent('casebridge.case.teleported.v1' as EventType)
      handle(): void {}
    }
    expect(await refusal(Unknown)).toContain(
      '@OnEvent("casebridge.case.teleported.v1"): no such event type',
    );
  });

  it('refuses two handlers for one event type', async () => {
    @Controller()
    class Twice {
      @OnEvent(EventTypes.CaseAssigned)
      first(): void {}

      @OnEvent(EventTypes.CaseAssigned)
      second(): void {}
    }
    expect(await refusal(Twice)).toContain(
      `two handlers for event type "${EventTypes.CaseAssigned}"`,
    );
  });
});
