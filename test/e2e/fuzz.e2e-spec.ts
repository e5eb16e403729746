import fc from 'fast-check';
import { makeCase, seededRandom } from '../support/cases';
import { ServiceName } from '../support/infra';
import {
  acceptHeader,
  applyMutation,
  badAuthorizations,
  deepJson,
  exampleOf,
  MARKER,
  Mutation,
  mutation,
  nastyPathParam,
  OpenApiDocument,
  Operation,
  operationsOf,
  pathName,
  queryString,
  ROLE_CALLERS,
  roleAuthorization,
  serialize,
  wideJson,
} from '../support/openapi-fuzz';
import {
  RunningSystem,
  SERVICES,
  startSystem,
  stopSystem,
  waitUntilAllAssigned,
} from '../support/system';
import { bearer } from '../support/tokens';

/**
 * Fuzzing of every route of the three services, generated from each service's own OpenAPI
 * document. Whatever the input, the answer is never a 5xx, and every 4xx is problem+json with
 * type, title and status (validation errors naming their fields, never echoing a value).
 */
const RUNS_PER_ROUTE = Number(process.env.FUZZ_RUNS_PER_ROUTE ?? 150);
const SEED = 20261201;

jest.setTimeout(10 * 60_000);

interface Tally {
  requests: number;
  serverErrors: number;
}

interface FuzzRequest {
  label: string;
  method: string;
  path: string;
  query: string;
  authorization: string | null;
  headers: Record<string, string>;
  body?: string;
  contentType?: string;
  /** A field the validation errors must name, when the answer is a 400 validation_failed. */
  expectField?: string;
  accept?: string;
  /** The media type a successful answer must be in: the Accept asked for this one alone. */
  expectType?: string;
}

