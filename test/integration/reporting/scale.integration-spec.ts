import request from 'supertest';
import type { Admin, Kafka } from 'kafkajs';
import { DataSource } from 'typeorm';
import { validateEnvironment } from '@casebridge/common';
import { kafkaClient, resetDatabase, resetTopics } from '../../support/infra';
import { disconnectTestProducer, produceEvents } from '../../support/kafka';
import { readModelSnapshot, waitUntilConsumed } from '../../support/read-model-probe';
import {
  CaseScript,
  eventsOf,
  expectedReport,
  random,
  ScriptedEvent,
  scriptedHistory,
  truthOf,
} from '../../support/scripted-history';
import { ServiceProcess, startServiceProcess } from '../../support/service-process';
import { bearer } from '../../support/tokens';
import { ReportingEnvironment } from '../../../apps/reporting/src/config/reporting.environment';
import { reportingDataSourceOptions } from '../../../apps/reporting/src/database/data-source';
import { rebuildReadModel } from '../../../apps/reporting/src/rebuild/rebuild';

const REPORT = '/v1/reports/host-countries';
/** Small-cell suppression off: the test compares every figure with the history. */
const EXACT = { REPORT_MIN_CELL_SIZE: '1' };
const CASES = 12_000;
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Reporting on a backlog of tens of thousands of events, applied in runs of up to 2,000 per
 * transaction: killed with SIGKILL in the middle of it, it applies nothing twice and loses
 * nothing; the report then says what the history says; a rebuild gives the same model, row for
 * row.
 */
describe(`reporting at ${CASES.toLocaleString('en')} cases`, () => {
  const histories: CaseScript[] = [];
  const events: ScriptedEvent[] = [];
  let dataSource: DataSource;
  let admin: Admin;
  let kafka: Kafka;
  let service: ServiceProcess | undefined;

  const applied = async () =>
    Number(
      (
        await dataSource.query<{ n: string }[]>(
          'SELECT events_applied AS n FROM reporting_state WHERE id = 1',
        )
      )[0]?.n ?? 0,
    );
  const snapshot = () =>
    readModelSnapshot((sql) => dataSource.query<Record<string, unknown>[]>(sql));

  beforeAll(async () => {
    for (let chunk = 0; chunk < CASES / 2000; chunk++) {
      const next = random(7000 + chunk);
      const scripts = scriptedHistory(
        Math.imul(chunk + 1, 0x9e3779b1) >>> 0,
        2000,
        new Date('2024-01-01T00:00:00Z'),
        700,
      );
      histories.push(...scripts);
      events.push(...scripts.flatMap((c) => eventsOf(c, next)));
    }
    expect(new Set(histories.map((c) => c.caseId)).size).toBe(CASES);
    expect(new Set(events.map((e) => e.id)).size).toBe(events.length);
    await resetTopics();
    await resetDatabase('reporting');
    dataSource = await new DataSource(
      reportingDataSourceOptions(validateEnvironment(ReportingEnvironment, process.env)),
    ).initialize();
    admin = kafkaClient().admin();
    await admin.connect();
    kafka = kafkaClient('casebridge-test-scale-rebuild');
    await produceEvents(events);
  });

  afterAll(async () => {
    await service?.stop();
    await dataSource?.destroy();
    await admin?.disconnect();
    await disconnectTestProducer();
  });

  it('killed with SIGKILL mid-ingest, then restarted: every event applied once, the report as the history says', async () => {
    // Exact figures of every host country: small-cell suppression off on purpose.
    const first = await startServiceProcess('reporting', EXACT);
    let atKill = 0;
    for (let i = 0; i < 1200; i++) {
      atKill = await applied();
      if (atKill >= events.length / 5) break;
      await sleep(50);
    }
    await first.kill();
    // The kill landed in the middle of the backlog (else this test would prove nothing).
    expect(atKill).toBeGreaterThan(0);
    expect(atKill).toBeLessThan(events.length);

    service = await startServiceProcess('reporting', EXACT);
    await waitUntilConsumed(admin, 300_000);
    expect(await applied()).toBe(events.length);
    const [{ inbox, distinct }] = await dataSource.query<{ inbox: string; distinct: string }[]>(
      'SELECT count(*) AS inbox, count(DISTINCT event_id) AS distinct FROM inbox_message',
    );
    expect({ inbox: Number(inbox), distinct: Number(distinct) }).toEqual({
      inbox: events.length,
      distinct: events.length,
    });

    const res = await request(service.url).get(REPORT).set(bearer('manager')).expect(200);
    const expected = expectedReport(histories.map(truthOf));
    expect(res.body.totals).toEqual(expected.totals);
    expect(res.body.rows).toEqual(expected.rows);
    expect(res.body.monthly).toEqual(expected.monthly);
  });

  it('rebuilds a model equal, row for row, to the incremental one', async () => {
    const before = await snapshot();
    expect(before.facts).toHaveLength(CASES);
    const result = await rebuildReadModel({
      dataSource,
      kafka,
      log: () => undefined,
      concurrency: 2,
    });
    expect(result).toMatchObject({ phase: 'done', applied: events.length, failed: 0 });
    const after = await snapshot();
    expect(after.facts).toEqual(before.facts);
    expect(after.caseBuckets).toEqual(before.caseBuckets);
    expect(after.resolutionBuckets).toEqual(before.resolutionBuckets);
    expect(after.rollup).toEqual(before.rollup);
    expect(after.state).toEqual(before.state);
    expect(after.inbox).toEqual(before.inbox);
  });
});
