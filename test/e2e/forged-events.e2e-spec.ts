import { randomUUID } from 'node:crypto';
import type { KafkaPrincipal } from '@casebridge/common';
import {
  ASSIGNMENT_EVENTS_TOPIC,
  CASE_EVENTS_TOPIC,
  CaseAssignedV1,
  DeadLetterHeaders,
  deadLetterTopic,
  EventSources,
  EventTypes,
} from '@casebridge/contracts';
import { buildHeaders } from '@casebridge/messaging';
import { makeCase, seededRandom, submitCases } from '../support/cases';
import { kafkaClient, query, waitFor } from '../support/infra';
import { produceEvent, readAll } from '../support/kafka';
import { RunningSystem, startSystem, stopSystem, waitUntilAllAssigned } from '../support/system';

interface Holder {
  consulate_id: string;
  caseworker_id: string | null;
  assignment_sequence: number;
}

async function holderOf(caseId: string): Promise<Holder> {
  const [row] = await query<Holder>(
    'intake',
    'SELECT consulate_id, caseworker_id, assignment_sequence FROM case_file WHERE id = $1',
    [caseId],
  );
  return row;
}

/** A `case.assigned` moving the case to another consulate, with a sequence that would win. */
function transferTo(caseId: string, consulateId: string): CaseAssignedV1 {
  return {
    caseId,
    hostCountry: 'KZ',
    consulateId,
    caseworkerId: null,
    assignedAt: new Date().toISOString(),
    reason: 'transferred',
    previous: null,
    sequence: 1000,
  };
}

async function endOffset(topic: string): Promise<number> {
  const admin = kafkaClient().admin();
  await admin.connect();
  try {
    return (await admin.fetchTopicOffsets(topic)).reduce((sum, p) => sum + Number(p.high), 0);
  } finally {
    await admin.disconnect();
  }
}

/** Produces as `principal` (plain producer: a forger needs no idempotence); returns the error. */
async function produceAs(principal: KafkaPrincipal, data: CaseAssignedV1): Promise<unknown> {
  const producer = kafkaClient(`forger-${principal}`, principal).producer({
    retry: { retries: 0 },
  });
  await producer.connect();
  try {
    await producer.send({
      topic: ASSIGNMENT_EVENTS_TOPIC,
      acks: -1,
      messages: [
        {
          key: data.caseId,
          value: JSON.stringify(data),
          headers: buildHeaders(
            randomUUID(),
            EventTypes.CaseAssigned,
            EventSources.assignment,
            data.caseId,
            {
              correlationId: 'forged',
            },
          ),
        },
      ],
    });
    return undefined;
  } catch (error) {
    return error;
  } finally {
    await producer.disconnect();
  }
}

