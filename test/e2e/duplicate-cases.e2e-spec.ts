import {
  CASE_EVENTS_TOPIC,
  CaseDuplicateDecidedV1,
  CaseStatusChangedV1,
  EventTypes,
} from '@casebridge/contracts';
import { decodeEvent, eventSchemaErrors } from '@casebridge/messaging';
import { CaseBody, makeCase, seededRandom } from '../support/cases';
import { query, waitFor } from '../support/infra';
import { readAll } from '../support/kafka';
import { Caller, ServiceClient } from '../support/service-client';
import {
  fetchReport,
  RunningSystem,
  startSystem,
  stopSystem,
  waitUntilAllAssigned,
} from '../support/system';

/**
 * Issue 14, point 6: staff confirm or dismiss a possible duplicate; a confirmed one is closed,
 * linked both ways, reaches assignment and reporting, and is not counted twice in "received".
 * Through the three real services, Kafka and PostgreSQL.
 */

interface CaseFile {
  id: string;
  reference: string;
  status: string;
  version: number;
  possibleDuplicateOf: string | null;
  duplicateDecision: { decision: string; decidedBy: string } | null;
  linkedCases: { caseId: string; reference: string; relation: string }[];
}

const officer: Caller = { role: 'intake_officer' };
const admin: Caller = { role: 'admin' };
const consul = (consulateId: string): Caller => ({ role: 'consul', consulateId });
const random = seededRandom(14_06);
let index = 60_000;

/** A London complaint of unpaid wages; the same passport makes the second one a possible duplicate. */
function complaint(passportNumber: string): CaseBody {
  const body = makeCase(random, { hostCountry: 'GB', hostCity: 'London' }, index++);
  return {
    ...body,
    category: 'unpaid_wages',
    complainant: { ...body.complainant, passportNumber, preferredLanguage: 'uz' },
  };
}

