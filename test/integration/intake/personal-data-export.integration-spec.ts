import type { Role } from '@casebridge/contracts';
import { CaseBody, makeCase, seededRandom } from '../../support/cases';
import { keyStoreClient, query, resetDatabase, resetTopics } from '../../support/infra';
import { assignCase, resetAssignmentSequences } from '../../support/intake-client';
import { disconnectTestProducer } from '../../support/kafka';
import { Caller, ServiceClient } from '../../support/service-client';
import { ServiceProcess, startServiceProcess } from '../../support/service-process';

const RU = 'RU-MOW';
const EXPORTS = '/v1/personal-data/exports';
const officer: Caller = { role: 'intake_officer' };
const caseworker: Caller = { role: 'caseworker', consulateId: RU };
const dpo: Caller = { role: 'data_protection_officer', sub: 'dpo-1' };
const random = seededRandom(1504);
let counter = 70_000;
function body(overrides: Partial<CaseBody> = {}): CaseBody {
  return {
    ...makeCase(random, { hostCountry: 'RU', hostCity: 'Moscow' }, counter++),
    ...overrides,
  };
}

interface ExportedCase {
  caseId: string;
  reference: string;
  personalDataErased: boolean;
  caseFile: {
    complainant: { fullName: string; passportNumber: string | null; phone: string | null } | null;
    employer: { name: string } | null;
    description: string | null;
  };
  classifications: { category: string };
  statusHistory: { action: string; to: string; comment: string | null; actorId: string }[];
  notes: { body: string | null; authorId: string }[];
  assignments: { consulateId: string; sequence: number }[];
  duplicates: { possibleDuplicateOf: string | null };
  accessLog: { actorId: string; actorRole: string; action: string; at: string }[];
}
interface ExportDocument {
  header: {
    generatedAt: string;
    generatedBy: { sub: string; roles: string[] };
    lookup: Record<string, string>;
    caseCount: number;
    erasedCaseIds: string[];
  };
  cases: ExportedCase[];
}

