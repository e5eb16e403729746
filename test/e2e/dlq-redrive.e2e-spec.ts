import { randomUUID } from 'node:crypto';
import { serviceRoles } from '@casebridge/common';
import {
  CASE_EVENTS_TOPIC,
  DeadLetterHeaders,
  deadLetterTopic,
  EventSources,
  EventTypes,
} from '@casebridge/contracts';
import { buildHeaders } from '@casebridge/messaging';
import { makeCase, seededRandom, submitCases } from '../support/cases';
import { endOffsets, runRedrive, waitUntilConsumed } from '../support/dlq-redrive';
import { dbClient, query, waitFor } from '../support/infra';
import { produceRaw, readAll, ReadMessage } from '../support/kafka';
import {
  expectAssignedExactlyOnce,
  RunningSystem,
  startSystem,
  stopSystem,
  waitUntilAllAssigned,
} from '../support/system';

const ASSIGNMENT_GROUP = 'casebridge-assignment';
const CONSUMERS_OF_CASE_EVENTS = [ASSIGNMENT_GROUP, 'casebridge-reporting'];

/**
 * The realistic failure: a deployment that left the assignment service without INSERT on its
 * `assignment` table (say, a migration that dropped a grant). Routing fails on every attempt,
 * is dead-lettered, and the case stays `submitted`; the operator restores the grant.
 */
async function setAssignmentInsert(allowed: boolean): Promise<void> {
  const client = await dbClient('assignment', 'owner');
  const role = serviceRoles('assignment').runtime;
  try {
    await client.query(
      allowed
        ? `GRANT INSERT ON assignment TO ${role}`
        : `REVOKE INSERT ON assignment FROM ${role}`,
    );
  } finally {
    await client.end();
  }
}

async function caseStatus(caseId: string): Promise<string> {
  const [row] = await query<{ status: string }>(
    'intake',
    'SELECT status FROM case_file WHERE id = $1',
    [caseId],
  );
  return row.status;
}

