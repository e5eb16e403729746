import { parseArgs } from 'node:util';
import { deadLetterTopic, DLQ_SUFFIX, EVENT_TOPICS } from '@casebridge/contracts';

/** What `npm run dlq:redrive` was asked to do. */
export interface RedriveOptions {
  /** The dead-letter topic read (`<topic>.dlq`). */
  deadLetterTopic: string;
  /** The event topic the chosen dead letters go back to. */
  originalTopic: string;
  /** First dead-letter offset considered (default: the beginning of the topic). */
  from?: bigint;
  /** Last dead-letter offset considered, inclusive (default: the end when the command starts). */
  to?: bigint;
  /** Only the dead letters of these events (ce_id, lower case); empty: every event. */
  eventIds: string[];
  dryRun: boolean;
  /** Also print each dead letter's value (the event's data); off by default. */
  showPayload: boolean;
}

export type ParsedCommand = { help: true } | { help: false; options: RedriveOptions };

/** A command line the command refuses: printed with the usage, exit code 1. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export const USAGE = `usage: npm run dlq:redrive -- --topic <topic> [--from <offset>] [--to <offset>]
                            [--event-id <uuid>]... [--dry-run] [--show-payload]

  --topic         a dead-letter topic (${EVENT_TOPICS.map(deadLetterTopic).join(', ')})
                  or the event topic it belongs to (${EVENT_TOPICS.join(', ')})
  --from          first dead-letter offset to consider (default: the beginning)
  --to            last dead-letter offset to consider, inclusive (default: the current end)
  --event-id      only the dead letters of this event (ce_id); may be given several times
  --dry-run       list what would be re-published, publish nothing
  --show-payload  also print each dead letter's value (event data; never personal data)

Exit codes: 0 done, 1 error (nothing more published after it), 2 stopped by Ctrl-C.`;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const OFFSET = /^(0|[1-9][0-9]{0,18})$/;

/** The dead-letter topic and the event topic of `--topic`, which may name either. */
export function resolveTopics(topic: string): { deadLetterTopic: string; originalTopic: string } {
  const original = topic.endsWith(DLQ_SUFFIX) ? topic.slice(0, -DLQ_SUFFIX.length) : topic;
  if (!(EVENT_TOPICS as readonly string[]).includes(original)) {
    throw new UsageError(
      `--topic ${JSON.stringify(topic)} is neither a dead-letter topic (${EVENT_TOPICS.map(deadLetterTopic).join(', ')}) nor an event topic (${EVENT_TOPICS.join(', ')})`,
    );
  }
  return { deadLetterTopic: deadLetterTopic(original), originalTopic: original };
}

function offset(name: string, value: string | undefined): bigint | undefined {
  if (value === undefined) return undefined;
  if (!OFFSET.test(value))
    throw new UsageError(`--${name} must be an offset (a whole number from 0), not ${value}`);
  return BigInt(value);
}

/** Parses the command line (without `node` and the script); throws UsageError on anything unclear. */
export function parseRedriveArgs(args: string[]): ParsedCommand {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: {
        topic: { type: 'string' },
        from: { type: 'string' },
        to: { type: 'string' },
        'event-id': { type: 'string', multiple: true },
        'dry-run': { type: 'boolean', default: false },
        'show-payload': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (error) {
    // parseArgs names the unknown option or the missing value.
    throw new UsageError((error as Error).message);
  }
  if (values.help) return { help: true };
  if (values.topic === undefined) throw new UsageError('--topic is required');
  const from = offset('from', values.from);
  const to = offset('to', values.to);
  if (from !== undefined && to !== undefined && from > to)
    throw new UsageError(`--from ${from} is after --to ${to}`);
  const eventIds = (values['event-id'] ?? []).map((id) => {
    if (!UUID.test(id)) throw new UsageError(`--event-id must be an event id (a UUID), not ${id}`);
    return id.toLowerCase();
  });
  return {
    help: false,
    options: {
      ...resolveTopics(values.topic),
      from,
      to,
      eventIds: [...new Set(eventIds)],
      dryRun: values['dry-run'],
      showPayload: values['show-payload'],
    },
  };
}
