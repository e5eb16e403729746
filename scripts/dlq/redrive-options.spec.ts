import { parseRedriveArgs, RedriveOptions, UsageError } from './redrive-options';

function options(args: string[]): RedriveOptions {
  const parsed = parseRedriveArgs(args);
  if (parsed.help) throw new Error('expected options, got --help');
  return parsed.options;
}

function refusal(args: string[]): string {
  try {
    parseRedriveArgs(args);
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as Error).message;
  }
  throw new Error(`accepted ${args.join(' ')}`);
}

describe('dlq:redrive arguments', () => {
  it('takes the dead-letter topic or the event topic it belongs to, and reads it all by default', () => {
    const expected = {
      deadLetterTopic: 'casebridge.case-events.v1.dlq',
      originalTopic: 'casebridge.case-events.v1',
      from: undefined,
      to: undefined,
      eventIds: [],
      dryRun: false,
      showPayload: false,
    };
    expect(options(['--topic', 'casebridge.case-events.v1.dlq'])).toEqual(expected);
    expect(options(['--topic', 'casebridge.case-events.v1'])).toEqual(expected);
    expect(options(['--topic=casebridge.assignment-events.v1'])).toMatchObject({
      deadLetterTopic: 'casebridge.assignment-events.v1.dlq',
      originalTopic: 'casebridge.assignment-events.v1',
    });
  });

  it('takes an offset range, event ids (lower-cased, once each), --dry-run and --show-payload', () => {
    const id = '3F2504E0-4F89-41D3-9A0C-0305E82C3301';
    expect(
      options([
        '--topic',
        'casebridge.case-events.v1',
        '--from',
        '0',
        '--to',
        '12',
        '--event-id',
        id,
        '--event-id',
        id.toLowerCase(),
        '--dry-run',
        '--show-payload',
      ]),
    ).toMatchObject({
      from: 0n,
      to: 12n,
      eventIds: [id.toLowerCase()],
      dryRun: true,
      showPayload: true,
    });
  });

  it('answers --help without asking for a topic', () => {
    expect(parseRedriveArgs(['--help'])).toEqual({ help: true });
    expect(parseRedriveArgs(['-h'])).toEqual({ help: true });
  });

  it.each([
    [[], '--topic is required'],
    [['--topic', 'casebridge.cases'], 'neither a dead-letter topic'],
    [['--topic', 'casebridge.case-events.v1.dlq.dlq'], 'neither a dead-letter topic'],
    [['--topic', 'casebridge.case-events.v2'], 'neither a dead-letter topic'],
    [['--topic', 'casebridge.case-events.v1', '--from=-1'], '--from must be an offset'],
    [['--topic', 'casebridge.case-events.v1', '--to', '1.5'], '--to must be an offset'],
    [['--topic', 'casebridge.case-events.v1', '--from', '007'], '--from must be an offset'],
    [['--topic', 'casebridge.case-events.v1', '--from', '9', '--to', '3'], 'after --to'],
    [['--topic', 'casebridge.case-events.v1', '--event-id', 'CB-2026-000001'], 'a UUID'],
    [['--topic', 'casebridge.case-events.v1', '--offset', '3'], "Unknown option '--offset'"],
    [['--topic', 'casebridge.case-events.v1', 'now'], 'Unexpected argument'],
    [['--topic'], 'argument missing'],
  ])('refuses %j: %s', (args, message) => {
    expect(refusal(args)).toContain(message);
  });

  it('names every topic it accepts when refusing one', () => {
    const message = refusal(['--topic', 'case-events']);
    for (const topic of [
      'casebridge.case-events.v1',
      'casebridge.case-events.v1.dlq',
      'casebridge.assignment-events.v1',
      'casebridge.assignment-events.v1.dlq',
    ])
      expect(message).toContain(topic);
  });
});
