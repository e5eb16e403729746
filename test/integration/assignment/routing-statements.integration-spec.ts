import type { KafkaMessage } from 'kafkajs';
import { DataSource, type Logger as TypeOrmLogger } from 'typeorm';
import {
  CASE_EVENTS_TOPIC,
  CaseSubmittedV1,
  EventSources,
  EventTypes,
} from '@casebridge/contracts';
import { validateEnvironment } from '@casebridge/common';
import {
  buildHeaders,
  InboxMessage,
  MessageApplier,
  newEventId,
  OutboxWriter,
  type MessagingOptions,
} from '@casebridge/messaging';
import { AssignmentEnvironment } from '../../../apps/assignment/src/config/assignment.environment';
import { assignmentDataSourceOptions } from '../../../apps/assignment/src/database/data-source';
import { AssignmentHistoryRepository } from '../../../apps/assignment/src/assignments/assignment-history.repository';
import { AssignmentsRepository } from '../../../apps/assignment/src/assignments/assignments.repository';
import { LifecycleService } from '../../../apps/assignment/src/assignments/lifecycle.service';
import { PendingPriorityChangesRepository } from '../../../apps/assignment/src/assignments/pending-priority-changes.repository';
import { PendingStatusChangesRepository } from '../../../apps/assignment/src/assignments/pending-status-changes.repository';
import { RoutingService } from '../../../apps/assignment/src/assignments/routing.service';
import { CaseworkersRepository } from '../../../apps/assignment/src/directory/caseworkers.repository';
import { ensureHeadquarters } from '../../../apps/assignment/src/directory/seed-directory';
import { slaPolicyFrom } from '../../../apps/assignment/src/sla/sla-policy';
import { resetDatabase } from '../../support/infra';
import { submittedCase } from '../../support/events';

/** Counts every statement the data source sends, BEGIN and COMMIT included. */
class StatementCounter implements TypeOrmLogger {
  statements: string[] = [];
  logQuery(query: string): void {
    this.statements.push(query);
  }
  logQueryError(): void {}
  logQuerySlow(): void {}
  logSchemaBuild(): void {}
  logMigration(): void {}
  log(): void {}
}

let offset = 0;
function messageOf(data: CaseSubmittedV1): InboxMessage {
  const id = newEventId();
  const headers = buildHeaders(id, EventTypes.CaseSubmitted, EventSources.intake, data.caseId, {
    correlationId: id,
  });
  const message = {
    key: Buffer.from(data.caseId),
    value: Buffer.from(JSON.stringify(data)),
    headers,
    offset: String(offset++),
    timestamp: String(Date.now()),
    attributes: 0,
  } as unknown as KafkaMessage;
  return { topic: CASE_EVENTS_TOPIC, partition: 0, message };
}

/**
 * The database round trips routing costs per case, what bounds the assignment service's
 * throughput: counted at the data source while the inbox applies case.submitted events, one by
 * one and in a batch, with the routing's results checked so that a cheaper path is not a wrong one.
 */
