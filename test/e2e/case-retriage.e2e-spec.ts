import { CASE_EVENTS_TOPIC, CasebridgeEvent, EventTypes } from '@casebridge/contracts';
import type { Role } from '@casebridge/contracts';
import { decodeEvent } from '@casebridge/messaging';
import { CaseBody, makeCase, seededRandom, submitCases } from '../support/cases';
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

const HOUR = 3600_000;
const DAY = 24 * HOUR;
const moscowConsul: Caller = { role: 'consul', consulateId: 'RU-MOW' };
const moscowCaseworker: Caller = { role: 'caseworker', consulateId: 'RU-MOW' };
const almatyConsul: Caller = { role: 'consul', consulateId: 'KZ-ALA' };
const officer: Caller = { role: 'intake_officer' };

/** A Moscow complaint that triage makes `normal`: unpaid wages, no risk indicator. */
function normalCase(index: number): CaseBody {
  const body = makeCase(
    seededRandom(1400 + index),
    { hostCountry: 'RU', hostCity: 'Moscow' },
    index,
  );
  return {
    ...body,
    category: 'unpaid_wages',
    riskIndicators: [],
    complainant: { ...body.complainant, preferredLanguage: 'uz' },
  };
}

interface Clocks {
  priority: string;
  priority_version: number;
  routed_at: Date;
  acceptance_due_at: Date;
  resolution_due_at: Date;
}

/** The assignment service's clocks of a case once it applied the re-triage of `version`. */
async function clocksAt(caseId: string, version: number): Promise<Clocks> {
  return waitFor(
    `assignment to apply the re-triage of ${caseId} at version ${version}`,
    async () => {
      const [row] = await query<Clocks>(
        'assignment',
        'SELECT priority, priority_version, routed_at, acceptance_due_at, resolution_due_at FROM assignment WHERE case_id = $1',
        [caseId],
      );
      return row?.priority_version === version ? row : undefined;
    },
  );
}

async function priorityEvents(caseId: string): Promise<CasebridgeEvent[]> {
  return (await readAll(CASE_EVENTS_TOPIC))
    .filter((m) => m.key === caseId && m.headers.ce_type === EventTypes.CasePriorityChanged)
    .map((m) =>
      // Decoding validates the envelope and the data against the event's JSON Schema.
      decodeEvent(
        { key: Buffer.from(m.key ?? ''), value: Buffer.from(m.value ?? ''), headers: m.headers },
        CASE_EVENTS_TOPIC,
      ),
    );
}

