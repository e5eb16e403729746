/**
 * Waits for the broker to answer metadata, then creates the event topics, their DLQs and the
 * principals' ACLs (as the super user: KAFKA_ADMIN_USERNAME / KAFKA_ADMIN_PASSWORD).
 */
import { logLevel } from 'kafkajs';
import { kafkaAdminConnection } from '@casebridge/common';
import { createKafka, ensureAcls, ensureTopics } from '@casebridge/messaging';

async function main(): Promise<void> {
  const connection = kafkaAdminConnection();
  const kafka = createKafka('casebridge-setup', connection, {
    logLevel: logLevel.NOTHING,
    retry: { retries: 2 },
  });
  const admin = kafka.admin();
  const deadline = Date.now() + Number(process.env.KAFKA_READY_TIMEOUT_MS ?? 60_000);
  for (;;) {
    try {
      await admin.connect();
      await admin.listTopics();
      break;
    } catch (error) {
      // Wrong credentials do not get better with time.
      if ((error as Error).name === 'KafkaJSSASLAuthenticationError') throw error;
      if (Date.now() > deadline)
        throw new Error(
          `Kafka at ${connection.brokers.join(',')} did not answer: ${(error as Error).message}`,
        );
      process.stdout.write('.');
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
  try {
    const created = await ensureTopics(admin, Number(process.env.KAFKA_REPLICATION_FACTOR ?? 1));
    console.log(created.length ? `created topics: ${created.join(', ')}` : 'topics ready');
    const acls = await ensureAcls(admin);
    console.log(
      acls.created || acls.removed
        ? `ACLs: ${acls.created} created, ${acls.removed} no longer granted removed`
        : 'ACLs ready',
    );
  } finally {
    await admin.disconnect();
  }
}

main().catch((error: Error) => {
  console.error(`topic setup failed: ${error.message}`);
  process.exit(1);
});
