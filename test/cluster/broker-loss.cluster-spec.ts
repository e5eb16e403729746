import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CASE_EVENTS_TOPIC, EVENT_TOPICS } from '@casebridge/contracts';
import { ensureAcls, ensureTopics } from '@casebridge/messaging';
import { ConfigResourceTypes } from 'kafkajs';
import { makeCase, seededRandom } from '../support/cases';
import { kafkaClient, resetDatabase, waitFor } from '../support/infra';
import { disconnectTestProducer } from '../support/kafka';
import { ServiceProcess, startServiceProcess } from '../support/service-process';
import {
  expectAssignedExactlyOnce,
  SERVICES,
  waitForReportTotals,
  waitUntilAllAssigned,
} from '../support/system';
import { tokenFor } from '../support/tokens';

const ROOT = join(__dirname, '..', '..');
// Apart from the run's own broker (KAFKA_PORT), so that side-by-side runs never share one.
const PORT = String(Number(process.env.KAFKA_PORT ?? 19092) + 300);
const clusterEnv = { ...process.env, KAFKA_PORT: PORT, KAFKA_CLUSTER_SIZE: '3' };

function cluster(action: 'start' | 'stop' | 'brokers'): string {
  return execFileSync('bash', [join(ROOT, 'scripts', 'kafka-cluster.sh'), action], {
    env: { ...clusterEnv, KAFKA_FRESH: action === 'start' ? '1' : '0' },
    encoding: 'utf8',
  })
    .trim()
    .split('\n')
    .pop() as string;
}

/**
 * A three-broker cluster of this suite's own (replication factor 3, min.insync.replicas 2): the
 * leader of a partition is killed with kill -9 while complaints stream in.
 */
describe('Broker loss: kill -9 of a partition leader in a three-broker cluster', () => {
  const services: Partial<Record<(typeof SERVICES)[number], ServiceProcess>> = {};
  const previousBrokers = process.env.KAFKA_BROKERS;
  let brokers = '';

  beforeAll(async () => {
    brokers = cluster('start');
    // The test's own Kafka helpers (readAll, the test producer) talk to this cluster.
    process.env.KAFKA_BROKERS = brokers;
    const admin = kafkaClient('broker-loss-test').admin();
    await admin.connect();
    await ensureTopics(admin, 3);
    await ensureAcls(admin);
    await admin.disconnect();
    for (const service of SERVICES) await resetDatabase(service);
    for (const service of SERVICES)
      services[service] = await startServiceProcess(service, { KAFKA_BROKERS: brokers });
  });

  afterAll(async () => {
    await Promise.all(Object.values(services).map((s) => s?.stop()));
    await disconnectTestProducer();
    process.env.KAFKA_BROKERS = previousBrokers;
    cluster('stop');
  });

  it('keeps every event topic at replication factor 3 with min.insync.replicas 2', async () => {
    const admin = kafkaClient('broker-loss-test').admin();
    await admin.connect();
    try {
      const { topics } = await admin.fetchTopicMetadata({ topics: [...EVENT_TOPICS] });
      for (const topic of topics)
        for (const p of topic.partitions) expect(p.replicas).toHaveLength(3);
      const configs = await admin.describeConfigs({
        includeSynonyms: false,
        resources: EVENT_TOPICS.map((name) => ({
          type: ConfigResourceTypes.TOPIC,
          name,
          configNames: ['min.insync.replicas'],
        })),
      });
      for (const resource of configs.resources)
        expect(resource.configEntries.map((e) => e.configValue)).toEqual(['2']);
    } finally {
      await admin.disconnect();
    }
  });

  it('loses nothing, doubles nothing and shows no client an error', async () => {
    const random = seededRandom(4242);
    const bodies = Array.from({ length: 300 }, (_, i) =>
      makeCase(random, { hostCountry: i % 2 ? 'RU' : 'KZ' }, 70_000 + i),
    );
    const intakeUrl = services.intake!.url;
    const failures: string[] = [];
    const ids: string[] = [];
    let next = 0;
    const submit = async () => {
      while (next < bodies.length) {
        const i = next++;
        // One attempt each: a client must never see the broker's loss.
        const res = await fetch(`${intakeUrl}/v1/cases`, {
          method: 'POST',
          headers: {
            Authorization: `Bearer ${tokenFor('intake_officer', undefined, `loss-officer-${i % 50}`)}`,
            'content-type': 'application/json',
          },
          body: JSON.stringify(bodies[i]),
        });
        if (res.status === 201) ids[i] = ((await res.json()) as { id: string }).id;
        else failures.push(`case ${i}: HTTP ${res.status}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    };
    const submitting = Promise.all(Array.from({ length: 4 }, submit));

    await waitFor('a third of the complaints to be in', () => Promise.resolve(next >= 100));
    const admin = kafkaClient('broker-loss-test').admin();
    await admin.connect();
    const { topics } = await admin.fetchTopicMetadata({ topics: [CASE_EVENTS_TOPIC] });
    await admin.disconnect();
    const leader = topics[0].partitions.find((p) => p.partitionId === 0)!.leader;
    const pidFile = join(
      ROOT,
      '.local',
      'kafka',
      `cluster-${PORT}`,
      `node-${leader}`,
      'broker.pid',
    );
    execFileSync('kill', ['-9', readFileSync(pidFile, 'utf8').trim()]);

    await submitting;
    expect(failures).toEqual([]);
    expect(ids.filter(Boolean)).toHaveLength(bodies.length);
    await waitUntilAllAssigned(ids, 240_000);
    const report = await waitForReportTotals(
      services.reporting!.url,
      bodies.length,
      bodies.length,
      240_000,
    );
    expect(Object.fromEntries(report.rows.map((r) => [r.hostCountry, r.received]))).toEqual({
      KZ: 150,
      RU: 150,
    });
    await expectAssignedExactlyOnce(ids);
    // How often a relay had to send a batch again (a send in flight to, or aimed at, the dead
    // leader): the path this test exists for; printed, since a kill between sends may avoid it.
    const resent = SERVICES.map(
      (s) => `${s} ${services[s]!.output().split('outbox relay paused').length - 1}`,
    );
    console.info(`batches sent again after the kill: ${resent.join(', ')}`);
    for (const service of SERVICES) expect(services[service]!.process.exitCode).toBeNull();
  }, 600_000);
});
