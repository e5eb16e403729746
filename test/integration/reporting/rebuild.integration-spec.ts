import { spawn } from 'node:child_process';
import { join } from 'node:path';
import request from 'supertest';
import type { Admin, Kafka } from 'kafkajs';
import { DataSource } from 'typeorm';
import { CASE_EVENTS_TOPIC, EventSources, EventTypes } from '@casebridge/contracts';
import { validateEnvironment } from '@casebridge/common';
import { kafkaClient, resetDatabase, resetTopics } from '../../support/infra';
import { disconnectTestProducer, produceEvent, produceRaw } from '../../support/kafka';
import { ServiceProcess, startServiceProcess } from '../../support/service-process';
import { bearer } from '../../support/tokens';
import { ReportingEnvironment } from '../../../apps/reporting/src/config/reporting.environment';
import { reportingDataSourceOptions } from '../../../apps/reporting/src/database/data-source';
import type { HostCountryReport } from '../../../apps/reporting/src/reports/dto/host-country-report.response';
import { readModelSnapshot, waitUntilConsumed } from '../../support/read-model-probe';
import {
  eventsOf,
  expectedReport,
  random,
  ScriptedEvent,
  scriptedHistory,
  truthOf,
} from '../../support/scripted-history';
import { rebuildReadModel, RebuildProgress } from '../../../apps/reporting/src/rebuild/rebuild';

const ROOT = join(__dirname, '..', '..', '..');
const REPORT = '/v1/reports/host-countries';

async function produce(events: ScriptedEvent[]): Promise<void> {
  for (const e of events) {
    const source =
      e.type === EventTypes.CaseAssigned || e.type === EventTypes.CaseSlaBreached
        ? EventSources.assignment
        : EventSources.intake;
    await produceEvent(e.type, e.data, { id: e.id, source });
  }
}

