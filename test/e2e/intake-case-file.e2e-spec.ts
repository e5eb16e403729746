import { CASE_EVENTS_TOPIC, CaseAction, Role } from '@casebridge/contracts';
import { CaseBody, makeCase, seededRandom } from '../support/cases';
import { query, resetDatabase, resetTopics, waitFor } from '../support/infra';
import { assignCase, resetAssignmentSequences } from '../support/intake-client';
import { Caller, ServiceClient } from '../support/service-client';
import { disconnectTestProducer, readAll } from '../support/kafka';
import { ServiceProcess, startServiceProcess } from '../support/service-process';

const RU = 'RU-MOW';
const KZ = 'KZ-ALA';
const random = seededRandom(42);
let counter = 10_000;
function body(overrides: Partial<CaseBody> = {}): CaseBody {
  return {
    ...makeCase(random, { hostCountry: 'RU', hostCity: 'Moscow' }, counter++),
    ...overrides,
  };
}

const officer: Caller = { role: 'intake_officer' };
const caseworker: Caller = { role: 'caseworker', consulateId: RU };
const consul: Caller = { role: 'consul', consulateId: RU };

describe('The case file (intake API)', () => {
  let intake: ServiceProcess;
  let api: ServiceClient;

  async function createAssigned(
    b: CaseBody = body(),
    consulateId = RU,
  ): Promise<{ id: string; version: number }> {
    const res = await api.call<{ id: string }>(officer, 'POST', '/v1/cases', b);
    expect(res.status).toBe(201);
    await assignCase(res.body.id, b.hostCountry, consulateId);
    const read = await api.call<{ version: number }>(officer, 'GET', `/v1/cases/${res.body.id}`);
    return { id: res.body.id, version: read.body.version };
  }

  async function act(
    id: string,
    action: CaseAction,
    extra: Record<string, unknown> = {},
    caller: Caller | null = caseworker,
  ) {
    return api.call<Record<string, unknown>>(caller, 'POST', `/v1/cases/${id}/transitions`, {
      action,
      ...extra,
    });
  }

  beforeAll(async () => {
    await resetTopics();
    await resetDatabase('intake');
    resetAssignmentSequences();
    intake = await startServiceProcess('intake', { LOG_LEVEL: 'debug' });
    api = new ServiceClient(intake.url);
  });

  afterAll(async () => {
    await intake?.stop();
    await disconnectTestProducer();
  });

  describe('lifecycle', () => {
    it('moves a case assigned → in_progress ⇄ awaiting_third_party → resolved → closed → reopened → resolved', async () => {
      const { id } = await createAssigned();
      const steps: [CaseAction, Record<string, unknown>, string][] = [
        ['start', {}, 'in_progress'],
        ['await_third_party', {}, 'awaiting_third_party'],
        ['resume', {}, 'in_progress'],
        ['await_third_party', {}, 'awaiting_third_party'],
        [
          'resolve',
          {
            outcome: {
              type: 'wages_recovered',
              amountRecovered: { amount: 950.25, currency: 'RUB' },
            },
          },
          'resolved',
        ],
        ['close', {}, 'closed'],
        ['reopen', { reason: 'outcome_not_honoured' }, 'in_progress'],
        ['resolve', { outcome: { type: 'legal_aid_provided' } }, 'resolved'],
      ];
      let version = 2;
      for (const [action, extra, status] of steps) {
        const res = await act(id, action, { ...extra, version });
        expect({ action, status: res.status, to: res.body.status }).toEqual({
          action,
          status: 200,
          to: status,
        });
        version += 1;
        expect(res.body.version).toBe(version);
        expect(res.headers.get('etag')).toBe(`"${version}"`);
      }
      const final = await api.call<Record<string, unknown>>(officer, 'GET', `/v1/cases/${id}`);
      expect(final.body.outcome).toEqual({ type: 'legal_aid_provided', amountRecovered: null });
    });

    it('publishes every status change with its from, to, actor, version, reason and outcome', async () => {
      const { id } = await createAssigned();
      const steps: [CaseAction, Record<string, unknown>, Caller][] = [
        ['start', {}, caseworker],
        ['await_third_party', { comment: 'Letter sent to the employer' }, caseworker],
        ['resume', {}, caseworker],
        [
          'resolve',
          {
            outcome: {
              type: 'wages_recovered',
              amountRecovered: { amount: 950.25, currency: 'RUB' },
            },
          },
          caseworker,
        ],
        ['close', {}, consul],
        ['reopen', { reason: 'outcome_not_honoured' }, consul],
      ];
      for (const [action, extra, caller] of steps)
        expect((await act(id, action, extra, caller)).status).toBe(200);
      expect((await act(id, 'withdraw', { reason: 'complainant_request' })).status).toBe(200);

      const changes = await waitFor('the status changes to be published', async () => {
        const mine = (await readAll(CASE_EVENTS_TOPIC)).filter(
          (m) => m.key === id && m.headers.ce_type === 'casebridge.case.status-changed.v1',
        );
        return mine.length >= 8 ? mine : undefined;
      });
      const values = changes.map((m) => JSON.parse(m.value ?? 'null') as Record<string, unknown>);
      const user = (c: Caller) => ({
        type: 'user',
        id: `test-${c.role}-${c.consulateId}`,
        role: c.role,
      });
      expect(
        values.map(({ caseId, hostCountry, from, to, actor, version, reason, outcome }) => ({
          caseId,
          hostCountry,
          from,
          to,
          actor,
          version,
          reason: reason ?? null,
          outcome: outcome ?? null,
        })),
      ).toEqual(
        [
          ['submitted', 'assigned', { type: 'system', id: 'assignment' }, null, null],
          ['assigned', 'in_progress', user(caseworker), null, null],
          ['in_progress', 'awaiting_third_party', user(caseworker), null, null],
          ['awaiting_third_party', 'in_progress', user(caseworker), null, null],
          [
            'in_progress',
            'resolved',
            user(caseworker),
            null,
            { type: 'wages_recovered', amountRecovered: { amount: 950.25, currency: 'RUB' } },
          ],
          ['resolved', 'closed', user(consul), null, null],
          ['closed', 'in_progress', user(consul), 'outcome_not_honoured', null],
          ['in_progress', 'withdrawn', user(caseworker), 'complainant_request', null],
        ].map(([from, to, actor, reason, outcome], i) => ({
          caseId: id,
          hostCountry: 'RU',
          from,
          to,
          actor,
          version: 2 + i,
          reason,
          outcome,
        })),
      );
      // Each change carries the time it happened, in order; the comment (free text) is never published.
      const times = values.map((v) => Date.parse(String(v.at)));
      expect(times.every((t) => Number.isFinite(t))).toBe(true);
      expect([...times].sort((a, b) => a - b)).toEqual(times);
      expect(changes.map((m) => m.value).join('\n')).not.toContain('Letter sent');
    });

    it.each([
      ['withdraw', 'complainant_request', 'withdrawn'],
      ['reject', 'out_of_scope', 'rejected'],
    ] as const)(
      'lets %s end an open case with a reason, and nothing follows',
      async (action, reason, status) => {
        const { id } = await createAssigned();
        expect((await act(id, action)).status).toBe(400);
        const res = await act(id, action, { reason });
        expect(res.body.status).toBe(status);
        const after = await act(id, 'start');
        expect(after.status).toBe(409);
        expect(after.body).toMatchObject({ code: 'invalid_transition', allowedActions: [] });
      },
    );

    it('refuses a move the lifecycle does not allow with 409 naming the allowed actions', async () => {
      const { id } = await createAssigned();
      const res = await act(id, 'close');
      expect(res.status).toBe(409);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(res.body).toMatchObject({
        code: 'invalid_transition',
        status: 409,
        allowedActions: ['start', 'withdraw', 'reject'],
      });
      expect(String(res.body.detail)).toContain('start, withdraw, reject');
    });

    it('requires an outcome to resolve, and an amount for wages_recovered', async () => {
      const { id } = await createAssigned();
      await act(id, 'start');
      expect((await act(id, 'resolve')).body).toMatchObject({
        status: 400,
        errors: [{ field: 'outcome' }],
      });
      expect(
        (await act(id, 'resolve', { outcome: { type: 'wages_recovered' } })).body,
      ).toMatchObject({
        status: 400,
        errors: [{ field: 'outcome.amountRecovered' }],
      });
      expect((await act(id, 'resolve', { outcome: { type: 'stolen' } })).status).toBe(400);
    });

    it('answers 409 to a stale version, in the body or in If-Match, and changes nothing', async () => {
      const { id, version } = await createAssigned();
      expect((await act(id, 'start', { version: version - 1 })).status).toBe(409);
      const viaHeader = await api.call(
        caseworker,
        'POST',
        `/v1/cases/${id}/transitions`,
        { action: 'start' },
        { 'If-Match': `"${version + 5}"` },
      );
      expect(viaHeader.status).toBe(409);
      expect(viaHeader.body).toMatchObject({ code: 'stale_version', currentVersion: version });
      const ok = await api.call(
        caseworker,
        'POST',
        `/v1/cases/${id}/transitions`,
        { action: 'start' },
        { 'If-Match': `"${version}"` },
      );
      expect(ok.status).toBe(200);
    });
  });

  describe('access', () => {
    type Route = {
      name: string;
      method: string;
      path: (id: string) => string;
      body?: unknown;
      ok: number;
    };
    const routes: Route[] = [
      { name: 'read', method: 'GET', path: (id) => `/v1/cases/${id}`, ok: 200 },
      { name: 'notes', method: 'GET', path: (id) => `/v1/cases/${id}/notes`, ok: 200 },
      { name: 'history', method: 'GET', path: (id) => `/v1/cases/${id}/history`, ok: 200 },
      {
        name: 'add note',
        method: 'POST',
        path: (id) => `/v1/cases/${id}/notes`,
        body: { body: 'Called the employer.' },
        ok: 201,
      },
      {
        name: 'transition',
        method: 'POST',
        path: (id) => `/v1/cases/${id}/transitions`,
        body: { action: 'withdraw', reason: 'duplicate' },
        ok: 200,
      },
    ];
    const callers: { who: string; caller: Caller; may: string[]; conflict?: string[] }[] = [
      {
        who: 'intake officer',
        caller: officer,
        may: ['read', 'notes', 'history'],
        // A routed case is its consulate's: the officer may use the route, not end this case.
        conflict: ['transition'],
      },
      {
        who: 'caseworker (own consulate)',
        caller: caseworker,
        may: ['read', 'notes', 'history', 'add note', 'transition'],
      },
      {
        who: 'consul (own consulate)',
        caller: consul,
        may: ['read', 'notes', 'history', 'add note', 'transition'],
      },
      {
        who: 'caseworker (other consulate)',
        caller: { role: 'caseworker', consulateId: KZ },
        may: [],
      },
      { who: 'consul (other consulate)', caller: { role: 'consul', consulateId: KZ }, may: [] },
      { who: 'manager', caller: { role: 'manager' }, may: [] },
      { who: 'admin', caller: { role: 'admin' }, may: [] },
      { who: 'integration', caller: { role: 'integration' }, may: [] },
    ];
    const consular: Role[] = ['caseworker', 'consul'];
    const rolesOf: Record<string, Role[]> = {
      read: ['intake_officer', ...consular],
      notes: ['intake_officer', ...consular],
      history: ['intake_officer', ...consular],
      'add note': consular,
      transition: ['intake_officer', ...consular],
    };

    it('gives every role on every case route the status SPEC.md defines (2xx, 403, or 404 outside its consulate)', async () => {
      const table: string[] = [];
      for (const { who, caller, may, conflict = [] } of callers) {
        for (const route of routes) {
          const { id } = await createAssigned();
          const res = await api.call(caller, route.method, route.path(id), route.body);
          const expected = may.includes(route.name)
            ? route.ok
            : conflict.includes(route.name)
              ? 409
              : rolesOf[route.name].includes(caller.role)
                ? 404
                : 403;
          if (res.status !== expected)
            table.push(`${who} ${route.name}: got ${res.status}, want ${expected}`);
        }
      }
      expect(table).toEqual([]);
    });

    it('lets only intake officers, caseworkers, consuls and integrations create; 401 without a token', async () => {
      const statuses: Record<string, number> = {};
      for (const role of [
        'intake_officer',
        'caseworker',
        'consul',
        'integration',
        'manager',
        'admin',
      ] as Role[]) {
        const caller = consular.includes(role) ? { role, consulateId: RU } : { role };
        statuses[role] = (
          await api.call(caller, 'POST', '/v1/cases', body(), {
            'Idempotency-Key': `matrix-${role}-${counter}`,
          })
        ).status;
      }
      expect(statuses).toEqual({
        intake_officer: 201,
        caseworker: 201,
        consul: 201,
        integration: 201,
        manager: 403,
        admin: 403,
      });
      expect((await api.call(null, 'GET', '/v1/cases')).status).toBe(401);
      expect((await api.call(null, 'POST', '/v1/cases', body())).status).toBe(401);
    });

    it('follows a transfer: the old consulate loses the case, the new one gains it', async () => {
      const b = body();
      const { id } = await createAssigned(b, RU);
      await assignCase(id, 'RU', KZ);
      expect((await api.call(caseworker, 'GET', `/v1/cases/${id}`)).status).toBe(404);
      expect(
        (await api.call({ role: 'caseworker', consulateId: KZ }, 'GET', `/v1/cases/${id}`)).status,
      ).toBe(200);
    });

    it('rejects expired, wrongly signed and role-less tokens with 401', async () => {
      const { JwtService } = await import('@nestjs/jwt');
      const expired = new JwtService({
        secret: 'casebridge-development-secret-not-for-production',
      }).sign(
        { roles: ['intake_officer'], exp: Math.floor(Date.now() / 1000) - 60 },
        { subject: 'x' },
      );
      const forged = new JwtService({ secret: 'another-secret-of-sufficient-length' }).sign(
        { roles: ['intake_officer'] },
        { subject: 'x', expiresIn: '1h' },
      );
      const noRoles = new JwtService({
        secret: 'casebridge-development-secret-not-for-production',
      }).sign({}, { subject: 'x', expiresIn: '1h' });
      for (const token of [expired, forged, noRoles, 'garbage']) {
        const res = await fetch(`${intake.url}/v1/cases`, {
          headers: { Authorization: `Bearer ${token}` },
        });
        expect(res.status).toBe(401);
      }
    });
  });

  describe('ending a case not yet routed', () => {
    async function createSubmitted(b: CaseBody = body()): Promise<string> {
      const res = await api.call<{ id: string; status: string }>(officer, 'POST', '/v1/cases', b);
      expect(res.body.status).toBe('submitted');
      return res.body.id;
    }

    it('gives every role on a submitted case the status SPEC.md defines: intake officers end it, no one else sees it', async () => {
      const expected: [string, Caller, number][] = [
        ['intake officer', officer, 200],
        ['caseworker', caseworker, 404],
        ['consul', consul, 404],
        ['caseworker (other consulate)', { role: 'caseworker', consulateId: KZ }, 404],
        ['consul (other consulate)', { role: 'consul', consulateId: KZ }, 404],
        ['manager', { role: 'manager' }, 403],
        ['admin', { role: 'admin' }, 403],
        ['integration', { role: 'integration' }, 403],
      ];
      const table: string[] = [];
      for (const [who, caller, want] of expected) {
        for (const action of ['withdraw', 'reject'] as const) {
          const id = await createSubmitted();
          const res = await act(id, action, { reason: 'duplicate' }, caller);
          if (res.status !== want) table.push(`${who} ${action}: got ${res.status}, want ${want}`);
        }
      }
      expect(table).toEqual([]);
      expect((await act(await createSubmitted(), 'withdraw', {}, null)).status).toBe(401);
    });

    it.each([
      ['withdraw', 'complainant_request', 'withdrawn'],
      ['reject', 'out_of_scope', 'rejected'],
    ] as const)(
      'lets an intake officer %s a submitted case with a reason, published and audited like any transition',
      async (action, reason, status) => {
        const id = await createSubmitted();
        expect((await act(id, action, {}, officer)).body).toMatchObject({
          status: 400,
          errors: [{ field: 'reason' }],
        });
        const start = await act(id, 'start', {}, officer);
        expect(start).toMatchObject({
          status: 409,
          body: { code: 'invalid_transition', allowedActions: ['withdraw', 'reject'] },
        });
        expect((await act(id, action, { reason, version: 5 }, officer)).body).toMatchObject({
          code: 'stale_version',
          currentVersion: 1,
        });

        const ended = await act(id, action, { reason, version: 1 }, officer);
        expect(ended).toMatchObject({ status: 200, body: { status, version: 2 } });
        expect(ended.headers.get('etag')).toBe('"2"');
        expect((await act(id, action, { reason }, officer)).body).toMatchObject({
          code: 'invalid_transition',
          allowedActions: [],
        });

        const [event] = await waitFor('the status change to be published', async () => {
          const mine = (await readAll(CASE_EVENTS_TOPIC)).filter(
            (m) => m.key === id && m.headers.ce_type === 'casebridge.case.status-changed.v1',
          );
          return mine.length ? mine : undefined;
        });
        expect(JSON.parse(event.value ?? 'null')).toMatchObject({
          caseId: id,
          from: 'submitted',
          to: status,
          reason,
          version: 2,
          actor: { type: 'user', id: 'test-intake_officer', role: 'intake_officer' },
        });
        const audit = await query<{ actor_role: string }>(
          'intake',
          "SELECT actor_role FROM audit_entry WHERE case_id = $1 AND action = 'case.transitioned'",
          [id],
        );
        expect(audit).toEqual([{ actor_role: 'intake_officer' }]);
        const history = await api.call<{ kind: string; summary: string; actorRole: string }[]>(
          officer,
          'GET',
          `/v1/cases/${id}/history`,
        );
        expect(history.body).toEqual(
          expect.arrayContaining([
            expect.objectContaining({
              kind: 'status_changed',
              summary: `submitted → ${status}`,
              actorRole: 'intake_officer',
            }),
          ]),
        );
      },
    );

    it('leaves a routed case to its consulate: an intake officer gets 409 and the case is unchanged', async () => {
      const { id, version } = await createAssigned();
      for (const action of ['withdraw', 'reject'] as const) {
        const res = await act(id, action, { reason: 'duplicate' }, officer);
        expect(res).toMatchObject({
          status: 409,
          body: { code: 'invalid_transition', caseStatus: 'assigned', allowedActions: [] },
        });
        expect(String(res.body.detail)).toContain('not yet routed');
      }
      const read = await api.call(officer, 'GET', `/v1/cases/${id}`);
      expect(read.body).toMatchObject({ status: 'assigned', version });
      expect((await act(id, 'withdraw', { reason: 'duplicate' }, consul)).status).toBe(200);
    });

    it('keeps a case withdrawn when its routing reaches intake afterwards', async () => {
      const id = await createSubmitted();
      expect((await act(id, 'withdraw', { reason: 'duplicate' }, officer)).status).toBe(200);
      await assignCase(id, 'RU', RU, 'ru-mow-01');
      const read = await api.call(officer, 'GET', `/v1/cases/${id}`);
      expect(read.body).toMatchObject({
        status: 'withdrawn',
        version: 2,
        consulateId: RU,
        caseworkerId: 'ru-mow-01',
      });
      const changes = await query<{ from_status: string; to_status: string }>(
        'intake',
        'SELECT from_status, to_status FROM case_status_change WHERE case_id = $1',
        [id],
      );
      expect(changes).toEqual([{ from_status: 'submitted', to_status: 'withdrawn' }]);
      const published = await query<{ n: string }>(
        'intake',
        `SELECT count(*) AS n FROM outbox_event
         WHERE message_key = $1 AND event_type = 'casebridge.case.status-changed.v1'`,
        [id],
      );
      expect(published).toEqual([{ n: '1' }]);
    });
  });

  describe('search', () => {
    type Page = { items: { id: string; reference: string }[]; nextCursor: string | null };
    const byReference = (caller: Caller, reference: string, more = '') =>
      api.call<Page>(caller, 'GET', `/v1/cases?reference=${encodeURIComponent(reference)}${more}`);
    const byPassport = (caller: Caller | null, search: unknown) =>
      api.call<Page>(caller, 'POST', '/v1/cases/search', search);
    const kzCaseworker: Caller = { role: 'caseworker', consulateId: KZ };
    const kzConsul: Caller = { role: 'consul', consulateId: KZ };

    it('finds a case by its exact reference, only within the caller’s scope, never telling whether it exists elsewhere', async () => {
      const held = await createAssigned(body(), RU);
      const unrouted = await api.call<{ id: string; reference: string }>(
        officer,
        'POST',
        '/v1/cases',
        body(),
      );
      const { reference } = (
        await api.call<{ reference: string }>(officer, 'GET', `/v1/cases/${held.id}`)
      ).body;
      const found = async (caller: Caller, ref: string, more = '') => {
        const res = await byReference(caller, ref, more);
        expect(res.status).toBe(200);
        return res.body;
      };
      for (const caller of [officer, caseworker, consul]) {
        expect(await found(caller, reference)).toEqual({
          items: [expect.objectContaining({ id: held.id, reference })],
          nextCursor: null,
        });
      }
      const nowhere = await found(officer, 'CB-1999-999999');
      expect(nowhere).toEqual({ items: [], nextCursor: null });
      for (const caller of [kzCaseworker, kzConsul])
        expect(await found(caller, reference)).toEqual(nowhere);
      expect((await found(officer, unrouted.body.reference)).items.map((i) => i.id)).toEqual([
        unrouted.body.id,
      ]);
      expect(await found(caseworker, unrouted.body.reference)).toEqual(nowhere);
      expect(await found(officer, reference, '&status=closed')).toEqual(nowhere);
      expect((await found(officer, reference, '&status=assigned')).items).toHaveLength(1);

      for (const bad of ['cb-2026-000123', 'CB-26-1', `${reference} `, `${reference}' OR '1'='1`]) {
        const res = await byReference(officer, bad);
        expect({ bad, status: res.status }).toEqual({ bad, status: 400 });
        expect(res.body).toMatchObject({ errors: [{ field: 'reference' }] });
      }
      for (const role of ['manager', 'admin', 'integration'] as const)
        expect((await byReference({ role }, reference)).status).toBe(403);

      const audit = await query<{ case_id: string | null; consulate_id: string | null }>(
        'intake',
        `SELECT case_id, consulate_id FROM audit_entry
         WHERE action = 'case.searched_by_reference' AND (case_id = $1 OR consulate_id = $2)
         ORDER BY id`,
        [held.id, KZ],
      );
      expect(audit).toEqual(
        expect.arrayContaining([
          { case_id: held.id, consulate_id: null },
          { case_id: held.id, consulate_id: RU },
          { case_id: null, consulate_id: KZ },
        ]),
      );
    });

    it('finds every case of a passport for intake officers, however the number is typed, newest first and page by page', async () => {
      const passport = `PS${counter}77`;
      const same = (overrides: Partial<CaseBody> = {}) => {
        const b = body(overrides);
        return { ...b, complainant: { ...b.complainant, passportNumber: passport } };
      };
      const first = await createAssigned(same({ category: 'unpaid_wages' }), RU);
      const second = await createAssigned(same({ category: 'detention', hostCountry: 'KZ' }), KZ);
      const third = (await api.call<{ id: string }>(officer, 'POST', '/v1/cases', same())).body;
      const other = (await api.call<{ id: string }>(officer, 'POST', '/v1/cases', body())).body;

      const typed = `${passport.slice(0, 2).toLowerCase()} ${passport.slice(2, 5)}-${passport.slice(5)}`;
      const all = await byPassport(officer, { passportNumber: typed });
      expect(all.status).toBe(200);
      expect(all.body.items.map((i) => i.id)).toEqual([third.id, second.id, first.id]);
      expect(all.body.nextCursor).toBeNull();
      // Rows carry classifications only: no complainant, and never the number asked for.
      expect(Object.keys(all.body.items[0])).not.toContain('complainant');
      expect(JSON.stringify(all.body)).not.toContain(passport);

      const page1 = await byPassport(officer, { passportNumber: passport, limit: 2 });
      expect(page1.body.items.map((i) => i.id)).toEqual([third.id, second.id]);
      expect(page1.body.nextCursor).not.toBeNull();
      const page2 = await byPassport(officer, {
        passportNumber: passport,
        limit: 2,
        cursor: page1.body.nextCursor,
      });
      expect(page2.body).toEqual({
        items: [expect.objectContaining({ id: first.id })],
        nextCursor: null,
      });
      expect((await byPassport(officer, { passportNumber: 'ZX0000001' })).body).toEqual({
        items: [],
        nextCursor: null,
      });

      const audit = await query<{ case_id: string | null; n: string }>(
        'intake',
        `SELECT case_id, count(*) AS n FROM audit_entry
         WHERE action = 'case.searched_by_passport' AND actor_id = 'test-intake_officer'
           AND (case_id = ANY($1::uuid[]) OR case_id IS NULL)
         GROUP BY case_id ORDER BY case_id NULLS FIRST`,
        [[first.id, second.id, third.id, other.id]],
      );
      expect(new Map(audit.map((a) => [a.case_id, Number(a.n)]))).toEqual(
        new Map<string | null, number>([
          [null, expect.any(Number) as number],
          [first.id, 2],
          [second.id, 2],
          [third.id, 2],
        ]),
      );
      const trail = JSON.stringify(await query('intake', 'SELECT * FROM audit_entry'));
      expect(trail).not.toContain(passport);
      expect(trail).not.toContain(passport.slice(2));
      expect(intake.output()).not.toContain(passport.slice(2));
    });

    it('lets only intake officers search by passport: 403 for every other role (audited), 401 without a token', async () => {
      const search = { passportNumber: 'AB1234567' };
      const refusals = async () =>
        Number(
          (
            await query<{ n: string }>(
              'intake',
              "SELECT count(*) AS n FROM audit_entry WHERE action = 'case.access_refused' AND case_id IS NULL",
            )
          )[0].n,
        );
      const before = await refusals();
      const statuses: Record<string, number> = {};
      for (const [who, caller] of [
        ['caseworker', caseworker],
        ['consul', consul],
        ['caseworker (other consulate)', kzCaseworker],
        ['manager', { role: 'manager' }],
        ['admin', { role: 'admin' }],
        ['integration', { role: 'integration' }],
      ] as [string, Caller][])
        statuses[who] = (await byPassport(caller, search)).status;
      expect(statuses).toEqual({
        caseworker: 403,
        consul: 403,
        'caseworker (other consulate)': 403,
        manager: 403,
        admin: 403,
        integration: 403,
      });
      expect((await byPassport(null, search)).status).toBe(401);
      await waitFor(
        'the six refusals in the audit trail',
        async () => (await refusals()) >= before + 6,
      );
    });

    it('validates a passport search strictly (problem+json naming the field) and never echoes the number', async () => {
      const secret = 'QW12345678901234567890123';
      const cases: [unknown, string][] = [
        [{}, 'passportNumber'],
        [{ passportNumber: 'x1' }, 'passportNumber'],
        [{ passportNumber: secret }, 'passportNumber'],
        [{ passportNumber: 12345678 }, 'passportNumber'],
        [{ passportNumber: 'AB1234567', reference: 'CB-2026-000001' }, 'reference'],
        [{ passportNumber: 'AB1234567', limit: 0 }, 'limit'],
        [{ passportNumber: 'AB1234567', limit: '5' }, 'limit'],
        [{ passportNumber: 'AB1234567', cursor: 'bm9wZQ' }, 'cursor'],
      ];
      for (const [search, field] of cases) {
        const res = await byPassport(officer, search);
        expect({ search, status: res.status }).toEqual({ search, status: 400 });
        expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
        expect(
          (res.body as unknown as { errors: { field: string }[] }).errors.map((e) => e.field),
        ).toContain(field);
        expect(JSON.stringify(res.body)).not.toContain(secret);
      }
      const malformed = await byPassport(officer, '{"passportNumber": "AB12');
      expect(malformed.status).toBe(400);
      // Never in a URL: the list has no such filter.
      expect((await api.call(officer, 'GET', '/v1/cases?passportNumber=AB1234567')).status).toBe(
        400,
      );
      expect(intake.output()).not.toContain(secret);
    });
  });

  describe('intake', () => {
    it('replays the same case for the same Idempotency-Key and body, 409 for another body', async () => {
      const b = body();
      const first = await api.call<{ id: string }>(officer, 'POST', '/v1/cases', b, {
        'Idempotency-Key': 'replay-key-0001',
      });
      const again = await api.call<{ id: string }>(officer, 'POST', '/v1/cases', b, {
        'Idempotency-Key': 'replay-key-0001',
      });
      expect(again.status).toBe(201);
      expect(again.body).toEqual(first.body);
      expect(again.headers.get('idempotent-replayed')).toBe('true');
      const other = await api.call(
        officer,
        'POST',
        '/v1/cases',
        { ...b, category: 'other' },
        { 'Idempotency-Key': 'replay-key-0001' },
      );
      expect(other.status).toBe(409);
      const [row] = await query<{ n: string }>(
        'intake',
        "SELECT count(*) AS n FROM case_file WHERE created_by = 'test-intake_officer' AND id = $1",
        [first.body.id],
      );
      expect(Number(row.n)).toBe(1);
    });

    it('creates exactly one case when the same key races itself', async () => {
      const b = body();
      const results = await Promise.all(
        Array.from({ length: 8 }, () =>
          api.call<{ id: string }>(officer, 'POST', '/v1/cases', b, {
            'Idempotency-Key': 'race-key-00001',
          }),
        ),
      );
      expect(results.map((r) => r.status)).toEqual(Array(8).fill(201));
      expect(new Set(results.map((r) => r.body.id)).size).toBe(1);
      // The losers wrote nothing: one case row, one case.submitted, one creation audit entry.
      const [counts] = await query<{ cases: string; events: string; created: string }>(
        'intake',
        `SELECT
           (SELECT count(*) FROM case_file WHERE reference = $2) AS cases,
           (SELECT count(*) FROM outbox_event
              WHERE event_type = 'casebridge.case.submitted.v1' AND message_key = $1::text) AS events,
           (SELECT count(*) FROM audit_entry
              WHERE action = 'case.created' AND case_id = $1::uuid) AS created`,
        [results[0].body.id, (results[0].body as { reference?: string }).reference],
      );
      expect(counts).toEqual({ cases: '1', events: '1', created: '1' });
    });

    it('requires an Idempotency-Key from integrations', async () => {
      const res = await api.call({ role: 'integration' }, 'POST', '/v1/cases', body());
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ errors: [{ field: 'Idempotency-Key' }] });
    });

    it('flags a possible duplicate: same passport (however typed), host country and category', async () => {
      const original = body({ category: 'unpaid_wages' });
      const first = await api.call<{ id: string; possibleDuplicateOf: string | null }>(
        officer,
        'POST',
        '/v1/cases',
        original,
      );
      expect(first.body.possibleDuplicateOf).toBeNull();
      const passport = original.complainant.passportNumber;
      const retyped = `${passport.slice(0, 2).toLowerCase()} ${passport.slice(2)}`;
      const dup = await api.call<{ possibleDuplicateOf: string }>(officer, 'POST', '/v1/cases', {
        ...body({ category: 'unpaid_wages' }),
        complainant: { ...original.complainant, passportNumber: retyped },
      });
      expect(dup.body.possibleDuplicateOf).toBe(first.body.id);
      const otherCountry = await api.call<{ possibleDuplicateOf: string | null }>(
        officer,
        'POST',
        '/v1/cases',
        {
          ...body({ category: 'unpaid_wages', hostCountry: 'KZ' }),
          complainant: original.complainant,
        },
      );
      expect(otherCountry.body.possibleDuplicateOf).toBeNull();
      const otherCategory = await api.call<{ possibleDuplicateOf: string | null }>(
        officer,
        'POST',
        '/v1/cases',
        { ...body({ category: 'detention' }), complainant: original.complainant },
      );
      expect(otherCategory.body.possibleDuplicateOf).toBeNull();
    });

    it('names the earlier case of a duplicate only to intake officers and the staff of the consulate holding it', async () => {
      const original = body({ category: 'contract_violation' });
      const earlier = await createAssigned(original, RU);
      const again = () => ({
        ...body({ category: 'contract_violation' }),
        complainant: original.complainant,
      });
      const kzCaseworker: Caller = { role: 'caseworker', consulateId: KZ };
      const kzConsul: Caller = { role: 'consul', consulateId: KZ };
      const integration: Caller = { role: 'integration' };
      const created = async (caller: Caller) => {
        const res = await api.call<{ id: string; possibleDuplicateOf: string | null }>(
          caller,
          'POST',
          '/v1/cases',
          again(),
          { 'Idempotency-Key': `dup-visibility-${counter++}` },
        );
        expect(res.status).toBe(201);
        return res.body;
      };
      // On creation: the officer and the holding consulate's walk-in desk see it; others do not.
      expect((await created(officer)).possibleDuplicateOf).toBe(earlier.id);
      expect((await created(caseworker)).possibleDuplicateOf).toBe(earlier.id);
      expect((await created(integration)).possibleDuplicateOf).toBeNull();
      const kzWalkIn = await created(kzCaseworker);
      expect(kzWalkIn.possibleDuplicateOf).toBeNull();

      // The new case moves to KZ: its staff work it, but the earlier case stays hidden from them,
      // in the case file and in lists, while RU staff and officers still see the link.
      await assignCase(kzWalkIn.id, 'RU', KZ);
      for (const caller of [kzCaseworker, kzConsul]) {
        const file = await api.call<{ possibleDuplicateOf: string | null }>(
          caller,
          'GET',
          `/v1/cases/${kzWalkIn.id}`,
        );
        expect(file.status).toBe(200);
        expect(file.body.possibleDuplicateOf).toBeNull();
        const list = await api.call<{
          items: { id: string; possibleDuplicateOf: string | null }[];
        }>(caller, 'GET', '/v1/cases?limit=200');
        const row = list.body.items.find((c) => c.id === kzWalkIn.id);
        expect(row).toBeDefined();
        expect(row?.possibleDuplicateOf).toBeNull();
        expect(JSON.stringify(list.body)).not.toContain(earlier.id);
      }
      const officerView = await api.call<{ possibleDuplicateOf: string | null }>(
        officer,
        'GET',
        `/v1/cases/${kzWalkIn.id}`,
      );
      expect(officerView.body.possibleDuplicateOf).toBe(earlier.id);
      const officerList = await api.call<{
        items: { id: string; possibleDuplicateOf: string | null }[];
      }>(officer, 'GET', '/v1/cases?consulateId=KZ-ALA&limit=200');
      expect(officerList.body.items.find((c) => c.id === kzWalkIn.id)?.possibleDuplicateOf).toBe(
        earlier.id,
      );
    });

    it('gives 50 concurrent submissions 50 distinct CB-<year>-<sequence> references', async () => {
      const results = await Promise.all(
        Array.from({ length: 50 }, () =>
          api.call<{ reference: string }>(officer, 'POST', '/v1/cases', body()),
        ),
      );
      expect(results.every((r) => r.status === 201)).toBe(true);
      const refs = results.map((r) => r.body.reference);
      expect(new Set(refs).size).toBe(50);
      for (const ref of refs)
        expect(ref).toMatch(new RegExp(`^CB-${new Date().getUTCFullYear()}-\\d{6}$`));
    });

    it('triages priority from category and indicators', async () => {
      const urgent = await api.call<{ priority: string }>(
        officer,
        'POST',
        '/v1/cases',
        body({
          category: 'unpaid_wages',
          riskIndicators: ['deception', 'isolation', 'debt_bondage'],
        }),
      );
      const high = await api.call<{ priority: string }>(
        officer,
        'POST',
        '/v1/cases',
        body({ category: 'unpaid_wages', riskIndicators: ['deception'] }),
      );
      const normal = await api.call<{ priority: string }>(
        officer,
        'POST',
        '/v1/cases',
        body({ category: 'unpaid_wages', riskIndicators: [] }),
      );
      expect([urgent.body.priority, high.body.priority, normal.body.priority]).toEqual([
        'urgent',
        'high',
        'normal',
      ]);
    });
  });

  describe('list, notes and history', () => {
    it('lists newest first with filters and a keyset cursor, and scopes consular staff to their consulate', async () => {
      await resetDatabase('intake');
      const ids: string[] = [];
      for (let i = 0; i < 7; i++)
        ids.push(
          (
            await createAssigned(
              body({ category: i % 2 ? 'detention' : 'unpaid_wages' }),
              i < 5 ? RU : KZ,
            )
          ).id,
        );
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page: { body: { items: { id: string }[]; nextCursor: string | null } } =
          await api.call(officer, 'GET', `/v1/cases?limit=3${cursor ? `&cursor=${cursor}` : ''}`);
        seen.push(...page.body.items.map((i) => i.id));
        cursor = page.body.nextCursor;
      } while (cursor);
      expect(seen).toEqual([...ids].reverse());
      const detention = await api.call<{ items: { category: string }[] }>(
        officer,
        'GET',
        '/v1/cases?category=detention',
      );
      expect(detention.body.items).toHaveLength(3);
      const ru = await api.call<{ items: { consulateId: string }[] }>(
        caseworker,
        'GET',
        '/v1/cases?limit=200',
      );
      expect(ru.body.items.map((i) => i.consulateId)).toEqual(Array(5).fill(RU));
      const peek = await api.call<{ items: unknown[] }>(
        caseworker,
        'GET',
        `/v1/cases?consulateId=${KZ}`,
      );
      expect(peek.body.items).toEqual([]);
      expect((await api.call(officer, 'GET', '/v1/cases?limit=201')).status).toBe(400);
      expect((await api.call(officer, 'GET', '/v1/cases?cursor=bm9wZQ')).status).toBe(400);
      expect((await api.call(officer, 'GET', '/v1/cases?passport=AB1')).status).toBe(400);
    });

    it('filters the list by status, host country, priority, caseworker and submission time, returning exactly the matching cases', async () => {
      await resetDatabase('intake');
      const kzCaseworker: Caller = { role: 'caseworker', consulateId: KZ };
      const created: { id: string; submittedAt: string }[] = [];
      async function create(
        hostCountry: 'RU' | 'KZ',
        category: CaseBody['category'],
        caseworkerId: string | null,
        started: boolean,
      ): Promise<string> {
        const b = {
          ...makeCase(
            random,
            { hostCountry, hostCity: hostCountry === 'RU' ? 'Moscow' : 'Almaty' },
            counter++,
          ),
          category,
          riskIndicators: [],
        };
        const res = await api.call<{ id: string; submittedAt: string }>(
          officer,
          'POST',
          '/v1/cases',
          b,
        );
        expect(res.status).toBe(201);
        await assignCase(res.body.id, hostCountry, hostCountry === 'RU' ? RU : KZ, caseworkerId);
        if (started)
          expect(
            (await act(res.body.id, 'start', {}, hostCountry === 'RU' ? caseworker : kzCaseworker))
              .status,
          ).toBe(200);
        created.push(res.body);
        return res.body.id;
      }
      // Triage: unpaid_wages without indicators is normal, workplace_injury high, detention urgent.
      const ruNormal = await create('RU', 'unpaid_wages', 'ru-mow-01', false);
      const ruUrgent = await create('RU', 'detention', 'ru-mow-02', false);
      const ruHighStarted = await create('RU', 'workplace_injury', 'ru-mow-01', true);
      const kzNormal = await create('KZ', 'unpaid_wages', 'kz-ala-01', false);
      const kzUrgentStarted = await create('KZ', 'detention', 'kz-ala-01', true);
      const ruUnstaffed = await create('RU', 'unpaid_wages', null, false);

      const list = async (query: string) => {
        const res = await api.call<{ items: { id: string }[]; nextCursor: string | null }>(
          officer,
          'GET',
          `/v1/cases?limit=200&${query}`,
        );
        expect({ query, status: res.status, nextCursor: res.body.nextCursor }).toEqual({
          query,
          status: 200,
          nextCursor: null,
        });
        return res.body.items.map((i) => i.id).sort();
      };
      const only = (...ids: string[]) => [...ids].sort();

      expect(await list('status=in_progress')).toEqual(only(ruHighStarted, kzUrgentStarted));
      expect(await list('status=assigned')).toEqual(
        only(ruNormal, ruUrgent, kzNormal, ruUnstaffed),
      );
      expect(await list('status=closed')).toEqual([]);
      expect(await list('hostCountry=KZ')).toEqual(only(kzNormal, kzUrgentStarted));
      expect(await list('hostCountry=RU')).toEqual(
        only(ruNormal, ruUrgent, ruHighStarted, ruUnstaffed),
      );
      expect(await list('priority=urgent')).toEqual(only(ruUrgent, kzUrgentStarted));
      expect(await list('priority=high')).toEqual(only(ruHighStarted));
      expect(await list('priority=normal')).toEqual(only(ruNormal, kzNormal, ruUnstaffed));
      expect(await list('caseworkerId=ru-mow-01')).toEqual(only(ruNormal, ruHighStarted));
      expect(await list('caseworkerId=kz-ala-01')).toEqual(only(kzNormal, kzUrgentStarted));
      expect(await list('caseworkerId=nobody-01')).toEqual([]);
      expect(await list('hostCountry=RU&priority=normal')).toEqual(only(ruNormal, ruUnstaffed));
      expect(await list('status=in_progress&hostCountry=RU')).toEqual(only(ruHighStarted));

      // From is inclusive, to exclusive: the third case's own time splits the six.
      const at = (i: number) => encodeURIComponent(created[i].submittedAt);
      expect(new Set(created.map((c) => c.submittedAt)).size).toBe(created.length);
      expect(await list(`submittedFrom=${at(2)}`)).toEqual(
        only(ruHighStarted, kzNormal, kzUrgentStarted, ruUnstaffed),
      );
      expect(await list(`submittedTo=${at(2)}`)).toEqual(only(ruNormal, ruUrgent));
      expect(await list(`submittedFrom=${at(1)}&submittedTo=${at(4)}`)).toEqual(
        only(ruUrgent, ruHighStarted, kzNormal),
      );
      expect(await list(`submittedFrom=${at(1)}&submittedTo=${at(4)}&hostCountry=KZ`)).toEqual(
        only(kzNormal),
      );
    });

    it('keeps notes with author and time, and shows consuls the audit trail of every read and write', async () => {
      const { id } = await createAssigned();
      const note = await api.call<{ authorId: string; body: string }>(
        caseworker,
        'POST',
        `/v1/cases/${id}/notes`,
        { body: 'Employer promised to pay by Friday.' },
      );
      expect(note.status).toBe(201);
      const notes = await api.call<{ body: string; authorId: string; createdAt: string }[]>(
        consul,
        'GET',
        `/v1/cases/${id}/notes`,
      );
      expect(notes.body).toEqual([
        expect.objectContaining({
          body: 'Employer promised to pay by Friday.',
          authorId: 'test-caseworker-RU-MOW',
          createdAt: expect.any(String),
        }),
      ]);
      await act(id, 'start');
      const history = await api.call<{ kind: string; summary: string; actor: string }[]>(
        consul,
        'GET',
        `/v1/cases/${id}/history`,
      );
      const kinds = history.body.map((h) => `${h.kind}:${h.summary}`);
      expect(kinds).toEqual(
        expect.arrayContaining([
          'assigned:assigned to RU-MOW (office queue)',
          'status_changed:submitted → assigned',
          'status_changed:assigned → in_progress',
          'note_added:note added',
          'audit:case.created',
          'audit:case.read',
          'audit:case.note_added',
          'audit:case.notes_read',
          'audit:case.transitioned',
        ]),
      );
      const caseworkerView = await api.call<{ kind: string }[]>(
        caseworker,
        'GET',
        `/v1/cases/${id}/history`,
      );
      expect(caseworkerView.body.some((h) => h.kind === 'audit')).toBe(false);
      const audit = await query<{ actor_id: string; request_id: string | null }>(
        'intake',
        'SELECT actor_id, request_id FROM audit_entry WHERE case_id = $1',
        [id],
      );
      expect(audit.every((a) => a.request_id !== null)).toBe(true);
      await expect(
        query('intake', 'UPDATE audit_entry SET actor_id = $1 WHERE case_id = $2', [
          'someone-else',
          id,
        ]),
      ).rejects.toThrow(/permission denied for table audit_entry/);
    });
  });

  describe('personal data', () => {
    it('stores personal fields only as ciphertext', async () => {
      const b = body();
      const created = await api.call<{ id: string }>(officer, 'POST', '/v1/cases', b);
      await assignCase(created.body.id, 'RU', RU);
      await api.call(caseworker, 'POST', `/v1/cases/${created.body.id}/notes`, {
        body: `Spoke with ${b.complainant.fullName} at home`,
      });
      const [row] = await query<Record<string, unknown>>(
        'intake',
        'SELECT * FROM case_file WHERE id = $1',
        [created.body.id],
      );
      const notes = await query<Record<string, unknown>>(
        'intake',
        'SELECT * FROM case_note WHERE case_id = $1',
        [created.body.id],
      );
      const stored = JSON.stringify([row, notes]);
      for (const secret of [
        b.complainant.fullName,
        b.complainant.passportNumber,
        b.complainant.phone,
        b.complainant.email,
        b.complainant.dateOfBirth,
        b.description,
        b.employer.name,
        b.employer.address,
      ]) {
        expect(stored).not.toContain(secret);
      }
      expect(String(row.complainant_enc)).toMatch(/^v2\./);
    });

    it('carries the caller’s request id as the correlation id of the events it causes', async () => {
      const requestId = '6f1c2a9e-3b4d-4e5f-8a7b-9c0d1e2f3a4b';
      const res = await api.call<{ id: string }>(officer, 'POST', '/v1/cases', body(), {
        'X-Request-Id': requestId,
      });
      expect(res.headers.get('x-request-id')).toBe(requestId);
      const submitted = await waitFor('the submitted event', async () =>
        (await readAll(CASE_EVENTS_TOPIC)).find((m) => m.key === res.body.id),
      );
      expect(submitted.headers.ce_correlationid).toBe(requestId);
      const [audit] = await query<{ request_id: string }>(
        'intake',
        "SELECT request_id FROM audit_entry WHERE case_id = $1 AND action = 'case.created'",
        [res.body.id],
      );
      expect(audit.request_id).toBe(requestId);
      const nonOpaque = await api.call(officer, 'POST', '/v1/cases', body(), {
        'X-Request-Id': 'AB1234567',
      });
      expect(nonOpaque.headers.get('x-request-id')).not.toBe('AB1234567');
    });

    it('publishes no personal data in any event of a full lifecycle, and logs none', async () => {
      const b = body();
      const { id } = await createAssigned(b);
      await api.call(caseworker, 'POST', `/v1/cases/${id}/notes`, {
        body: `Note about ${b.complainant.fullName}`,
      });
      await act(id, 'start');
      await act(id, 'await_third_party', { comment: `Waiting for ${b.employer.name}` });
      await act(id, 'resume');
      await act(id, 'resolve', {
        outcome: { type: 'compensation_paid', amountRecovered: { amount: 10, currency: 'USD' } },
      });
      await act(id, 'close');
      const events = await waitFor('the lifecycle events to be published', async () => {
        const mine = (await readAll(CASE_EVENTS_TOPIC)).filter((m) => m.key === id);
        return mine.length >= 7 ? mine : undefined;
      });
      expect(events.map((e) => e.headers.ce_type)).toEqual([
        'casebridge.case.submitted.v1',
        ...Array(6).fill('casebridge.case.status-changed.v1'),
      ]);
      const published = events.map((e) => `${e.value} ${JSON.stringify(e.headers)}`).join('\n');
      const logs = intake.output();
      expect(logs.length).toBeGreaterThan(0);
      for (const secret of [
        b.complainant.fullName,
        b.complainant.passportNumber,
        b.complainant.phone,
        b.complainant.email,
        b.description,
        b.employer.name,
        b.employer.address,
      ]) {
        expect(published).not.toContain(secret);
        expect(logs).not.toContain(secret);
      }
    });
  });
});