describe('Forged events: only a topic’s owner can move a case', () => {
  let system: RunningSystem;
  let caseId: string;
  let held: Holder;

  beforeAll(async () => {
    system = await startSystem();
    [caseId] = await submitCases(system.intake.url, [
      makeCase(seededRandom(81), { hostCountry: 'KZ', hostCity: 'Almaty' }, 0),
    ]);
    await waitUntilAllAssigned([caseId]);
    held = await holderOf(caseId);
  });

  afterAll(() => stopSystem(system));

  it.each<KafkaPrincipal>(['integration', 'reporting'])(
    'the broker refuses a case.assigned written by the %s principal (TOPIC_AUTHORIZATION_FAILED) and nothing changes',
    async (principal) => {
      const before = await endOffset(ASSIGNMENT_EVENTS_TOPIC);
      const error = await produceAs(principal, transferTo(caseId, 'RU-MOW'));
      expect(error).toMatchObject({ type: 'TOPIC_AUTHORIZATION_FAILED' });
      expect(await endOffset(ASSIGNMENT_EVENTS_TOPIC)).toBe(before);
      expect(await holderOf(caseId)).toEqual(held);
    },
  );

  it('lets the read-only integration principal read the event topics under its group prefix', async () => {
    const consumer = kafkaClient('integration-reader', 'integration').consumer({
      groupId: `integration-test-${randomUUID()}`,
      maxWaitTimeInMs: 200,
    });
    await consumer.connect();
    try {
      await consumer.subscribe({ topic: ASSIGNMENT_EVENTS_TOPIC, fromBeginning: true });
      const seen = new Promise<string>((resolve) => {
        void consumer.run({
          eachMessage: ({ message }) => {
            if (message.key?.toString() === caseId) resolve(message.key.toString());
            return Promise.resolve();
          },
        });
      });
      await expect(seen).resolves.toBe(caseId);
    } finally {
      await consumer.disconnect();
    }
  });

  it('dead-letters a case.assigned with a ce_source other than assignment, counts it, and leaves the case in its consulate', async () => {
    // The super user may write any topic: the consumers' own check is what stops this one.
    await produceEvent(EventTypes.CaseAssigned, transferTo(caseId, 'RU-MOW'), {
      source: EventSources.reporting,
    });
    for (const group of ['casebridge-intake', 'casebridge-reporting']) {
      const letter = await waitFor(
        `${group} to dead-letter the forged event`,
        async () =>
          (await readAll(deadLetterTopic(ASSIGNMENT_EVENTS_TOPIC))).find(
            (m) => m.key === caseId && m.headers[DeadLetterHeaders.consumerGroup] === group,
          ),
        60_000,
        1000,
      );
      expect(letter.headers[DeadLetterHeaders.errorKind]).toBe('untrusted_source');
      expect(letter.headers[DeadLetterHeaders.error]).toContain(EventSources.assignment);
    }
    expect(await holderOf(caseId)).toEqual(held);
    expect(held.consulate_id).not.toBe('RU-MOW');

    await waitFor('intake to count the refused event', async () => {
      const metrics = await (await fetch(`${system.intake.url}/metrics`)).text();
      return metrics
        .split('\n')
        .some(
          (l) =>
            l.startsWith('casebridge_events_refused_total{') &&
            l.includes(`topic="${ASSIGNMENT_EVENTS_TOPIC}"`) &&
            l.includes('reason="untrusted_source"') &&
            l.endsWith(' 1'),
        );
    });
  });

  it('dead-letters a case.priority-changed that does not come from intake, and the deadlines and reports keep the priority', async () => {
    const clocksOf = async () =>
      (
        await query<{ priority: string; acceptance_due_at: Date }>(
          'assignment',
          'SELECT priority, acceptance_due_at FROM assignment WHERE case_id = $1',
          [caseId],
        )
      )[0];
    const before = await clocksOf();
    const [fact] = await query<{ priority: string }>(
      'reporting',
      'SELECT priority FROM case_fact WHERE case_id = $1',
      [caseId],
    );
    const to = before.priority === 'urgent' ? 'normal' : 'urgent';
    await produceEvent(
      EventTypes.CasePriorityChanged,
      {
        caseId,
        hostCountry: 'KZ',
        from: before.priority as 'urgent' | 'high' | 'normal',
        to,
        reason: 'other',
        at: new Date().toISOString(),
        actor: { type: 'user', id: 'forger' },
        version: 1000,
      },
      { source: EventSources.assignment },
    );
    for (const group of ['casebridge-assignment', 'casebridge-reporting']) {
      const letter = await waitFor(
        `${group} to dead-letter the forged re-triage`,
        async () =>
          (await readAll(deadLetterTopic(CASE_EVENTS_TOPIC))).find(
            (m) =>
              m.key === caseId &&
              m.headers.ce_type === EventTypes.CasePriorityChanged &&
              m.headers[DeadLetterHeaders.consumerGroup] === group,
          ),
        60_000,
        1000,
      );
      expect(letter.headers[DeadLetterHeaders.errorKind]).toBe('untrusted_source');
    }
    expect(await clocksOf()).toEqual(before);
    expect(
      (
        await query<{ priority: string }>(
          'reporting',
          'SELECT priority FROM case_fact WHERE case_id = $1',
          [caseId],
        )
      )[0],
    ).toEqual(fact);
  });
});