describe('rebuilding the read model from the event log', () => {
  const next = random(99);
  const history1 = scriptedHistory(99, 60, new Date('2026-02-01T00:00:00Z'), 90);
  const events1 = history1
    .flatMap((c) => eventsOf(c, next))
    .sort((a, b) => a.at.getTime() - b.at.getTime());
  const duplicates = events1.filter((_, i) => i % 7 === 0);
  let service: ServiceProcess;
  let admin: Admin;
  let kafka: Kafka;
  let dataSource: DataSource;

  const snapshot = () =>
    readModelSnapshot((sql) => dataSource.query<Record<string, unknown>[]>(sql));
  const report = async () => {
    const res = await request(service.url).get(REPORT).set(bearer('manager')).expect(200);
    // lagSeconds depends on when the consumer-lag gauge was last refreshed.
    return { ...(res.body as HostCountryReport), lagSeconds: null };
  };
  const indexNames = () =>
    dataSource.query<{ indexname: string }[]>(
      "SELECT indexname FROM pg_indexes WHERE schemaname = 'public' ORDER BY indexname",
    );
  const shadowTables = () =>
    dataSource.query<{ tablename: string }[]>(
      "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND right(tablename, 9) = '__rebuild'",
    );

  beforeAll(async () => {
    await resetTopics();
    await resetDatabase('reporting');
    admin = kafkaClient().admin();
    await admin.connect();
    kafka = kafkaClient('casebridge-test-rebuild');
    dataSource = await new DataSource(
      reportingDataSourceOptions(validateEnvironment(ReportingEnvironment, process.env)),
    ).initialize();
    // Exact per-host-country figures, small ones included: small-cell suppression off on purpose
    // (it has its own test, test/integration/reporting/small-cells.integration-spec.ts).
    service = await startServiceProcess('reporting', { REPORT_MIN_CELL_SIZE: '1' });
    await produce(events1);
    await produce(duplicates);
    // A message that is no event and an event of a type from the future: skipped, never applied.
    await produceRaw(CASE_EVENTS_TOPIC, { key: 'poison', value: '{not json' });
    await produceRaw(CASE_EVENTS_TOPIC, {
      key: history1[0].caseId,
      value: '{}',
      headers: {
        ce_specversion: '1.0',
        ce_id: '0b6f0b4e-9d0c-4a4e-9f3e-3d1b2c4d5e6f',
        ce_type: 'casebridge.case.archived.v9',
        ce_source: '/casebridge/intake',
        ce_time: new Date().toISOString(),
        ce_subject: history1[0].caseId,
        'content-type': 'application/json',
      },
    });
    await waitUntilConsumed(admin);
  });

  afterAll(async () => {
    await service?.stop();
    await dataSource?.destroy();
    await admin?.disconnect();
    await disconnectTestProducer();
  });

  it('rebuilds a model equal, row for row, to the incremental one, while the service answers from the old model', async () => {
    const before = await snapshot();
    const reportBefore = await report();
    const indexesBefore = await indexNames();
    const lines: string[] = [];
    const seenDuringRebuild: RebuildProgress[] = [];

    const result = await rebuildReadModel({
      dataSource,
      kafka,
      log: (line) => lines.push(line),
      progressIntervalMs: 50,
      // Two partitions at once, as the service's default (REPORTING_PARTITIONS_AT_ONCE).
      concurrency: 2,
      onBatch: async (progress) => {
        if (seenDuringRebuild.length > 0 || progress.read >= progress.target) return;
        seenDuringRebuild.push(progress);
        // Half-way: the service still answers from the complete old model…
        expect(await report()).toEqual(reportBefore);
        const [{ partial }] = await dataSource.query<{ partial: number }[]>(
          'SELECT count(*)::int AS partial FROM case_fact__rebuild',
        );
        expect(partial).toBeLessThan(history1.length);
        // …and a second rebuild is refused while this one runs.
        await expect(rebuildReadModel({ dataSource, kafka, log: () => undefined })).rejects.toThrow(
          'another rebuild',
        );
      },
    });

    expect(seenDuringRebuild).toHaveLength(1);
    expect(result).toMatchObject({
      phase: 'done',
      target: events1.length + duplicates.length + 2,
      applied: events1.length,
      duplicates: duplicates.length,
      skipped: 2,
      failed: 0,
    });
    expect(await snapshot()).toEqual(before);
    expect(await report()).toEqual(reportBefore);
    expect(await indexNames()).toEqual(indexesBefore);
    expect(await shadowTables()).toEqual([]);
    expect((await admin.listGroups()).groups.map((g) => g.groupId)).not.toContain(result.groupId);
    expect(lines[0]).toMatch(/^rebuild: replaying \d+ events of .* into shadow tables/);
    expect(lines.some((l) => /^rebuild: replaying \d+\/\d+ events read \(\d+%\)/.test(l))).toBe(
      true,
    );
    expect(lines.at(-1)).toMatch(/^rebuild: done in .*the new read model is live$/);
  });

  it('keeps the events that the live consumer applies while the rebuild runs', async () => {
    const history2 = scriptedHistory(100, 36, new Date('2026-05-01T00:00:00Z'), 30);
    const events2 = history2.flatMap((c) => eventsOf(c, next));
    let produced = false;
    const result = await rebuildReadModel({
      dataSource,
      kafka,
      log: () => undefined,
      // The swap waits for the batches in hand, and the batches that come meanwhile wait for it.
      concurrency: 2,
      onBatch: async () => {
        if (produced) return;
        produced = true;
        // New events after the end offsets the rebuild captured, applied by the live consumer first.
        await produce(events2);
        await waitUntilConsumed(admin);
      },
    });
    await waitUntilConsumed(admin);
    // The new events lie beyond the end offsets captured at the start: the rebuild read them too.
    expect(result.read).toBeGreaterThanOrEqual(result.target + events2.length);
    expect(result.applied).toBe(events1.length + events2.length);

    const expected = expectedReport([...history1, ...history2].map(truthOf));
    const body = await report();
    expect(body.rows).toEqual(expected.rows);
    expect(body.totals).toEqual(expected.totals);
    expect(body.monthly).toEqual(expected.monthly);

    // And a rebuild of that model, with nothing arriving, gives it back unchanged.
    const incremental = await snapshot();
    await rebuildReadModel({ dataSource, kafka, log: () => undefined });
    expect(await snapshot()).toEqual(incremental);
  });

  it('leaves the live model as it was when interrupted', async () => {
    const before = await snapshot();
    const abort = new AbortController();
    await expect(
      rebuildReadModel({
        dataSource,
        kafka,
        log: () => undefined,
        signal: abort.signal,
        onBatch: () => {
          abort.abort();
          return Promise.resolve();
        },
      }),
    ).rejects.toThrow('aborted');
    expect(await snapshot()).toEqual(before);
    expect(await shadowTables()).toEqual([]);
  });

  it('runs as a command that prints its progress and leaves the same model', async () => {
    const before = await snapshot();
    const run = spawn(
      process.execPath,
      [join(ROOT, 'dist', 'apps', 'reporting', 'src', 'rebuild', 'main.js')],
      {
        env: { ...process.env },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    run.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    run.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => run.on('exit', resolve));

    expect({ code, output }).toMatchObject({ code: 0 });
    expect(output).toMatch(/rebuild: replaying \d+ events/);
    expect(output).toMatch(/rebuild: done in [\d.]+ s/);
    expect(await snapshot()).toEqual(before);
  });
});
