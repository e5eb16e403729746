/**
 * `npm run dlq:redrive -- --topic <topic> [--from <offset>] [--to <offset>] [--event-id <uuid>]
 * [--dry-run] [--show-payload]`: lists the dead letters of an event topic and re-publishes the
 * chosen ones to that topic, unchanged (key, value, CloudEvents headers, event id), so that the
 * consumers that failed on them apply them now and every other consumer's inbox skips them.
 * Runs as the Kafka super user (KAFKA_ADMIN_USERNAME / KAFKA_ADMIN_PASSWORD). stdout: the
 * listing and progress; stderr: the audit log (one JSON line per re-published message) and
 * errors. Exit code 0 done, 1 error, 2 stopped by Ctrl-C (run it again: nothing applies twice).
 */
import { hostname, userInfo } from 'node:os';
import { logLevel } from 'kafkajs';
import pino from 'pino';
import { kafkaAdminConnection } from '@casebridge/common';
import { createKafka, KafkaProducer } from '@casebridge/messaging';
import { describeDeadLetter, planRedrive } from './dlq/dead-letters';
import { parseRedriveArgs, USAGE, UsageError } from './dlq/redrive-options';
import { readDeadLetters, redriveDeadLetters } from './dlq/redrive';

type Outcome = 'done' | 'stopped';

const out = (line: string) => process.stdout.write(`${line}\n`);

function operator(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? 'unknown';
  }
}

async function main(): Promise<Outcome> {
  const command = parseRedriveArgs(process.argv.slice(2));
  if (command.help) {
    out(USAGE);
    return 'done';
  }
  const options = command.options;
  const audit = pino(
    {
      base: { command: 'dlq:redrive', user: operator(), host: hostname(), pid: process.pid },
      messageKey: 'msg',
      timestamp: () => `,"time":"${new Date().toISOString()}"`,
    },
    pino.destination({ dest: 2, sync: true }),
  );
  const abort = new AbortController();
  const stop = () => {
    out('redrive: stopping after the current message; run again to go on');
    abort.abort();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);

  const kafka = createKafka('casebridge-dlq-redrive', kafkaAdminConnection(), {
    logLevel: logLevel.NOTHING,
  });
  const range = `${options.from ?? 'beginning'}..${options.to ?? 'end'}`;
  out(`redrive: reading ${options.deadLetterTopic} (offsets ${range})`);
  let lastShown = 0;
  const read = await readDeadLetters(
    kafka,
    options.deadLetterTopic,
    options,
    abort.signal,
    (n, total) => {
      if (n === total || n - lastShown >= 500) {
        lastShown = n;
        out(`redrive: read ${n} of ${total} dead letters`);
      }
    },
  );
  if (read.stopped) {
    out(
      `redrive: stopped while reading (${read.letters.length} of ${read.total}); nothing re-published`,
    );
    return 'stopped';
  }
  const planned = planRedrive(read.letters, options.originalTopic, options.eventIds);
  for (const item of planned) {
    out(describeDeadLetter(item, options.deadLetterTopic));
    if (options.showPayload) out(`  value: ${item.letter.value?.toString('utf8') ?? '(none)'}`);
  }
  const chosen = planned.filter((p) => !p.skip).length;
  out(
    `redrive: ${read.letters.length} dead letters read, ${planned.length} match, ${chosen} to re-publish to ${options.originalTopic}`,
  );
  if (options.dryRun) {
    out('redrive: dry run, nothing re-published');
    return 'done';
  }
  if (chosen === 0) return 'done';

  audit.info(
    {
      deadLetterTopic: options.deadLetterTopic,
      topic: options.originalTopic,
      range,
      eventIds: options.eventIds,
      count: chosen,
    },
    'redrive started',
  );
  const producer = new KafkaProducer(kafka);
  try {
    const result = await redriveDeadLetters(
      producer,
      options.originalTopic,
      planned,
      abort.signal,
      ({ letter, consumerGroups }, index, count) => {
        audit.info(
          {
            deadLetter: {
              topic: options.deadLetterTopic,
              partition: letter.partition,
              offset: letter.offset,
            },
            original: letter.original,
            topic: options.originalTopic,
            eventId: letter.eventId,
            eventType: letter.eventType,
            errorKind: letter.errorKind,
            consumerGroups,
          },
          'dead letter re-published',
        );
        out(`redrive: ${index} of ${count} re-published (event ${letter.eventId})`);
      },
    );
    audit.info(
      { topic: options.originalTopic, redriven: result.redriven, stopped: result.stopped },
      'redrive finished',
    );
    out(
      result.stopped
        ? `redrive: stopped, ${result.redriven} of ${chosen} re-published; run again to go on (nothing applies twice)`
        : `redrive: done, ${result.redriven} re-published to ${options.originalTopic}`,
    );
    return result.stopped ? 'stopped' : 'done';
  } finally {
    await producer.onApplicationShutdown();
  }
}

main().then(
  (outcome) => process.exit(outcome === 'done' ? 0 : 2),
  (error: Error) => {
    process.stderr.write(
      error instanceof UsageError
        ? `redrive: ${error.message}\n\n${USAGE}\n`
        : `redrive failed: ${error.message}\n`,
    );
    process.exit(1);
  },
);