/** The audit log: stderr's JSON lines. */
function auditLines(stderr: string): Record<string, unknown>[] {
  return stderr
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('npm run dlq:redrive: dead letters go back to their topic once the cause is fixed', () => {
  let system: RunningSystem;
  let caseId: string;
  let eventId: string;
  let letter: ReadMessage;

  beforeAll(async () => {
    system = await startSystem();
    await setAssignmentInsert(false);
    [caseId] = await submitCases(system.intake.url, [
      makeCase(seededRandom(16), { hostCountry: 'KZ', hostCity: 'Almaty' }, 0),
    ]);
    letter = await waitFor(
      'the routing of the case to be dead-lettered by assignment',
      async () =>
        (await readAll(deadLetterTopic(CASE_EVENTS_TOPIC))).find(
          (m) =>
            m.key === caseId && m.headers[DeadLetterHeaders.consumerGroup] === ASSIGNMENT_GROUP,
        ),
      90_000,
      1000,
    );
    eventId = letter.headers.ce_id;
  });

  afterAll(async () => {
    await setAssignmentInsert(true);
    await stopSystem(system);
  });

  it('lists the dead letter with its position, error and attempts, and a dry run changes nothing', async () => {
    expect(letter.headers[DeadLetterHeaders.errorKind]).toBe('handler_failed');
    await setAssignmentInsert(true);
    const before = await endOffsets(CASE_EVENTS_TOPIC);

    const run = await runRedrive(['--topic', deadLetterTopic(CASE_EVENTS_TOPIC), '--dry-run']);

    expect(run.code).toBe(0);
    expect(run.stdout).toContain(
      `${deadLetterTopic(CASE_EVENTS_TOPIC)} ${letter.partition}@${letter.offset} <- ${CASE_EVENTS_TOPIC} ` +
        `${letter.headers[DeadLetterHeaders.originalPartition]}@${letter.headers[DeadLetterHeaders.originalOffset]}`,
    );
    expect(run.stdout).toContain(`event ${eventId} ${EventTypes.CaseSubmitted}`);
    expect(run.stdout).toContain(`dead-lettered by ${ASSIGNMENT_GROUP} after 5 attempt(s)`);
    expect(run.stdout).toMatch(/handler_failed: .*permission denied for table assignment/);
    expect(run.stdout).toContain('1 to re-publish');
    expect(run.stdout).toContain('dry run, nothing re-published');
    // No event data on screen without --show-payload: not even the case's reference.
    expect(run.stdout).not.toContain('"caseId"');
    expect(auditLines(run.stderr)).toEqual([]);

    expect(await endOffsets(CASE_EVENTS_TOPIC)).toEqual(before);
    await waitUntilConsumed(ASSIGNMENT_GROUP, CASE_EVENTS_TOPIC);
    expect(await caseStatus(caseId)).toBe('submitted');
  });

  it('re-publishes it unchanged to the original topic, where assignment now applies it, audited', async () => {
    const run = await runRedrive(['--topic', CASE_EVENTS_TOPIC]);

    expect(run.code).toBe(0);
    expect(run.stdout).toContain('1 of 1 re-published');
    await waitUntilAllAssigned([caseId]);
    await expectAssignedExactlyOnce([caseId]);

    const copies = (await readAll(CASE_EVENTS_TOPIC)).filter((m) => m.headers.ce_id === eventId);
    expect(copies).toHaveLength(2);
    const [original, redriven] = copies;
    expect(redriven.key).toBe(original.key);
    expect(redriven.value).toBe(original.value);
    expect(redriven.headers).toEqual(original.headers);

    const audit = auditLines(run.stderr).find((l) => l.msg === 'dead letter re-published');
    expect(audit).toMatchObject({
      command: 'dlq:redrive',
      user: expect.any(String),
      time: expect.any(String),
      topic: CASE_EVENTS_TOPIC,
      eventId,
      eventType: EventTypes.CaseSubmitted,
      deadLetter: { partition: letter.partition, offset: letter.offset },
      original: {
        topic: CASE_EVENTS_TOPIC,
        partition: letter.headers[DeadLetterHeaders.originalPartition],
        offset: letter.headers[DeadLetterHeaders.originalOffset],
      },
      consumerGroups: [ASSIGNMENT_GROUP],
    });
    expect(run.stderr).not.toContain('caseId');
  });

  it('applies nothing more when the same dead letters are redriven again', async () => {
    const run = await runRedrive([
      '--topic',
      deadLetterTopic(CASE_EVENTS_TOPIC),
      '--event-id',
      eventId,
    ]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('1 of 1 re-published');

    for (const group of CONSUMERS_OF_CASE_EVENTS) await waitUntilConsumed(group, CASE_EVENTS_TOPIC);
    await expectAssignedExactlyOnce([caseId]);
    const [history] = await query<{ n: string }>(
      'assignment',
      'SELECT count(*) AS n FROM assignment_history WHERE case_id = $1',
      [caseId],
    );
    expect(Number(history.n)).toBe(1);
    const [submitted] = await query<{ n: string }>(
      'reporting',
      `SELECT count(*) AS n FROM inbox_message WHERE event_id = $1`,
      [eventId],
    );
    expect(Number(submitted.n)).toBe(1);
    expect(await caseStatus(caseId)).toBe('assigned');
    // Reporting counts the complaint once, though it read its submission three times (its
    // buckets; the report itself suppresses a cell of one case).
    const [received] = await query<{ n: string }>(
      'reporting',
      "SELECT coalesce(sum(value), 0) AS n FROM daily_case_bucket WHERE metric = 'received'",
    );
    expect(Number(received.n)).toBe(1);
  });

  it('reads only the chosen offsets, and lists an event two groups dead-lettered once', async () => {
    // Not JSON: both consumers of case events dead-letter it, right after the first dead letter.
    const dlq = deadLetterTopic(CASE_EVENTS_TOPIC);
    const [first, second, third] = [0n, 1n, 2n].map((n) => String(BigInt(letter.offset) + n));
    const poisonCase = randomUUID();
    const poisonId = randomUUID();
    await produceRaw(CASE_EVENTS_TOPIC, {
      key: poisonCase,
      value: '{"caseId": "not json',
      headers: buildHeaders(poisonId, EventTypes.CaseSubmitted, EventSources.intake, poisonCase, {
        correlationId: poisonId,
      }),
    });
    await waitFor(
      'both groups to dead-letter the poison message',
      async () => (await readAll(dlq)).length === 3,
    );

    const run = await runRedrive(['--topic', CASE_EVENTS_TOPIC, '--from', second, '--dry-run']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('read 2 of 2 dead letters');
    expect(run.stdout).not.toContain(`${dlq} 0@${first} <-`);
    expect(run.stdout).toContain(`event ${poisonId}`);
    expect(run.stdout).toMatch(
      /dead-lettered by (casebridge-assignment, casebridge-reporting|casebridge-reporting, casebridge-assignment) /,
    );
    expect(run.stdout).toContain(`skip: same event as dead letter 0@${second}`);
    expect(run.stdout).toContain('2 dead letters read, 2 match, 1 to re-publish');

    // The value only when asked for.
    expect(run.stdout).not.toContain('not json');
    const one = await runRedrive([
      '--topic',
      CASE_EVENTS_TOPIC,
      `--from=${third}`,
      `--to=${third}`,
      '--dry-run',
      '--show-payload',
    ]);
    expect(one.code).toBe(0);
    expect(one.stdout).toContain('read 1 of 1 dead letters');
    expect(one.stdout).toContain(`${dlq} 0@${third} <-`);
    expect(one.stdout).toContain('  value: {"caseId": "not json');
  });

  it('refuses a topic that is neither an event topic nor its dead-letter topic (exit code 1)', async () => {
    const run = await runRedrive(['--topic', 'casebridge.cases.dlq']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('neither a dead-letter topic');
    expect(run.stderr).toContain('usage: npm run dlq:redrive');
  });
});
