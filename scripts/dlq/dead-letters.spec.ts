import type { IHeaders, KafkaMessage, Message } from 'kafkajs';
import {
  DeadLetter,
  describeDeadLetter,
  originalMessage,
  planRedrive,
  readDeadLetter,
} from './dead-letters';
import { MessageSender, redriveDeadLetters } from './redrive';

const TOPIC = 'casebridge.case-events.v1';
const ID_A = '3f2504e0-4f89-41d3-9a0c-0305e82c3301';
const ID_B = '9b2c1f7e-1d6a-4c55-8c8e-2b1f0f4f7a10';

function message(offset: number, headers: IHeaders): KafkaMessage {
  // The fields the command reads (a record batch entry has a batch context besides).
  return {
    key: Buffer.from('case-1'),
    value: Buffer.from('{"caseId":"case-1"}'),
    timestamp: '0',
    attributes: 0,
    offset: String(offset),
    size: 0,
    headers,
  } as unknown as KafkaMessage;
}

function letter(offset: number, overrides: Record<string, string | undefined> = {}): DeadLetter {
  const headers: Record<string, string> = {
    ce_specversion: '1.0',
    ce_id: ID_A,
    ce_type: 'casebridge.case.submitted.v1',
    ce_source: '/casebridge/intake',
    traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
    dlq_error: 'permission denied for table assignment',
    dlq_error_kind: 'handler_failed',
    dlq_original_topic: TOPIC,
    dlq_original_partition: '2',
    dlq_original_offset: String(40 + offset),
    dlq_consumer_group: 'casebridge-assignment',
    dlq_attempts: '5',
    dlq_failed_at: '2026-12-02T05:00:00.000Z',
  };
  for (const [name, value] of Object.entries(overrides))
    if (value === undefined) delete headers[name];
    else headers[name] = value;
  const asBuffers = Object.fromEntries(
    Object.entries(headers).map(([k, v]) => [k, Buffer.from(v)]),
  );
  return readDeadLetter(0, message(offset, asBuffers));
}

describe('choosing the dead letters to re-publish', () => {
  it('reads the failure from the dead-letter headers', () => {
    expect(letter(3)).toMatchObject({
      partition: 0,
      offset: '3',
      eventId: ID_A,
      eventType: 'casebridge.case.submitted.v1',
      original: { topic: TOPIC, partition: '2', offset: '43' },
      consumerGroup: 'casebridge-assignment',
      errorKind: 'handler_failed',
      attempts: '5',
    });
  });

  it('re-publishes an event dead-lettered by several groups once, naming them all', () => {
    const plan = planRedrive(
      [
        letter(0),
        letter(1, { dlq_consumer_group: 'casebridge-reporting' }),
        letter(2, { ce_id: ID_B }),
      ],
      TOPIC,
    );
    expect(plan.map((p) => p.skip?.kind)).toEqual([undefined, 'same_event', undefined]);
    expect(plan[0].consumerGroups).toEqual(['casebridge-assignment', 'casebridge-reporting']);
    expect(describeDeadLetter(plan[1], `${TOPIC}.dlq`)).toContain('same event as dead letter 0@0');
  });

  it('keeps only the chosen events when event ids are given', () => {
    const plan = planRedrive([letter(0), letter(1, { ce_id: ID_B.toUpperCase() })], TOPIC, [ID_B]);
    expect(plan).toHaveLength(1);
    expect(plan[0].letter.offset).toBe('1');
  });

  it('never re-publishes a forged event, one without an event id, or one of another topic', () => {
    const plan = planRedrive(
      [
        letter(0, { dlq_error_kind: 'untrusted_source', ce_id: ID_B }),
        letter(1, { dlq_error_kind: 'wrong_topic', ce_id: ID_B }),
        letter(2, { ce_id: undefined, dlq_error_kind: 'invalid_message' }),
        letter(3, { ce_id: 'not-a-uuid' }),
        letter(4, { dlq_original_topic: 'casebridge.assignment-events.v1' }),
        letter(5, { dlq_original_topic: undefined }),
      ],
      TOPIC,
    );
    expect(plan.map((p) => p.skip?.kind)).toEqual([
      'refused_source',
      'refused_source',
      'no_event_id',
      'no_event_id',
      'other_topic',
      'other_topic',
    ]);
  });

  it('re-publishes the original key, value and headers, without the dead-letter headers', () => {
    const original = originalMessage(letter(0));
    expect(original.key?.toString()).toBe('case-1');
    expect(original.value?.toString()).toBe('{"caseId":"case-1"}');
    expect(Object.keys(original.headers ?? {}).sort()).toEqual([
      'ce_id',
      'ce_source',
      'ce_specversion',
      'ce_type',
      'traceparent',
    ]);
  });

  it('lists a dead letter without its value', () => {
    const line = describeDeadLetter(planRedrive([letter(7)], TOPIC)[0], `${TOPIC}.dlq`);
    expect(line).toContain(`${TOPIC}.dlq 0@7 <- ${TOPIC} 2@47`);
    expect(line).toContain('handler_failed: permission denied for table assignment');
    expect(line).toContain('after 5 attempt(s)');
    expect(line).not.toContain('caseId');
  });
});

describe('re-publishing', () => {
  const sent: { topic: string; messages: Message[] }[] = [];
  const sender: MessageSender = {
    send: (topic, messages) => {
      sent.push({ topic, messages });
      return Promise.resolve();
    },
  };
  beforeEach(() => (sent.length = 0));

  it('sends the chosen dead letters in order and reports N of M', async () => {
    const plan = planRedrive([letter(0), letter(1), letter(2, { ce_id: ID_B })], TOPIC);
    const progress: string[] = [];
    const result = await redriveDeadLetters(
      sender,
      TOPIC,
      plan,
      new AbortController().signal,
      (p, i, n) => progress.push(`${i}/${n} ${p.letter.offset}`),
    );
    expect(result).toEqual({ redriven: 2, stopped: false });
    expect(progress).toEqual(['1/2 0', '2/2 2']);
    expect(sent.map((s) => s.topic)).toEqual([TOPIC, TOPIC]);
  });

  it('stops between two messages once Ctrl-C is pressed', async () => {
    const abort = new AbortController();
    const plan = planRedrive([letter(0), letter(1, { ce_id: ID_B })], TOPIC);
    const result = await redriveDeadLetters(sender, TOPIC, plan, abort.signal, () => abort.abort());
    expect(result).toEqual({ redriven: 1, stopped: true });
    expect(sent).toHaveLength(1);
  });

  it('fails on a send the broker refuses for good, after publishing what came before', async () => {
    const plan = planRedrive([letter(0), letter(1, { ce_id: ID_B })], TOPIC);
    let calls = 0;
    const refusing: MessageSender = {
      send: () => {
        calls += 1;
        return calls === 1
          ? Promise.resolve()
          : Promise.reject(
              Object.assign(new Error('not authorized'), {
                name: 'KafkaJSProtocolError',
                retriable: false,
              }),
            );
      },
    };
    await expect(
      redriveDeadLetters(refusing, TOPIC, plan, new AbortController().signal, () => undefined),
    ).rejects.toThrow('not authorized');
    expect(calls).toBe(2);
  });
});
