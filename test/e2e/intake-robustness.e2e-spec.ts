import fc from 'fast-check';
import { CaseBody, makeCase, seededRandom } from '../support/cases';
import { resetDatabase, resetTopics } from '../support/infra';
import { assignCase, resetAssignmentSequences } from '../support/intake-client';
import { ServiceClient } from '../support/service-client';
import { disconnectTestProducer } from '../support/kafka';
import { ServiceProcess, startServiceProcess } from '../support/service-process';
import { tokenFor } from '../support/tokens';

const officer = { role: 'intake_officer' } as const;
const caseworker = { role: 'caseworker', consulateId: 'RU-MOW' } as const;

/** A valid body with one thing changed: a value replaced, a field removed or an unknown one added. */
function mutate(valid: CaseBody): fc.Arbitrary<unknown> {
  const paths = [
    'complainant',
    'complainant.fullName',
    'complainant.passportNumber',
    'complainant.dateOfBirth',
    'complainant.phone',
    'complainant.email',
    'complainant.preferredLanguage',
    'complainant.consentToShare',
    'hostCountry',
    'hostCity',
    'employer',
    'employer.name',
    'category',
    'riskIndicators',
    'description',
    'amountClaimed',
    'amountClaimed.amount',
    'amountClaimed.currency',
    'channel',
    'incidentDate',
  ];
  return fc
    .tuple(
      fc.constantFrom(...paths),
      fc.constantFrom('replace', 'delete', 'add'),
      fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.string({ unit: 'binary', maxLength: 40 })),
      fc.string({ unit: 'binary', maxLength: 20 }),
    )
    .map(([path, how, value, key]) => {
      const copy = JSON.parse(JSON.stringify(valid)) as Record<string, unknown>;
      const parts = path.split('.');
      let target: Record<string, unknown> = copy;
      for (const part of parts.slice(0, -1)) {
        if (typeof target[part] !== 'object' || target[part] === null) target[part] = {};
        target = target[part] as Record<string, unknown>;
      }
      const leaf = parts[parts.length - 1];
      if (how === 'delete') delete target[leaf];
      else if (how === 'add') target[`x${key}`] = value;
      else target[leaf] = value;
      return copy;
    });
}

