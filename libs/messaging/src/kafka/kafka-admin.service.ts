import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import type { Admin, ITopicConfig, Kafka } from 'kafkajs';
import { deadLetterTopic, EVENT_TOPIC_PARTITIONS, EVENT_TOPICS } from '@casebridge/contracts';
import { BrokerProbe, consumerLag } from '@casebridge/common';
import { KAFKA } from '../messaging.options';

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    }),
  ]);
}

/** The event topics and their dead-letter topics, kept forever (they are the rebuildable log). */
export function eventTopicConfigs(replicationFactor = 1): ITopicConfig[] {
  const configEntries = [
    { name: 'retention.ms', value: '-1' },
    { name: 'cleanup.policy', value: 'delete' },
  ];
  return EVENT_TOPICS.flatMap((topic) => [
    { topic, numPartitions: EVENT_TOPIC_PARTITIONS, replicationFactor, configEntries },
    { topic: deadLetterTopic(topic), numPartitions: 1, replicationFactor, configEntries },
  ]);
}

/** Creates missing topics; existing ones are left as they are. Returns the names created. */
export async function ensureTopics(admin: Admin, replicationFactor = 1): Promise<string[]> {
  const existing = new Set(await admin.listTopics());
  const missing = eventTopicConfigs(replicationFactor).filter((t) => !existing.has(t.topic));
  if (missing.length === 0) return [];
  const names = missing.map((t) => t.topic);
  await admin.createTopics({ topics: missing, waitForLeaders: false });
  await waitForLeaders(admin, names);
  return names;
}

/**
 * Waits until every partition of `topics` has a leader. In a cluster a new topic reaches the
 * brokers' metadata a moment after it is created, and meanwhile they answer "does not host this
 * topic-partition", which kafkajs's own wait does not retry.
 */
async function waitForLeaders(admin: Admin, topics: string[], timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const metadata = await admin.fetchTopicMetadata({ topics });
      const led = metadata.topics.every(
        (t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0),
      );
      if (led) return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
    }
    if (Date.now() > deadline) throw new Error(`topics without leaders: ${topics.join(', ')}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

@Injectable()
export class KafkaAdmin implements BrokerProbe, OnApplicationShutdown {
  private readonly logger = new Logger(KafkaAdmin.name);
  private admin?: Admin;

  constructor(@Inject(KAFKA) private readonly kafka: Kafka) {}

  private async client(): Promise<Admin> {
    if (!this.admin) {
      const admin = this.kafka.admin({ retry: { retries: 1 } });
      await withTimeout(admin.connect(), 3000);
      this.admin = admin;
    }
    return this.admin;
  }

  private async reset(): Promise<void> {
    const admin = this.admin;
    this.admin = undefined;
    await admin?.disconnect().catch(() => undefined);
  }

  async isReachable(): Promise<boolean> {
    try {
      const admin = await this.client();
      await withTimeout(admin.describeCluster(), 2000);
      return true;
    } catch {
      await this.reset();
      return false;
    }
  }

  /** Updates the consumer-lag gauge: end offset minus committed offset per partition. */
  async refreshLag(groupId: string, topics: string[]): Promise<void> {
    try {
      const admin = await this.client();
      const committed = await withTimeout(admin.fetchOffsets({ groupId, topics }), 3000);
      for (const { topic, partitions } of committed) {
        const ends = await withTimeout(admin.fetchTopicOffsets(topic), 3000);
        for (const end of ends) {
          const done = partitions.find((p) => p.partition === end.partition);
          const committedOffset =
            done && Number(done.offset) >= 0 ? Number(done.offset) : Number(end.low);
          consumerLag.set(
            { group: groupId, topic, partition: String(end.partition) },
            Math.max(0, Number(end.high) - committedOffset),
          );
        }
      }
    } catch (error) {
      this.logger.debug(`consumer lag not refreshed: ${(error as Error).message}`);
      await this.reset();
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.reset();
  }
}
