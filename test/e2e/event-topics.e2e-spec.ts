import { ConfigResourceTypes, type Admin } from 'kafkajs';
import { deadLetterTopic, EVENT_TOPIC_PARTITIONS, EVENT_TOPICS } from '@casebridge/contracts';
import { kafkaClient } from '../support/infra';

/** The topics the services share, as the broker reports them (not as the code means them). */
describe('The event topics on the broker', () => {
  const topics = EVENT_TOPICS.flatMap((t) => [t, deadLetterTopic(t)]);
  let admin: Admin;

  beforeAll(async () => {
    admin = kafkaClient('event-topics-test').admin();
    await admin.connect();
  });

  afterAll(() => admin?.disconnect());

  it('keeps every event and dead-letter topic forever: retention.ms=-1, cleanup by deletion only', async () => {
    const { resources } = await admin.describeConfigs({
      includeSynonyms: false,
      resources: topics.map((name) => ({
        type: ConfigResourceTypes.TOPIC,
        name,
        configNames: ['retention.ms', 'cleanup.policy'],
      })),
    });
    const configs = Object.fromEntries(
      resources.map((r) => [
        r.resourceName,
        Object.fromEntries(r.configEntries.map((e) => [e.configName, e.configValue])),
      ]),
    );
    expect(configs).toEqual(
      Object.fromEntries(
        topics.map((t) => [t, { 'retention.ms': '-1', 'cleanup.policy': 'delete' }]),
      ),
    );
  });

  it(`gives each event topic ${EVENT_TOPIC_PARTITIONS} partitions and each dead-letter topic one`, async () => {
    const metadata = await admin.fetchTopicMetadata({ topics });
    expect(Object.fromEntries(metadata.topics.map((t) => [t.name, t.partitions.length]))).toEqual(
      Object.fromEntries(
        EVENT_TOPICS.flatMap((t) => [
          [t, EVENT_TOPIC_PARTITIONS],
          [deadLetterTopic(t), 1],
        ]),
      ),
    );
  });
});