describe('Robustness: no client input ever yields a 5xx', () => {
  let intake: ServiceProcess;
  let api: ServiceClient;

  beforeAll(async () => {
    // No stale events of earlier suites for intake's consumer to wade through first.
    await resetTopics();
    await resetDatabase('intake');
    resetAssignmentSequences();
    intake = await startServiceProcess('intake', { RATE_LIMIT_PER_MINUTE: '100000' });
    api = new ServiceClient(intake.url);
  });

  afterAll(async () => {
    await intake?.stop();
    await disconnectTestProducer();
  });

  function expectClientProblem(
    res: { status: number; headers: Headers; body: unknown },
    input: unknown,
  ): void {
    if (res.status >= 500)
      throw new Error(`HTTP ${res.status} for ${JSON.stringify(input).slice(0, 500)}`);
    if (res.status >= 400) {
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(res.body).toMatchObject({
        type: expect.any(String),
        title: expect.any(String),
        status: res.status,
        detail: expect.any(String),
      });
    }
  }

  it('POST /v1/cases: random JSON, mutated bodies and raw strings get 201 or a problem+json 4xx', async () => {
    const valid = makeCase(seededRandom(5), { hostCountry: 'TR', hostCity: 'Istanbul' }, 1);
    const input = fc.oneof(
      { weight: 3, arbitrary: mutate(valid).map((b) => JSON.stringify(b)) },
      { weight: 1, arbitrary: fc.jsonValue().map((v) => JSON.stringify(v)) },
      { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }) },
    );
    await fc.assert(
      fc.asyncProperty(input, async (raw) => {
        const res = await api.call(officer, 'POST', '/v1/cases', raw);
        expectClientProblem(res, raw);
        if (res.status < 300) expect(res.status).toBe(201);
      }),
      { seed: 20261127, numRuns: 400 },
    );
  });

  it('POST /v1/cases/:id/transitions: random bodies, ids and headers get 2xx or a problem+json 4xx', async () => {
    const created = await api.call<{ id: string }>(
      officer,
      'POST',
      '/v1/cases',
      makeCase(seededRandom(6), { hostCountry: 'RU' }, 2),
    );
    await assignCase(created.body.id, 'RU', 'RU-MOW');
    const transition = fc.record(
      {
        action: fc.oneof(
          fc.constantFrom(
            'start',
            'resume',
            'resolve',
            'close',
            'reopen',
            'withdraw',
            'reject',
            'await_third_party',
          ),
          fc.string(),
        ),
        reason: fc.oneof(fc.constantFrom('duplicate', 'other'), fc.jsonValue()),
        outcome: fc.oneof(
          fc.record({
            type: fc.constantFrom('wages_recovered', 'other'),
            amountRecovered: fc.jsonValue(),
          }),
          fc.jsonValue(),
        ),
        version: fc.oneof(fc.integer(), fc.jsonValue()),
        comment: fc.oneof(fc.string(), fc.jsonValue()),
      },
      { requiredKeys: ['action'] },
    );
    const input = fc.tuple(
      fc.oneof(
        { weight: 4, arbitrary: fc.constant(created.body.id) },
        {
          weight: 1,
          arbitrary: fc.oneof(fc.uuid(), fc.string({ minLength: 1 }).map(encodeURIComponent)),
        },
      ),
      fc.oneof(
        { weight: 4, arbitrary: transition.map((t) => JSON.stringify(t)) },
        { weight: 1, arbitrary: fc.string() },
      ),
      fc.option(
        fc.oneof(
          fc.string(),
          fc.integer().map((n) => `"${n}"`),
        ),
        { nil: undefined },
      ),
    );
    await fc.assert(
      fc.asyncProperty(input, async ([id, raw, ifMatch]) => {
        const res = await api.call(
          caseworker,
          'POST',
          `/v1/cases/${id}/transitions`,
          raw,
          ifMatch === undefined ? {} : { 'If-Match': ifMatch },
        );
        expectClientProblem(res, { id, raw, ifMatch });
      }),
      { seed: 20261128, numRuns: 300 },
    );
  });

  it('GET /v1/cases: random query strings get 200 or a problem+json 400', async () => {
    const key = fc.constantFrom(
      'status',
      'hostCountry',
      'category',
      'priority',
      'consulateId',
      'caseworkerId',
      'submittedFrom',
      'submittedTo',
      'limit',
      'cursor',
      'x',
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.tuple(
            key,
            fc.oneof(
              fc.string(),
              fc.string({ unit: 'binary' }),
              fc.date({ noInvalidDate: true }).map((d) => d.toISOString().replace('.', ',')),
              fc.constantFrom(
                '2024-W01',
                '20240101',
                '2024-123',
                '2024-01-01T10',
                '0000-01-01',
                'WyIxIiwiLS0tLS0tLS0tLS0tLS0tLS0tLS0tLS0tLS0tLS0tLS0tLS0tIl0',
              ),
            ),
          ),
          { maxLength: 4 },
        ),
        async (pairs) => {
          const qs = pairs.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&');
          const res = await api.call(officer, 'GET', `/v1/cases?${qs}`);
          expectClientProblem(res, qs);
        },
      ),
      { seed: 20261129, numRuns: 200 },
    );
  });
});

describe('Rate limits', () => {
  let intake: ServiceProcess;

  beforeAll(async () => {
    intake = await startServiceProcess(
      'intake',
      { RATE_LIMIT_PER_MINUTE: '5', INTAKE_PASSPORT_SEARCH_PER_MINUTE: '3' },
      4011,
    );
  });

  afterAll(() => intake?.stop());

  it('answers 429 problem+json with Retry-After once a user exceeds the limit, per user', async () => {
    const get = (sub: string) =>
      fetch(`${intake.url}/v1/cases?limit=1`, {
        headers: { Authorization: `Bearer ${tokenFor('intake_officer', undefined, sub)}` },
      });
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await get('busy-officer')).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
    const limited = await get('busy-officer');
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(limited.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect((await get('another-officer')).status).toBe(200);
    expect((await fetch(`${intake.url}/health/live`)).status).toBe(200);
  });

  it('holds passport searches to their own, lower limit per user (429 with Retry-After), other routes unaffected', async () => {
    const search = (sub: string) =>
      fetch(`${intake.url}/v1/cases/search`, {
        method: 'POST',
        headers: {
          Authorization: `Bearer ${tokenFor('intake_officer', undefined, sub)}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify({ passportNumber: 'AB1234567' }),
      });
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await search('searching-officer')).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    const limited = await search('searching-officer');
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(limited.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect((await search('another-searching-officer')).status).toBe(200);
    const list = await fetch(`${intake.url}/v1/cases?limit=1`, {
      headers: {
        Authorization: `Bearer ${tokenFor('intake_officer', undefined, 'searching-officer')}`,
      },
    });
    expect(list.status).toBe(200);
  });
});