describe('Re-triage: a case’s priority changed with a reason, audited, published, followed by SLA and reports', () => {
  let system: RunningSystem;
  let intake: ServiceClient;
  let body: CaseBody;
  let caseId: string;
  let endedId: string;
  let version: number;

  const retriage = (
    caller: Caller | null,
    payload: unknown,
    headers: Record<string, string> = {},
    id = caseId,
  ) => intake.call(caller, 'POST', `/v1/cases/${id}/priority`, payload, headers);

  beforeAll(async () => {
    system = await startSystem({ REPORT_MIN_CELL_SIZE: '1' });
    intake = new ServiceClient(system.intake.url);
    body = normalCase(1);
    [caseId, endedId] = await submitCases(system.intake.url, [body, normalCase(2)]);
    await waitUntilAllAssigned([caseId, endedId]);
    const read = await intake.get<{ priority: string; version: number }>(
      officer,
      `/v1/cases/${caseId}`,
    );
    expect(read.body.priority).toBe('normal');
    version = read.body.version;
  });

  afterAll(() => stopSystem(system));

  it('refuses every role but intake officers and consuls (403), another consulate’s consul (404) and no token (401)', async () => {
    const ok = { priority: 'urgent', reason: 'new_risk_information' };
    expect((await retriage(null, ok)).status).toBe(401);
    for (const role of ['manager', 'admin', 'integration'] as Role[])
      expect({ role, status: (await retriage({ role }, ok)).status }).toEqual({
        role,
        status: 403,
      });
    expect((await retriage(moscowCaseworker, ok)).status).toBe(403);
    const elsewhere = await retriage(almatyConsul, ok);
    expect(elsewhere).toMatchObject({ status: 404, body: { code: 'case_not_found' } });
    // The same answer as for a case that does not exist: nothing tells the case is there.
    const missing = await retriage(almatyConsul, ok, {}, '00000000-0000-4000-8000-000000000000');
    const answer = ({ instance: _i, requestId: _r, ...problem }: Record<string, unknown>) =>
      problem;
    expect(answer(missing.body)).toEqual(answer(elsewhere.body));
    // None of those changed anything.
    expect((await intake.get(officer, `/v1/cases/${caseId}`)).body).toMatchObject({
      priority: 'normal',
      version,
    });
  });

  it('validates the body strictly: unknown fields, bad values and missing codes are 400 naming the field', async () => {
    const cases: [unknown, string][] = [
      [{ priority: 'urgent', reason: 'other', comment: 'she was threatened' }, 'comment'],
      [{ priority: 'critical', reason: 'other' }, 'priority'],
      [{ priority: 'urgent', reason: 'The employer threatened her' }, 'reason'],
      [{ priority: 'urgent' }, 'reason'],
      [{ priority: 'urgent', reason: 'other', version: 'three' }, 'version'],
    ];
    for (const [payload, field] of cases) {
      const res = await retriage(moscowConsul, payload);
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect((res.body.errors as { field: string }[]).map((e) => e.field)).toContain(field);
    }
    const badIfMatch = await retriage(
      moscowConsul,
      { priority: 'urgent', reason: 'other' },
      { 'If-Match': 'yesterday' },
    );
    expect(badIfMatch.status).toBe(400);
  });

  it('lets the holding consul re-triage: 200 with the case and its new version as ETag, and assignment moves the deadlines (normal → urgent: routed + 72 h → + 4 h)', async () => {
    const before = await clocksAt(caseId, 0);
    const routedAt = before.routed_at.getTime();
    expect(before.acceptance_due_at.getTime()).toBe(routedAt + 72 * HOUR);
    expect(before.resolution_due_at.getTime()).toBe(routedAt + 90 * DAY);

    const res = await retriage(
      moscowConsul,
      { priority: 'urgent', reason: 'new_risk_information' },
      { 'If-Match': `"${version}"` },
    );
    expect(res).toMatchObject({
      status: 200,
      body: { id: caseId, priority: 'urgent', status: 'assigned', version: version + 1 },
    });
    expect(res.headers.get('etag')).toBe(`"${version + 1}"`);
    version += 1;

    const after = await clocksAt(caseId, version);
    expect(after.priority).toBe('urgent');
    expect(after.acceptance_due_at.getTime()).toBe(routedAt + 4 * HOUR);
    expect(after.resolution_due_at.getTime()).toBe(routedAt + 7 * DAY);
  });

  it('refuses a stale version (If-Match or body) and the priority the case has already (409)', async () => {
    const stale = await retriage(
      officer,
      { priority: 'high', reason: 'risk_reduced' },
      { 'If-Match': `"${version - 1}"` },
    );
    expect(stale).toMatchObject({
      status: 409,
      body: { code: 'stale_version', currentVersion: version },
    });
    const staleBody = await retriage(officer, {
      priority: 'high',
      reason: 'risk_reduced',
      version: version - 1,
    });
    expect(staleBody).toMatchObject({ status: 409, body: { code: 'stale_version' } });
    const same = await retriage(moscowConsul, { priority: 'urgent', reason: 'other' });
    expect(same).toMatchObject({ status: 409, body: { code: 'priority_unchanged' } });
    expect((await intake.get(officer, `/v1/cases/${caseId}`)).body).toMatchObject({
      priority: 'urgent',
      version,
    });
  });

  it('lets an intake officer re-triage any case, with the version in the body; deadlines follow again (urgent → high: + 24 h, + 30 days)', async () => {
    const res = await retriage(officer, { priority: 'high', reason: 'risk_reduced', version });
    expect(res).toMatchObject({ status: 200, body: { priority: 'high', version: version + 1 } });
    version += 1;
    const clocks = await clocksAt(caseId, version);
    expect(clocks.acceptance_due_at.getTime()).toBe(clocks.routed_at.getTime() + 24 * HOUR);
    expect(clocks.resolution_due_at.getTime()).toBe(clocks.routed_at.getTime() + 30 * DAY);
  });

  it('re-triages open cases only: a withdrawn case is 409 case_not_open, naming its status', async () => {
    const withdrawn = await intake.call(moscowConsul, 'POST', `/v1/cases/${endedId}/transitions`, {
      action: 'withdraw',
      reason: 'complainant_request',
    });
    expect(withdrawn.status).toBe(200);
    const res = await retriage(officer, { priority: 'urgent', reason: 'other' }, {}, endedId);
    expect(res).toMatchObject({
      status: 409,
      body: { code: 'case_not_open', caseStatus: 'withdrawn' },
    });
    expect(res.body.detail).toContain('withdrawn');
  });

  it('publishes casebridge.case.priority-changed.v1 for each change, valid against its schema, with codes and ids only', async () => {
    const events = await waitFor('both re-triages on the case-events topic', async () => {
      const found = await priorityEvents(caseId);
      return found.length === 2 ? found : undefined;
    });
    expect(events.map((e) => ({ source: e.source, subject: e.subject, data: e.data }))).toEqual([
      {
        source: '/casebridge/intake',
        subject: caseId,
        data: {
          caseId,
          hostCountry: 'RU',
          from: 'normal',
          to: 'urgent',
          reason: 'new_risk_information',
          at: expect.any(String) as string,
          actor: { type: 'user', id: 'test-consul-RU-MOW', role: 'consul' },
          version: version - 1,
        },
      },
      {
        source: '/casebridge/intake',
        subject: caseId,
        data: {
          caseId,
          hostCountry: 'RU',
          from: 'urgent',
          to: 'high',
          reason: 'risk_reduced',
          at: expect.any(String) as string,
          actor: { type: 'user', id: 'test-intake_officer', role: 'intake_officer' },
          version,
        },
      },
    ]);
    const raw = JSON.stringify(
      (await readAll(CASE_EVENTS_TOPIC)).filter(
        (m) => m.headers.ce_type === EventTypes.CasePriorityChanged,
      ),
    );
    for (const secret of [
      body.complainant.fullName,
      body.complainant.passportNumber,
      body.complainant.phone,
      body.complainant.email,
      body.employer.name,
    ])
      expect(raw).not.toContain(secret);
  });

  it('shows each re-triage in the case history, and the consul sees it in the audit trail', async () => {
    const history = await intake.get<
      { kind: string; actor: string; actorRole: string; summary: string; details: unknown }[]
    >(moscowConsul, `/v1/cases/${caseId}/history`);
    expect(history.status).toBe(200);
    expect(history.body.filter((e) => e.kind === 'priority_changed')).toEqual([
      {
        kind: 'priority_changed',
        at: expect.any(String) as string,
        actor: 'test-consul-RU-MOW',
        actorRole: 'consul',
        summary: 'priority normal → urgent',
        details: {
          from: 'normal',
          to: 'urgent',
          reason: 'new_risk_information',
          version: version - 1,
        },
      },
      {
        kind: 'priority_changed',
        at: expect.any(String) as string,
        actor: 'test-intake_officer',
        actorRole: 'intake_officer',
        summary: 'priority urgent → high',
        details: { from: 'urgent', to: 'high', reason: 'risk_reduced', version },
      },
    ]);
    const audited = history.body.filter(
      (e) => e.kind === 'audit' && e.summary === 'case.priority_changed',
    );
    expect(audited.map((e) => e.actor)).toEqual(['test-consul-RU-MOW', 'test-intake_officer']);
    // Refused attempts are audited too (the 404 of another consulate's consul among them).
    const [refused] = await query<{ n: string }>(
      'intake',
      "SELECT count(*) AS n FROM audit_entry WHERE case_id = $1 AND action = 'case.access_refused'",
      [caseId],
    );
    expect(Number(refused.n)).toBeGreaterThanOrEqual(5);
  });

  it('counts the case under its current priority in the reports', async () => {
    const report = await waitFor('the report to count the re-triaged case as high', async () => {
      const r = await fetchReport(system.reporting.url);
      const byPriority = r.totals.byPriority as Record<string, number> | undefined;
      return byPriority?.high === 1 ? r : undefined;
    });
    // Two normal cases were submitted; one was re-triaged normal → urgent → high.
    expect(report.totals.received).toBe(2);
    expect(report.totals.byPriority).toEqual({ urgent: 0, high: 1, normal: 1 });
  });
});