describe('Possible duplicates decided', () => {
  let system: RunningSystem;
  let intake: ServiceClient;
  let assignment: ServiceClient;
  const ids: Record<'a' | 'b' | 'd' | 'e' | 'f' | 'g', string> = {
    a: '',
    b: '',
    d: '',
    e: '',
    f: '',
    g: '',
  };

  async function create(body: CaseBody): Promise<CaseFile> {
    const res = await intake.call<CaseFile>(officer, 'POST', '/v1/cases', body);
    expect(res.status).toBe(201);
    return res.body;
  }

  const read = async (caller: Caller, id: string) =>
    intake.call<CaseFile>(caller, 'GET', `/v1/cases/${id}`);
  const decide = (
    caller: Caller | null,
    id: string,
    body: unknown,
    headers: Record<string, string> = {},
  ) =>
    intake.call<CaseFile & { code?: string }>(
      caller,
      'POST',
      `/v1/cases/${id}/duplicate-decision`,
      body,
      headers,
    );

  beforeAll(async () => {
    system = await startSystem({ REPORT_MIN_CELL_SIZE: '1' });
    intake = new ServiceClient(system.intake.url);
    assignment = new ServiceClient(system.assignment.url);
    const pairs: ['a' | 'd' | 'f', 'b' | 'e' | 'g', string][] = [
      ['a', 'b', 'DP1000001'],
      ['d', 'e', 'DP1000002'],
      ['f', 'g', 'DP1000003'],
    ];
    for (const [earlier, later, passport] of pairs) {
      ids[earlier] = (await create(complaint(passport))).id;
      const dup = await create(complaint(passport));
      expect(dup.possibleDuplicateOf).toBe(ids[earlier]);
      ids[later] = dup.id;
    }
    await waitUntilAllAssigned(Object.values(ids));
    // G moves to another office: its consul there cannot see F, the case it may duplicate.
    const moved = await assignment.call(admin, 'POST', `/v1/assignments/${ids.g}/transfer`, {
      consulateId: 'KZ-ALA',
      reason: 'complainant_relocated',
    });
    expect(moved.status).toBe(200);
    await waitFor('intake to learn of the transfer', async () => {
      const [row] = await query<{ consulate_id: string }>(
        'intake',
        'SELECT consulate_id FROM case_file WHERE id = $1',
        [ids.g],
      );
      return row.consulate_id === 'KZ-ALA';
    });
  });

  afterAll(() => stopSystem(system));

  it('is for intake officers and the holding consul only; 404 across consulates; 400 for a bad body', async () => {
    for (const caller of [
      { role: 'caseworker', consulateId: 'GB-LON' },
      { role: 'manager' },
      { role: 'admin' },
      { role: 'integration' },
    ] as Caller[])
      expect((await decide(caller, ids.b, { decision: 'confirm' })).status).toBe(403);
    expect((await decide(null, ids.b, { decision: 'confirm' })).status).toBe(401);
    expect(await decide(consul('KZ-ALA'), ids.b, { decision: 'confirm' })).toMatchObject({
      status: 404,
      body: { code: 'case_not_found' },
    });
    for (const bad of [{}, { decision: 'maybe' }, { decision: 'confirm', note: 'x' }]) {
      expect((await decide(officer, ids.b, bad)).status).toBe(400);
    }
    expect(await decide(officer, ids.b, { decision: 'confirm', version: 1 })).toMatchObject({
      status: 409,
      body: { code: 'stale_version' },
    });
    expect(await decide(officer, ids.a, { decision: 'confirm' })).toMatchObject({
      status: 409,
      body: { code: 'not_a_possible_duplicate' },
    });
    // The KZ consul holds G, but F (what G may duplicate) is London's: for them there is no flag.
    const g = await read(consul('KZ-ALA'), ids.g);
    expect(g.body.possibleDuplicateOf).toBeNull();
    expect(await decide(consul('KZ-ALA'), ids.g, { decision: 'confirm' })).toMatchObject({
      status: 409,
      body: { code: 'not_a_possible_duplicate' },
    });
    expect((await read(officer, ids.b)).body.status).toBe('assigned');
  });

  it('closes a confirmed duplicate, links both cases, refuses a second decision and a reopen', async () => {
    const before = await read(consul('GB-LON'), ids.b);
    const res = await decide(
      consul('GB-LON'),
      ids.b,
      { decision: 'confirm' },
      {
        'If-Match': `"${before.body.version}"`,
      },
    );
    expect(res.status).toBe(200);
    expect(res.headers.get('etag')).toBe(`"${before.body.version + 1}"`);
    expect(res.body).toMatchObject({
      status: 'closed',
      possibleDuplicateOf: ids.a,
      duplicateDecision: { decision: 'confirmed', decidedBy: 'test-consul-GB-LON' },
      linkedCases: [{ caseId: ids.a, relation: 'duplicate_of' }],
    });
    const a = await read(officer, ids.a);
    expect(a.body.linkedCases).toEqual([
      { caseId: ids.b, reference: res.body.reference, relation: 'duplicated_by' },
    ]);
    expect(a.body.status).toBe('assigned');
    expect(await decide(officer, ids.b, { decision: 'dismiss' })).toMatchObject({
      status: 409,
      body: { code: 'duplicate_already_decided' },
    });
    const reopen = await intake.call(consul('GB-LON'), 'POST', `/v1/cases/${ids.b}/transitions`, {
      action: 'reopen',
      reason: 'new_information',
    });
    expect(reopen).toMatchObject({ status: 409, body: { code: 'invalid_transition' } });
    const history = await intake.call<{
      entries: { kind: string; details?: { action?: string } }[];
    }>(consul('GB-LON'), 'GET', `/v1/cases/${ids.b}/history`);
    expect(JSON.stringify(history.body)).toContain('confirm_duplicate');
    const [audit] = await query<{ n: string }>(
      'intake',
      "SELECT count(*) AS n FROM audit_entry WHERE case_id = $1 AND action = 'case.duplicate_decided'",
      [ids.b],
    );
    expect(audit.n).toBe('1');
  });

  it('records a dismissal without changing the case; a dismissed one cannot be confirmed later', async () => {
    const res = await decide(officer, ids.e, { decision: 'dismiss' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      status: 'assigned',
      duplicateDecision: { decision: 'dismissed' },
      linkedCases: [],
    });
    expect(await decide(officer, ids.e, { decision: 'confirm' })).toMatchObject({
      status: 409,
      body: { code: 'duplicate_already_decided' },
    });
  });

  it('publishes both decisions (and the closing) valid against their schemas, and ends the assignment', async () => {
    const events = await waitFor('the decisions on the case-events topic', async () => {
      const decoded = (await readAll(CASE_EVENTS_TOPIC)).map((m) =>
        decodeEvent({
          key: Buffer.from(m.key ?? ''),
          value: Buffer.from(m.value ?? ''),
          headers: m.headers,
        }),
      );
      const decisions = decoded.filter((e) => e.type === EventTypes.CaseDuplicateDecided);
      return decisions.length === 2 ? decoded : undefined;
    });
    for (const e of events) expect(eventSchemaErrors(e.type, e.data)).toEqual([]);
    const decisions = events
      .filter((e) => e.type === EventTypes.CaseDuplicateDecided)
      .map((e) => e.data as CaseDuplicateDecidedV1);
    expect(decisions.map((d) => [d.caseId, d.duplicateOf, d.decision]).sort()).toEqual(
      [
        [ids.b, ids.a, 'confirmed'],
        [ids.e, ids.d, 'dismissed'],
      ].sort(),
    );
    const closing = events
      .filter((e) => e.type === EventTypes.CaseStatusChanged && e.subject === ids.b)
      .map((e) => e.data as CaseStatusChangedV1)
      .find((d) => d.to === 'closed');
    expect(closing).toMatchObject({ reason: 'duplicate', outcome: null });
    await waitFor("assignment to end the duplicate's assignment", async () => {
      const [row] = await query<{ state: string }>(
        'assignment',
        'SELECT state FROM assignment WHERE case_id = $1',
        [ids.b],
      );
      return row.state === 'closed';
    });
  });

  it('counts a confirmed duplicate nowhere in the report: one complaint, received once', async () => {
    const report = await waitFor('the report to leave the confirmed duplicate out', async () => {
      const r = await fetchReport(system.reporting.url);
      const gb = r.rows.find((row) => row.hostCountry === 'GB');
      return gb && gb.received === 5 ? r : undefined;
    });
    const gb = report.rows.find((row) => row.hostCountry === 'GB');
    expect(gb).toMatchObject({
      received: 5,
      byCategory: { unpaid_wages: 5 },
      byStatus: expect.objectContaining({ closed: 0, assigned: 5 }) as unknown,
    });
    expect(report.totals.received).toBe(5);
  });

  it('keeps a duplicate confirmed across consulates to what each reader may see, history included', async () => {
    // An intake officer sees both G (held in Almaty) and F (London) and confirms G.
    const confirmed = await decide(officer, ids.g, { decision: 'confirm' });
    expect(confirmed.body).toMatchObject({
      status: 'closed',
      possibleDuplicateOf: ids.f,
      linkedCases: [{ caseId: ids.f, relation: 'duplicate_of' }],
    });
    // Almaty's consul holds G but may not learn that the complainant has a case in London.
    const g = await read(consul('KZ-ALA'), ids.g);
    expect(g.body).toMatchObject({
      status: 'closed',
      possibleDuplicateOf: null,
      duplicateDecision: null,
      linkedCases: [],
    });
    const history = await intake.call(consul('KZ-ALA'), 'GET', `/v1/cases/${ids.g}/history`);
    expect(history.status).toBe(200);
    const text = JSON.stringify(history.body);
    expect(text).not.toContain('duplicate');
    expect(text).not.toContain(ids.f);
    // London's consul sees F linked to a case they cannot read: the link is left out.
    const f = await read(consul('GB-LON'), ids.f);
    expect(f.body.linkedCases).toEqual([]);
    expect((await read(officer, ids.f)).body.linkedCases).toEqual([
      { caseId: ids.g, reference: confirmed.body.reference, relation: 'duplicated_by' },
    ]);
  });
});
