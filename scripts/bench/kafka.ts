/**
 * Consumer lag, read from the broker (committed offsets against the partitions' ends) every
 * half second: the services' own gauge (casebridge_consumer_lag on /metrics) refreshes only
 * every 10 s, too coarse to say when lag is back to zero. Also empties the topics between phases.
 */
import { type Admin, logLevel } from 'kafkajs';
import { kafkaAdminConnection } from '@casebridge/common';
import { ASSIGNMENT_EVENTS_TOPIC, CASE_EVENTS_TOPIC, EVENT_TOPICS } from '@casebridge/contracts';
import { createKafka } from '@casebridge/messaging';
import { kafkaBrokers, Service } from './config';

const GROUP_TOPICS: Record<Service, string[]> = {
  intake: [ASSIGNMENT_EVENTS_TOPIC],
  assignment: [CASE_EVENTS_TOPIC],
  reporting: [CASE_EVENTS_TOPIC, ASSIGNMENT_EVENTS_TOPIC],
};

export class KafkaProbe {
  private admin?: Admin;

  private async client(): Promise<Admin> {
    if (!this.admin) {
      const env = { ...process.env, KAFKA_BROKERS: kafkaBrokers() };
      const kafka = createKafka('casebridge-bench', kafkaAdminConnection(env), {
        logLevel: logLevel.NOTHING,
      });
      this.admin = kafka.admin();
      await this.admin.connect();
    }
    return this.admin;
  }

  /** Messages behind the end, per service's consumer group (groups not yet running: their topics' whole content). */
  async lag(services: Service[]): Promise<Record<string, number>> {
    const admin = await this.client();
    const ends = new Map<string, Map<number, { low: number; high: number }>>();
    for (const topic of EVENT_TOPICS) {
      const offsets = await admin.fetchTopicOffsets(topic);
      ends.set(
        topic,
        new Map(offsets.map((o) => [o.partition, { low: Number(o.low), high: Number(o.high) }])),
      );
    }
    const lag: Record<string, number> = {};
    for (const service of services) {
      const topics = GROUP_TOPICS[service];
      const committed = await admin.fetchOffsets({ groupId: `casebridge-${service}`, topics });
      let behind = 0;
      for (const { topic, partitions } of committed) {
        for (const [partition, end] of ends.get(topic) ?? []) {
          const done = partitions.find((p) => p.partition === partition);
          const at = done && Number(done.offset) >= 0 ? Number(done.offset) : end.low;
          behind += Math.max(0, end.high - at);
        }
      }
      lag[service] = behind;
    }
    return lag;
  }

  /** Deletes every record of the event topics (consumers not running start at the new beginning). */
  /** lag(), or null when the broker did not answer (the admin client is then made anew). */
  async tryLag(services: Service[]): Promise<Record<string, number> | null> {
    try {
      return await this.lag(services);
    } catch {
      await this.close();
      return null;
    }
  }

  async emptyTopics(): Promise<void> {
    const admin = await this.client();
    for (const topic of EVENT_TOPICS) {
      const offsets = await admin.fetchTopicOffsets(topic);
      const partitions = offsets
        .filter((o) => Number(o.high) > Number(o.low))
        .map((o) => ({ partition: o.partition, offset: o.high }));
      if (partitions.length) await admin.deleteTopicRecords({ topic, partitions });
    }
  }

  async close(): Promise<void> {
    await this.admin?.disconnect().catch(() => undefined);
    this.admin = undefined;
  }
}

export const totalLag = (lag: Record<string, number>): number =>
  Object.values(lag).reduce((a, b) => a + b, 0);
