import { randomUUID } from 'node:crypto';
import {
  ASSIGNMENT_EVENTS_TOPIC,
  CASE_EVENTS_TOPIC,
  DeadLetterHeaders,
  deadLetterTopic,
  EVENT_TOPIC_PARTITIONS,
  EventSources,
  EventTypes,
} from '@casebridge/contracts';
import { buildHeaders } from '@casebridge/messaging';
import { makeCase, seededRandom, submitCases } from '../support/cases';
import { waitFor } from '../support/infra';
import { produceEvent, produceRaw, readAll, ReadMessage } from '../support/kafka';
import { RunningSystem, startSystem, stopSystem, waitUntilAllAssigned } from '../support/system';

/** Three kinds of poison: not JSON, JSON that violates the schema, no CloudEvents headers. */
function poison(
  topic: string,
  partition: number,
): { value: string; headers?: Record<string, string>; partition: number } {
  const caseId = randomUUID();
  const type = topic === CASE_EVENTS_TOPIC ? EventTypes.CaseSubmitted : EventTypes.CaseAssigned;
  switch (partition % 3) {
    case 0:
      return {
        partition,
        value: '{"caseId": "not json',
        headers: buildHeaders(randomUUID(), type, EventSources.intake, caseId, {
          correlationId: 'poison',
        }),
      };
    case 1:
      return {
        partition,
        value: JSON.stringify({ caseId, hostCountry: 'Russia', category: 'bribery' }),
        headers: buildHeaders(randomUUID(), type, EventSources.intake, caseId, {
          correlationId: 'poison',
        }),
      };
    default:
      return { partition, value: JSON.stringify({ caseId }) };
  }
}

async function deadLettersOf(
  topic: string,
  group: string,
  expected: number,
): Promise<ReadMessage[]> {
  return waitFor(
    `${expected} dead letters of ${topic} from ${group}`,
    async () => {
      const letters = (await readAll(deadLetterTopic(topic))).filter(
        (m) => m.headers[DeadLetterHeaders.consumerGroup] === group,
      );
      return letters.length >= expected ? letters : undefined;
    },
    90_000,
    1000,
  );
}

describe('Poison messages go to the dead-letter topic and never block their partition', () => {
  let system: RunningSystem;

  beforeAll(async () => {
    system = await startSystem();
  });

  afterAll(() => stopSystem(system));

  it('dead-letters a malformed message on every partition of both topics and still processes what follows', async () => {
    for (const topic of [CASE_EVENTS_TOPIC, ASSIGNMENT_EVENTS_TOPIC]) {
      for (let partition = 0; partition < EVENT_TOPIC_PARTITIONS; partition++)
        await produceRaw(topic, poison(topic, partition));
    }
    const random = seededRandom(9);
    const bodies = Array.from({ length: 24 }, (_, i) =>
      makeCase(random, { hostCountry: 'KZ', hostCity: 'Almaty' }, i),
    );
    const ids = await submitCases(system.intake.url, bodies);
    await waitUntilAllAssigned(ids);

    for (const [topic, groups] of [
      [CASE_EVENTS_TOPIC, ['casebridge-assignment', 'casebridge-reporting']],
      [ASSIGNMENT_EVENTS_TOPIC, ['casebridge-intake', 'casebridge-reporting']],
    ] as const) {
      for (const group of groups) {
        const letters = await deadLettersOf(topic, group, EVENT_TOPIC_PARTITIONS);
        expect(letters).toHaveLength(EVENT_TOPIC_PARTITIONS);
        for (const letter of letters) {
          expect(letter.headers[DeadLetterHeaders.originalTopic]).toBe(topic);
          expect(letter.headers[DeadLetterHeaders.errorKind]).toBe('invalid_message');
          expect(letter.headers[DeadLetterHeaders.error]).toEqual(expect.any(String));
          expect(letter.headers[DeadLetterHeaders.originalOffset]).toMatch(/^\d+$/);
        }
        expect(
          new Set(letters.map((l) => l.headers[DeadLetterHeaders.originalPartition])).size,
        ).toBe(EVENT_TOPIC_PARTITIONS);
      }
    }

    // Operators see them counted: one dead letter per partition and topic consumed.
    const consumed = {
      intake: [ASSIGNMENT_EVENTS_TOPIC],
      assignment: [CASE_EVENTS_TOPIC],
      reporting: [CASE_EVENTS_TOPIC, ASSIGNMENT_EVENTS_TOPIC],
    } as const;
    for (const [service, topics] of Object.entries(consumed) as [
      keyof typeof consumed,
      readonly string[],
    ][]) {
      // The counter moves just after the letter is sent, so it may trail the topic briefly.
      await waitFor(`${service} to count its dead letters`, async () => {
        const metrics = await (await fetch(`${system[service].url}/metrics`)).text();
        return topics.every((topic) =>
          metrics
            .split('\n')
            .some(
              (l) =>
                l.startsWith('casebridge_dead_letters_total{') &&
                l.includes(`topic="${topic}"`) &&
                l.endsWith(` ${EVENT_TOPIC_PARTITIONS}`),
            ),
        );
      });
    }
  });

  it('dead-letters a well-formed event whose handler keeps failing after bounded retries', async () => {
    const unknownCase = randomUUID();
    await produceEvent(
      EventTypes.CaseAssigned,
      {
        caseId: unknownCase,
        hostCountry: 'KZ',
        consulateId: 'KZ-ALA',
        caseworkerId: null,
        assignedAt: new Date().toISOString(),
        reason: 'auto',
        previous: null,
        sequence: 1,
      },
      { source: EventSources.assignment },
    );
    const letter = await waitFor('the unknown case to be dead-lettered by intake', async () =>
      (await readAll(deadLetterTopic(ASSIGNMENT_EVENTS_TOPIC))).find(
        (m) =>
          m.key === unknownCase &&
          m.headers[DeadLetterHeaders.consumerGroup] === 'casebridge-intake',
      ),
    );
    expect(letter.headers[DeadLetterHeaders.errorKind]).toBe('handler_failed');
    expect(Number(letter.headers[DeadLetterHeaders.attempts])).toBe(5);

    // The partition moved on: a case submitted afterwards is still assigned.
    const [id] = await submitCases(system.intake.url, [
      makeCase(seededRandom(3), { hostCountry: 'KZ' }, 999),
    ]);
    await waitUntilAllAssigned([id]);
  });
});