describe('routing a submitted case costs few statements', () => {
  const counter = new StatementCounter();
  let dataSource: DataSource;
  let applier: MessageApplier;
  let assignments: AssignmentsRepository;

  beforeAll(async () => {
    await resetDatabase('assignment');
    const env = validateEnvironment(AssignmentEnvironment, process.env);
    dataSource = await new DataSource({
      ...assignmentDataSourceOptions(env),
      logger: counter,
      logging: true,
    }).initialize();
    await ensureHeadquarters(dataSource);
    await dataSource.query(
      `INSERT INTO consulate (id, name, host_country, cities, languages, is_default_for_country, active)
       VALUES ('IT-ROM', 'Rome', 'IT', '{Rome}', '{uz,ru}', true, true)`,
    );
    await dataSource.query(
      `INSERT INTO caseworker (id, consulate_id, name, languages, active, max_open_cases)
       VALUES ('it-rom-a', 'IT-ROM', 'A', '{uz}', true, 1000), ('it-rom-b', 'IT-ROM', 'B', '{uz}', true, 1000)`,
    );

    const sla = slaPolicyFrom(env);
    assignments = new AssignmentsRepository();
    const caseworkers = new CaseworkersRepository();
    const outbox = new OutboxWriter({ source: EventSources.assignment } as MessagingOptions);
    const routing = new RoutingService(
      assignments,
      new AssignmentHistoryRepository(),
      caseworkers,
      new LifecycleService(
        assignments,
        new PendingStatusChangesRepository(),
        new PendingPriorityChangesRepository(),
        caseworkers,
        new AssignmentHistoryRepository(),
        outbox,
        sla,
      ),
      outbox,
      sla,
    );
    applier = new MessageApplier({
      groupId: 'casebridge-assignment',
      dataSource,
      maxAttempts: 1,
      warn: (message) => {
        throw new Error(`unexpected warning: ${message}`);
      },
      handlers: {
        [EventTypes.CaseSubmitted]: (event, manager) => routing.route(event, manager),
      },
    });
  });

  afterAll(async () => {
    if (dataSource) await dataSource.destroy();
  });

  const cases = (n: number) =>
    Array.from({ length: n }, () => submittedCase({ hostCountry: 'IT', hostCity: 'Rome' }));

  async function expectRouted(routed: CaseSubmittedV1[]): Promise<void> {
    const ids = routed.map((c) => c.caseId);
    const [row] = await dataSource.query<{ a: string; h: string; o: string }[]>(
      `SELECT (SELECT count(*) FROM assignment WHERE case_id = ANY($1::uuid[]) AND caseworker_id IS NOT NULL) AS a,
              (SELECT count(*) FROM assignment_history WHERE case_id = ANY($1::uuid[])) AS h,
              (SELECT count(*) FROM outbox_event WHERE message_key = ANY($2::text[])) AS o`,
      [ids, ids],
    );
    expect(row).toEqual({ a: String(ids.length), h: String(ids.length), o: String(ids.length) });
  }

  it('one case alone, in a transaction of its own', async () => {
    const [c] = cases(1);
    const message = messageOf(c);
    counter.statements = [];
    const result = await applier.apply(message);
    const statements = counter.statements.length;
    expect(result.outcome).toBe('applied');
    await expectRouted([c]);
    console.log(
      `one case alone: ${statements} statements:\n${counter.statements.slice(0, statements).join('\n')}`,
    );
    expect(statements).toBeLessThanOrEqual(6);
  });

  it('a batch of cases, in one transaction', async () => {
    const batch = cases(50);
    const messages = batch.map(messageOf);
    counter.statements = [];
    const results = await applier.applyBatch(messages);
    const statements = counter.statements.length;
    expect(results.map((r) => r.outcome)).toEqual(batch.map(() => 'applied'));
    await expectRouted(batch);
    console.log(`50 cases in a batch: ${statements} statements (${statements / 50} per case)`);
    // BEGIN, the inbox rows and COMMIT, then what each case costs.
    expect(statements).toBeLessThanOrEqual(3 + 3 * batch.length);
  });

  it('a routing that loses the race on the primary key writes nothing at all', async () => {
    const [c] = cases(1);
    expect((await applier.apply(messageOf(c))).outcome).toBe('applied');
    // What a second instance does when it checked before the first committed.
    await dataSource.query(
      "INSERT INTO pending_status_change (case_id, version, to_status, at) VALUES ($1, 2, 'in_progress', now())",
      [c.caseId],
    );
    const state = () =>
      dataSource.query<unknown[]>(
        `SELECT (SELECT json_agg(c ORDER BY id) FROM caseworker c) AS caseworkers,
                (SELECT count(*) FROM assignment_history) AS history,
                (SELECT count(*) FROM outbox_event) AS outbox,
                (SELECT count(*) FROM pending_status_change) AS pending,
                (SELECT json_agg(a) FROM assignment a WHERE case_id = $1) AS assignment`,
        [c.caseId],
      );
    const before = await state();
    const now = new Date();
    const again = await dataSource.transaction((manager) =>
      assignments.insertRouted(
        manager,
        {
          caseId: c.caseId,
          hostCountry: 'IT',
          hostCity: 'Rome',
          priority: 'urgent',
          preferredLanguage: 'uz',
          consulateId: 'IT-ROM',
          caseworkerId: 'it-rom-a',
          reason: 'auto',
          submittedAt: now,
          routedAt: now,
          acceptanceDueAt: now,
          resolutionDueAt: now,
        },
        new AssignmentHistoryRepository().row({
          caseId: c.caseId,
          sequence: 1,
          consulateId: 'IT-ROM',
          caseworkerId: 'it-rom-a',
          reason: 'auto',
          transferReason: null,
          actorId: 'routing',
          actorRole: null,
          at: now,
        }),
        new OutboxWriter({ source: EventSources.assignment } as MessagingOptions).row(
          EventTypes.CaseAssigned,
          {
            caseId: c.caseId,
            hostCountry: 'IT',
            consulateId: 'IT-ROM',
            caseworkerId: 'it-rom-a',
            assignedAt: now.toISOString(),
            reason: 'auto',
            sequence: 1,
          },
        ).row,
      ),
    );
    expect(again).toBeNull();
    expect(await state()).toEqual(before);
  });
});
