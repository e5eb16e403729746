/** Waits for the broker to answer metadata, then creates the event topics and their DLQs. */
import { Kafka, logLevel } from 'kafkajs';
import { ensureTopics } from '@casebridge/messaging';

async function main(): Promise<void> {
  const brokers = (process.env.KAFKA_BROKERS ?? 'localhost:9092').split(',');
  const kafka = new Kafka({
    clientId: 'casebridge-setup',
    brokers,
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
      if (Date.now() > deadline)
        throw new Error(
          `Kafka at ${brokers.join(',')} did not answer: ${(error as Error).message}`,
        );
      process.stdout.write('.');
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
  try {
    const created = await ensureTopics(admin, Number(process.env.KAFKA_REPLICATION_FACTOR ?? 1));
    console.log(created.length ? `created topics: ${created.join(', ')}` : 'topics ready');
  } finally {
    await admin.disconnect();
  }
}

main().catch((error: Error) => {
  console.error(`topic setup failed: ${error.message}`);
  process.exit(1);
});
