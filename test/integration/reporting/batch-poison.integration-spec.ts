import { randomUUID } from 'node:crypto';
import request from 'supertest';
import type { Admin } from 'kafkajs';
import {
  CASE_EVENTS_TOPIC,
  DeadLetterHeaders,
  deadLetterTopic,
  EventTypes,
} from '@casebridge/contracts';
import { dbClient, kafkaClient, query, resetDatabase, resetTopics } from '../../support/infra';
import { disconnectTestProducer, produceEvents, readAll } from '../../support/kafka';
import { waitUntilConsumed } from '../../support/read-model-probe';
import {
  eventsOf,
  expectedReport,
  random,
  ScriptedEvent,
  scriptedHistory,
  truthOf,
} from '../../support/scripted-history';
import { ServiceProcess, startServiceProcess } from '../../support/service-process';
import { bearer } from '../../support/tokens';

const REPORT = '/v1/reports/host-countries';

/**
 * Reporting started on a backlog applies each partition's fresh events in runs of up to 2,000
 * in one transaction. One event in the middle of the backlog cannot be applied (a trigger, set up
 * by this test only, makes PostgreSQL refuse its case): the run fails as a whole, its messages are
 * applied again one at a time, that event alone is dead-lettered after its retries, and every
 * other event is applied exactly once.
 */
describe('a poison event in the middle of a run of the reporting consumer', () => {
  const history = scriptedHistory(424242, 400, new Date('2025-09-01T00:00:00Z'), 120);
  const next = random(424242);
  const events = history
    .flatMap((c) => eventsOf(c, next))
    .sort((a, b) => a.at.getTime() - b.at.getTime());
  const poisonCase = randomUUID();
  const poison: ScriptedEvent = {
    ...events.find((e) => e.type === EventTypes.CaseSubmitted)!,
    id: randomUUID(),
  };
  poison.data = { ...poison.data, caseId: poisonCase };
  let service: ServiceProcess;
  let admin: Admin;

  beforeAll(async () => {
    await resetTopics();
    await resetDatabase('reporting');
    const owner = await dbClient('reporting', 'owner');
    try {
      // A run killed before its afterAll leaves them behind in the test database.
      await owner.query('DROP TRIGGER IF EXISTS test_refuse_poison_case ON case_fact');
      await owner.query('DROP FUNCTION IF EXISTS test_refuse_poison_case()');
      await owner.query(`
        CREATE FUNCTION test_refuse_poison_case() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF NEW.case_id = '${poisonCase}' THEN RAISE EXCEPTION 'test: this case cannot be applied'; END IF;
          RETURN NEW;
        END $$`);
      await owner.query(`
        CREATE TRIGGER test_refuse_poison_case BEFORE INSERT OR UPDATE ON case_fact
        FOR EACH ROW EXECUTE FUNCTION test_refuse_poison_case()`);
    } finally {
      await owner.end();
    }
    const middle = Math.floor(events.length / 2);
    // The whole backlog is on the topics before reporting starts, so its runs are long.
    await produceEvents([...events.slice(0, middle), poison, ...events.slice(middle)]);
    admin = kafkaClient().admin();
    await admin.connect();
    service = await startServiceProcess('reporting', { REPORT_MIN_CELL_SIZE: '1' });
    await waitUntilConsumed(admin, 180_000);
  });

  afterAll(async () => {
    await service?.stop();
    await admin?.disconnect();
    await disconnectTestProducer();
    const owner = await dbClient('reporting', 'owner');
    try {
      await owner.query('DROP TRIGGER IF EXISTS test_refuse_poison_case ON case_fact');
      await owner.query('DROP FUNCTION IF EXISTS test_refuse_poison_case()');
    } finally {
      await owner.end();
    }
  });

  it('tried the poison in a run with other events first', async () => {
    const metrics = await (await fetch(`${service.url}/metrics`)).text();
    const split = metrics
      .split('\n')
      .filter((l) => l.startsWith('casebridge_event_runs_split_total{'))
      .filter((l) => l.includes('group="casebridge-reporting"'));
    expect(split).toEqual([expect.stringMatching(/topic="casebridge\.case-events\.v1"[^}]*\} 1$/)]);
  });

  it('times each step of applying and folding, and counts what the folds wrote (/metrics)', async () => {
    const metrics = await (await fetch(`${service.url}/metrics`)).text();
    const value = (name: string, label: string) =>
      Number(
        metrics
          .split('\n')
          .find((l) => l.startsWith(`${name}{`) && l.includes(label))
          ?.split(' ')
          .pop() ?? 0,
      );
    for (const step of ['apply_lock_facts', 'apply_save_facts', 'fold', 'fold_rollup_upsert']) {
      expect(
        value('casebridge_read_model_step_duration_seconds_count', `step="${step}"`),
      ).toBeGreaterThan(0);
    }
    // Every applied event of the backlog adds entries; the folds wrote rollup rows for them.
    expect(value('casebridge_read_model_fold_rows_total', 'table="entries"')).toBeGreaterThan(
      events.length,
    );
    expect(value('casebridge_read_model_fold_rows_total', 'table="rollup"')).toBeGreaterThan(0);
  });

  it('dead-letters the poison alone, after its retries', async () => {
    const letters = (await readAll(deadLetterTopic(CASE_EVENTS_TOPIC))).filter(
      (m) => m.headers[DeadLetterHeaders.consumerGroup] === 'casebridge-reporting',
    );
    expect(letters.map((m) => m.key)).toEqual([poisonCase]);
    expect(letters[0].headers[DeadLetterHeaders.errorKind]).toBe('handler_failed');
    expect(Number(letters[0].headers[DeadLetterHeaders.attempts])).toBeGreaterThan(1);
  });

  it('applies every other event of the run exactly once, and counts the history as it is', async () => {
    const [inbox] = await query<{ rows: string; distinct: string; poison: string }>(
      'reporting',
      `SELECT count(*) AS rows, count(DISTINCT event_id) AS distinct,
              count(*) FILTER (WHERE event_id = $1) AS poison
       FROM inbox_message`,
      [poison.id],
    );
    expect(inbox).toEqual({
      rows: String(events.length),
      distinct: String(events.length),
      poison: '0',
    });
    const [state] = await query<{ applied: string }>(
      'reporting',
      'SELECT events_applied AS applied FROM reporting_state',
    );
    expect(Number(state.applied)).toBe(events.length);
    const res = await request(service.url).get(REPORT).set(bearer('manager')).expect(200);
    const expected = expectedReport(history.map(truthOf));
    expect(res.body.rows).toEqual(expected.rows);
    expect(res.body.totals).toEqual(expected.totals);
  });
});