describe('Fuzzing every route from its OpenAPI document: no input yields a 5xx', () => {
  let system: RunningSystem;
  const tally: Record<ServiceName, Tally> = {
    intake: { requests: 0, serverErrors: 0 },
    assignment: { requests: 0, serverErrors: 0 },
    reporting: { requests: 0, serverErrors: 0 },
  };
  const failures: Record<ServiceName, string[]> = { intake: [], assignment: [], reporting: [] };
  const good: Record<string, string> = {};

  beforeAll(async () => {
    system = await startSystem({ RATE_LIMIT_PER_MINUTE: '10000000' });
    const created = await fetch(`${system.intake.url}/v1/cases`, {
      method: 'POST',
      headers: { ...bearer('intake_officer'), 'content-type': 'application/json' },
      body: JSON.stringify(makeCase(seededRandom(8), { hostCountry: 'RU', hostCity: 'Moscow' }, 1)),
    });
    const { id } = (await created.json()) as { id: string };
    await waitUntilAllAssigned([id]);
    const caseworkers = (await (
      await fetch(`${system.assignment.url}/v1/consulates/RU-MOW/caseworkers`, {
        headers: bearer('admin'),
      })
    ).json()) as { id: string }[] | { items: { id: string }[] };
    const list = Array.isArray(caseworkers) ? caseworkers : caseworkers.items;
    Object.assign(good, {
      id,
      caseId: id,
      consulateId: 'RU-MOW',
      caseworkerId: list[0]?.id ?? 'ru-mow-01',
      code: 'RU',
    });
  });

  afterAll(async () => {
    const lines = SERVICES.map(
      (s) => `  ${s}: ${tally[s].requests} requests, ${tally[s].serverErrors} answered 5xx`,
    );
    process.stdout.write(
      `\nFuzz figures (seed ${SEED}, ${RUNS_PER_ROUTE} runs per route):\n${lines.join('\n')}\n`,
    );
    await stopSystem(system);
  });

  async function send(service: ServiceName, req: FuzzRequest): Promise<void> {
    const url = `${system[service].url}${req.path}${req.query ? `?${req.query}` : ''}`;
    const headers: Record<string, string> = { ...req.headers };
    if (req.authorization !== null) headers.authorization = req.authorization;
    if (req.accept !== undefined) headers.accept = req.accept;
    if (req.body !== undefined) headers['content-type'] = req.contentType ?? 'application/json';
    tally[service].requests++;
    let res: Response;
    try {
      res = await fetch(url, {
        method: req.method,
        headers,
        body: req.body,
        signal: AbortSignal.timeout(30_000),
      });
    } catch (error) {
      tally[service].serverErrors++;
      failures[service].push(`${req.label}: no answer (${(error as Error).message})`);
      return;
    }
    const text = await res.text();
    const problems = checkAnswer(res, text, req);
    if (res.status >= 500) tally[service].serverErrors++;
    if (problems.length)
      failures[service].push(
        `${req.label} → ${res.status}: ${problems.join('; ')} ${text.slice(0, 200)}`,
      );
  }

  function checkAnswer(res: Response, text: string, req: FuzzRequest): string[] {
    const problems: string[] = [];
    if (res.status >= 500) problems.push('5xx');
    const type = res.headers.get('content-type') ?? '';
    if (req.expectType && res.status >= 200 && res.status < 300 && res.status !== 204) {
      if (!type.startsWith(req.expectType))
        problems.push(`asked for ${req.expectType}, got ${type}`);
    }
    if (res.status < 400) return problems;
    if (!/^application\/problem\+json/.test(res.headers.get('content-type') ?? ''))
      problems.push(`content-type ${res.headers.get('content-type')}`);
    let body: Record<string, unknown> = {};
    try {
      body = JSON.parse(text) as Record<string, unknown>;
    } catch {
      problems.push('body is not JSON');
    }
    if (body.status !== res.status) problems.push('status member differs');
    if (typeof body.title !== 'string' || typeof body.type !== 'string')
      problems.push('no title/type');
    if (text.includes(MARKER)) problems.push('echoes a request value');
    if (res.status === 400 && body.code === 'validation_failed') {
      const errors = body.errors as { field?: unknown; message?: unknown }[] | undefined;
      if (
        !Array.isArray(errors) ||
        !errors.every((e) => typeof e.field === 'string' && typeof e.message === 'string')
      )
        // (An unknown key '' is named ''; a rule over no single field, e.g. an empty PATCH, names none.)
        problems.push('validation errors do not name their fields');
      else if (req.expectField && !errors.some((e) => e.field === req.expectField))
        problems.push(`validation errors do not name ${req.expectField}`);
    }
    return problems;
  }

  function concretePath(op: Operation, values: Record<string, string>): string {
    return op.path.replace(/\{(\w+)\}/g, (_m, name: string) => values[name] ?? good[name] ?? 'x');
  }

  /** Roles that get past authorization on an operation with a valid request (probed once). */
  async function allowedRoles(service: ServiceName, doc: OpenApiDocument, op: Operation) {
    const allowed: string[] = [];
    for (const caller of ROLE_CALLERS) {
      const res = await fetch(`${system[service].url}${concretePath(op, {})}`, {
        method: op.method,
        headers: {
          authorization: roleAuthorization(caller),
          ...(op.bodySchema ? { 'content-type': 'application/json' } : {}),
        },
        body: op.bodySchema ? JSON.stringify(exampleOf(doc, op.bodySchema)) : undefined,
      });
      tally[service].requests++;
      if (res.status >= 500) tally[service].serverErrors++;
      await res.arrayBuffer();
      if (res.status !== 401 && res.status !== 403) allowed.push(roleAuthorization(caller));
    }
    return allowed;
  }

  function requestOf(
    doc: OpenApiDocument,
    op: Operation,
    allowed: string[],
  ): fc.Arbitrary<FuzzRequest> {
    const anyRole = ROLE_CALLERS.map(roleAuthorization);
    const authorization = fc.oneof(
      {
        weight: 8,
        arbitrary: allowed.length ? fc.constantFrom(...allowed) : fc.constantFrom(...anyRole),
      },
      { weight: 1, arbitrary: fc.constantFrom(...anyRole) },
      { weight: 1, arbitrary: fc.constantFrom<string | null>(null, ...badAuthorizations()) },
    );
    const pathValues = fc.record(
      Object.fromEntries(
        op.pathParams.map((name) => [
          name,
          fc.oneof({ weight: 4, arbitrary: fc.constant(good[name] ?? 'x') }, nastyPathParam),
        ]),
      ),
    ) as fc.Arbitrary<Record<string, string>>;
    const headerValue = fc.oneof(
      fc.string({ maxLength: 40 }),
      fc.constantFrom('"1"', '"999999999999999999999"', 'W/"1"', '*', '"-1"', 'x'.repeat(4000), ''),
      fc.uuid(),
    );
    const headers = fc.record(
      Object.fromEntries(op.headerParams.map((p) => [p.name, headerValue])),
      { requiredKeys: [] },
    ) as fc.Arbitrary<Record<string, string>>;
    const valid = op.bodySchema ? exampleOf(doc, op.bodySchema) : undefined;
    type Body = { body?: string; contentType?: string; expectField?: string; label: string };
    const accept = fc.option(acceptHeader(op.produces), { nil: undefined, freq: 2 });
    const body: fc.Arbitrary<Body> =
      valid === undefined
        ? fc.constant<Body>({ label: '' })
        : fc.oneof(
            {
              weight: 1,
              arbitrary: fc.constant<Body>({ body: serialize(valid), label: 'valid body' }),
            },
            {
              weight: 8,
              arbitrary: mutation(valid).map((m: Mutation): Body => ({
                body: serialize(applyMutation(valid, m)),
                label: `${m.kind} ${pathName(m.kind === 'add' ? [...m.path, m.key] : m.path) || '(root)'}`,
                expectField:
                  m.kind === 'add' && m.key !== '__proto__'
                    ? pathName([...m.path, m.key])
                    : undefined,
              })),
            },
            { weight: 1, arbitrary: deepJson.map((b): Body => ({ body: b, label: 'deep JSON' })) },
            {
              weight: 1,
              arbitrary: wideJson.map((b): Body => ({ body: serialize(b), label: 'wide JSON' })),
            },
            {
              weight: 1,
              arbitrary: fc
                .jsonValue({ maxDepth: 4 })
                .map((v): Body => ({ body: serialize(v), label: 'random JSON' })),
            },
            {
              weight: 1,
              arbitrary: fc
                .string({ unit: 'binary', maxLength: 100 })
                .map((b): Body => ({ body: b, label: 'raw text' })),
            },
            {
              weight: 1,
              arbitrary: fc
                .constantFrom(
                  'text/plain',
                  'application/json; charset=utf-16',
                  'application/json; charset=latin1',
                  'application/merge-patch+json',
                  'multipart/form-data; boundary=x',
                )
                .map((contentType): Body => ({
                  body: serialize(valid),
                  contentType,
                  label: contentType,
                })),
            },
          );
    return fc
      .record({
        authorization,
        pathValues,
        query: queryString(doc, op.queryParams),
        headers,
        body,
        accept,
      })
      .map((r): FuzzRequest => ({
        label: `${op.method} ${op.path} [${r.body.label}]${r.accept === undefined ? '' : ` Accept: ${r.accept.slice(0, 80)}`}`,
        method: op.method,
        path: concretePath(op, r.pathValues),
        query: r.query,
        authorization: r.authorization,
        headers: r.headers,
        body: r.body.body,
        contentType: r.body.contentType,
        accept: r.accept,
        expectType: r.accept !== undefined && op.produces.includes(r.accept) ? r.accept : undefined,
        // A bad path parameter may be the field refused instead.
        expectField: op.pathParams.every((n) => r.pathValues[n] === (good[n] ?? 'x'))
          ? r.body.expectField
          : undefined,
      }));
  }

  for (const service of SERVICES) {
    it(`${service}: every route of its OpenAPI document, fuzzed`, async () => {
      const doc = (await (
        await fetch(`${system[service].url}/docs/openapi.json`)
      ).json()) as OpenApiDocument;
      const operations = operationsOf(doc);
      expect(operations.length).toBeGreaterThan(2);
      for (const op of operations) {
        const allowed = await allowedRoles(service, doc, op);
        // Every role (and no or bad tokens) on the valid request.
        for (const authorization of [
          ...ROLE_CALLERS.map(roleAuthorization),
          null,
          ...badAuthorizations(),
        ]) {
          const valid = op.bodySchema ? serialize(exampleOf(doc, op.bodySchema)) : undefined;
          await send(service, {
            label: `${op.method} ${op.path} [token]`,
            method: op.method,
            path: concretePath(op, {}),
            query: '',
            authorization,
            headers: {},
            body: valid,
          });
        }
        // Each documented media type, asked for alone by a role that may call the route.
        for (const type of op.produces) {
          await send(service, {
            label: `${op.method} ${op.path} [Accept: ${type}]`,
            method: op.method,
            path: concretePath(op, {}),
            query: '',
            authorization: allowed[0] ?? null,
            headers: {},
            body: op.bodySchema ? serialize(exampleOf(doc, op.bodySchema)) : undefined,
            accept: type,
            expectType: type,
          });
        }
        await fc.assert(
          fc.asyncProperty(requestOf(doc, op, allowed), async (req) => {
            await send(service, req);
          }),
          { seed: SEED, numRuns: RUNS_PER_ROUTE },
        );
      }
      expect(failures[service]).toEqual([]);
    });
  }
});