describe('Personal data export (access requests)', () => {
  let intake: ServiceProcess;
  let api: ServiceClient;
  const passport = 'PX7700123';
  const otherPassport = 'QZ8800456';
  let first: { id: string; reference: string; body: CaseBody };
  let second: { id: string; reference: string; body: CaseBody };
  let other: { id: string; reference: string; body: CaseBody };

  async function create(b: CaseBody): Promise<{ id: string; reference: string; body: CaseBody }> {
    const res = await api.call<{ id: string; reference: string }>(officer, 'POST', '/v1/cases', b);
    expect(res.status).toBe(201);
    return { id: res.body.id, reference: res.body.reference, body: b };
  }

  const exportBy = (lookup: Record<string, unknown>, caller: Caller | null = dpo, headers = {}) =>
    api.call<ExportDocument>(caller, 'POST', EXPORTS, lookup, headers);

  beforeAll(async () => {
    await resetTopics();
    await resetDatabase('intake');
    resetAssignmentSequences();
    // No key cache: the erasure test destroys a key behind the running service's back.
    intake = await startServiceProcess('intake', {
      LOG_LEVEL: 'debug',
      INTAKE_CASE_KEY_CACHE_SIZE: '0',
      INTAKE_CASE_KEY_CACHE_TTL_MS: '0',
    });
    api = new ServiceClient(intake.url);

    const b1 = body({ category: 'unpaid_wages' });
    first = await create({ ...b1, complainant: { ...b1.complainant, passportNumber: passport } });
    await assignCase(first.id, 'RU', RU, 'cw-7');
    expect(
      (
        await api.call(caseworker, 'POST', `/v1/cases/${first.id}/notes`, {
          body: 'Met the complainant at the shelter',
        })
      ).status,
    ).toBe(201);
    expect(
      (
        await api.call(caseworker, 'POST', `/v1/cases/${first.id}/transitions`, {
          action: 'start',
          comment: 'Phoned the employer twice',
        })
      ).status,
    ).toBe(200);
    expect((await api.call(caseworker, 'GET', `/v1/cases/${first.id}`)).status).toBe(200);

    const b2 = body({ category: 'unpaid_wages' });
    // The same passport written differently: the blind index matches it all the same.
    second = await create({
      ...b2,
      complainant: { ...b2.complainant, passportNumber: 'px-7700123' },
    });
    const b3 = body();
    other = await create({
      ...b3,
      complainant: { ...b3.complainant, passportNumber: otherPassport },
    });
  });

  afterAll(async () => {
    await intake?.stop();
    await disconnectTestProducer();
  });

  it('exports by passport every case of that passport, and no other passport’s case', async () => {
    const res = await exportBy({ passportNumber: passport });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.body.cases.map((c) => c.caseId)).toEqual([first.id, second.id]);
    expect(res.body.header).toMatchObject({
      generatedBy: { sub: 'dpo-1', roles: ['data_protection_officer'] },
      lookup: { by: 'passportNumber' },
      caseCount: 2,
      erasedCaseIds: [],
    });
    expect(JSON.stringify(res.body.header)).not.toMatch(/7700123/);
  });

  it('holds the decrypted case file, status history with comments, notes, assignments, duplicates and who accessed the case', async () => {
    const res = await exportBy({ passportNumber: passport });
    const [a, b] = res.body.cases;
    expect(a.personalDataErased).toBe(false);
    expect(a.caseFile.complainant).toMatchObject({
      fullName: first.body.complainant.fullName,
      passportNumber: passport,
      phone: first.body.complainant.phone,
    });
    expect(a.caseFile.employer?.name).toBe(first.body.employer.name);
    expect(a.caseFile.description).toBe(first.body.description);
    expect(a.classifications.category).toBe('unpaid_wages');
    expect(a.statusHistory.map((s) => [s.action, s.to])).toEqual([
      ['assign', 'assigned'],
      ['start', 'in_progress'],
    ]);
    expect(a.statusHistory[1]).toMatchObject({
      comment: 'Phoned the employer twice',
      actorId: 'test-caseworker-RU-MOW',
    });
    expect(a.notes).toEqual([
      expect.objectContaining({
        body: 'Met the complainant at the shelter',
        authorId: 'test-caseworker-RU-MOW',
      }),
    ]);
    expect(a.assignments).toEqual([expect.objectContaining({ consulateId: RU, sequence: 1 })]);
    const accesses = a.accessLog.map((e) => [e.actorId, e.action]);
    expect(accesses).toEqual(
      expect.arrayContaining([
        ['test-intake_officer', 'case.created'],
        ['test-caseworker-RU-MOW', 'case.note_added'],
        ['test-caseworker-RU-MOW', 'case.transitioned'],
        ['test-caseworker-RU-MOW', 'case.read'],
      ]),
    );
    expect(a.accessLog.every((e) => !Number.isNaN(Date.parse(e.at)))).toBe(true);
    // The second case came in within 90 days with the same passport, host country and category.
    expect(b.duplicates.possibleDuplicateOf).toBe(first.id);
    expect(b.caseFile.complainant?.passportNumber).toBe('px-7700123');
  });

  it('exports by case id that case and the complainant’s other cases (same passport)', async () => {
    const res = await exportBy({ caseId: second.id });
    expect(res.status).toBe(200);
    expect(res.body.header.lookup).toEqual({ by: 'caseId', caseId: second.id });
    expect(res.body.cases.map((c) => c.caseId)).toEqual([first.id, second.id]);
    const alone = await exportBy({ caseId: other.id });
    expect(alone.body.cases.map((c) => c.caseId)).toEqual([other.id]);
    expect(alone.body.cases[0].caseFile.complainant?.fullName).toBe(
      other.body.complainant.fullName,
    );
  });

  it('exports by reference', async () => {
    const res = await exportBy({ reference: first.reference });
    expect(res.status).toBe(200);
    expect(res.body.header.lookup).toEqual({ by: 'reference', reference: first.reference });
    expect(res.body.cases.map((c) => c.reference)).toEqual([first.reference, second.reference]);
  });

  it('renders a readable HTML page for Accept: text/html, with stored text escaped', async () => {
    const attack = body({
      description:
        'Employer wrote <script>alert("owned")</script> and <img src=x onerror=alert(1)> on the contract',
    });
    attack.complainant.fullName = 'Ali <b>Valiev</b>';
    const c = await create(attack);
    const res = await api.call<string>(
      dpo,
      'POST',
      EXPORTS,
      { caseId: c.id },
      { Accept: 'text/html' },
    );
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(res.body).toMatch(/^<!DOCTYPE html>/);
    expect(res.body).not.toContain('<script');
    expect(res.body).not.toContain('<img');
    expect(res.body).not.toContain('<b>Valiev');
    expect(res.body).toContain('&lt;script&gt;alert(&quot;owned&quot;)&lt;/script&gt;');
    expect(res.body).toContain('Ali &lt;b&gt;Valiev&lt;/b&gt;');
    expect(res.body).toContain(c.reference);
  });

  it('refuses every other role (403) and a caller without a token (401)', async () => {
    const others: Caller[] = (
      ['intake_officer', 'caseworker', 'consul', 'manager', 'admin', 'integration'] as Role[]
    ).map((role) => ({
      role,
      ...(role === 'caseworker' || role === 'consul' ? { consulateId: RU } : {}),
    }));
    for (const caller of others) {
      const res = await exportBy({ caseId: first.id }, caller);
      expect([caller.role, res.status]).toEqual([caller.role, 403]);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    }
    expect((await exportBy({ caseId: first.id }, null)).status).toBe(401);
  });

  it('validates strictly: exactly one lookup, known fields, well-formed values (400, no value echoed)', async () => {
    const bad: Record<string, unknown>[] = [
      {},
      { caseId: null },
      { caseId: first.id, reference: first.reference },
      { caseId: first.id, passportNumber: passport },
      { caseId: first.id, extra: 1 },
      { caseId: 'not-a-uuid' },
      { reference: 'CB-26-1' },
      { passportNumber: 'P<1>' },
      { passportNumber: 7700123 },
    ];
    for (const b of bad) {
      const res = await exportBy(b);
      expect([b, res.status]).toEqual([b, 400]);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(JSON.stringify(res.body)).not.toMatch(/7700123/);
    }
    const malformed = await api.call(dpo, 'POST', EXPORTS, '{"caseId":');
    expect(malformed.status).toBe(400);
  });

  it('answers 404 problem+json when nothing matches', async () => {
    for (const lookup of [
      { caseId: '00000000-0000-4000-8000-000000000000' },
      { reference: 'CB-2026-999999' },
      { passportNumber: 'NO0000001' },
    ]) {
      const res = await exportBy(lookup);
      expect([lookup, res.status]).toEqual([lookup, 404]);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(JSON.stringify(res.body)).not.toContain('NO0000001');
    }
  });

  it('audits each case exported, with no personal data in the trail', async () => {
    const before = await query<{ n: string }>(
      'intake',
      `SELECT count(*) AS n FROM audit_entry WHERE action = 'case.personal_data_exported' AND case_id = $1`,
      [first.id],
    );
    await exportBy({ passportNumber: passport });
    const rows = await query<{ case_id: string; actor_id: string; actor_role: string; n: string }>(
      'intake',
      `SELECT case_id, actor_id, actor_role, count(*) AS n FROM audit_entry
       WHERE action = 'case.personal_data_exported' AND case_id = ANY($1::uuid[])
       GROUP BY case_id, actor_id, actor_role`,
      [[first.id, second.id, other.id]],
    );
    const firstRow = rows.find((r) => r.case_id === first.id)!;
    expect(Number(firstRow.n)).toBe(Number(before[0].n) + 1);
    expect(firstRow).toMatchObject({ actor_id: 'dpo-1', actor_role: 'data_protection_officer' });
    expect(rows.map((r) => r.case_id).sort()).toEqual([first.id, second.id, other.id].sort());
    const trail = JSON.stringify(await query('intake', 'SELECT * FROM audit_entry'));
    for (const secret of [passport, '7700123', otherPassport, first.body.complainant.fullName])
      expect(trail).not.toContain(secret);
  });

  it('counts passport lookups against the passport-search limit (429 with Retry-After), not lookups by case id', async () => {
    const heavy: Caller = { role: 'data_protection_officer', sub: 'dpo-throttled' };
    let last = 0;
    for (let i = 0; i < 31; i++)
      last = (await exportBy({ passportNumber: otherPassport }, heavy)).status;
    expect(last).toBe(429);
    const limited = await exportBy({ passportNumber: otherPassport }, heavy);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await exportBy({ caseId: other.id }, heavy)).status).toBe(200);
  });

  it('exports a case whose key was destroyed with its personal fields null and personalDataErased, never 5xx', async () => {
    const gone = await create(body());
    await api.call(officer, 'POST', `/v1/cases/${gone.id}/notes`, {
      body: 'A note about the complainant',
    });
    const owner = await keyStoreClient('owner');
    try {
      await owner.query(
        'UPDATE case_key SET wrapped_key = NULL, destroyed_at = now() WHERE case_id = $1',
        [gone.id],
      );
    } finally {
      await owner.end();
    }
    const res = await exportBy({ caseId: gone.id });
    expect(res.status).toBe(200);
    const [c] = res.body.cases;
    expect(c).toMatchObject({
      caseId: gone.id,
      personalDataErased: true,
      caseFile: { complainant: null, employer: null, description: null },
    });
    expect(c.notes.every((n) => n.body === null)).toBe(true);
    expect(c.classifications.category).toBe(gone.body.category);
    expect(res.body.header.erasedCaseIds).toEqual([gone.id]);
    const html = await api.call<string>(
      dpo,
      'POST',
      EXPORTS,
      { caseId: gone.id },
      { Accept: 'text/html' },
    );
    expect(html.status).toBe(200);
    expect(html.body).toContain('The personal data of this case was erased.');
  });

  it('never writes a passport number looked up to the service log', () => {
    const logs = intake.output();
    expect(logs.length).toBeGreaterThan(0);
    for (const secret of ['7700123', '8800456', 'NO0000001']) expect(logs).not.toContain(secret);
  });
});
