import fc from 'fast-check';
import { JwtService } from '@nestjs/jwt';
import { DEV_JWT_SECRET } from '@casebridge/common';
import type { Role } from '@casebridge/contracts';
import { tokenFor } from './tokens';

/**
 * Request generation for fuzzing a service from its own OpenAPI document: every operation, its
 * path and query parameters, header parameters and JSON body, plus the inputs that have broken
 * HTTP services before (deep and wide JSON, every kind of Unicode, extreme numbers and dates,
 * odd query shapes, bad tokens).
 */

export interface SchemaObject {
  $ref?: string;
  type?: string;
  format?: string;
  enum?: unknown[];
  example?: unknown;
  items?: SchemaObject;
  properties?: Record<string, SchemaObject>;
  required?: string[];
  minimum?: number;
  nullable?: boolean;
}

interface ParameterObject {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema?: SchemaObject;
}

interface OperationObject {
  parameters?: ParameterObject[];
  requestBody?: { content?: Record<string, { schema?: SchemaObject }> };
  responses?: Record<string, { content?: Record<string, unknown> }>;
}

export interface OpenApiDocument {
  paths: Record<string, Record<string, OperationObject>>;
  components?: { schemas?: Record<string, SchemaObject> };
}

export interface Operation {
  method: string;
  path: string;
  pathParams: string[];
  queryParams: ParameterObject[];
  headerParams: ParameterObject[];
  bodySchema?: SchemaObject;
  /** The media types its 2xx answers are documented in (what an Accept header may ask for). */
  produces: string[];
}

const METHODS = new Set(['get', 'post', 'put', 'patch', 'delete']);

export function operationsOf(doc: OpenApiDocument): Operation[] {
  const out: Operation[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      if (!METHODS.has(method)) continue;
      const params = op.parameters ?? [];
      out.push({
        method: method.toUpperCase(),
        path,
        pathParams: params.filter((p) => p.in === 'path').map((p) => p.name),
        queryParams: params.filter((p) => p.in === 'query'),
        headerParams: params.filter((p) => p.in === 'header'),
        bodySchema: op.requestBody?.content?.['application/json']?.schema,
        produces: [
          ...new Set(
            Object.entries(op.responses ?? {})
              .filter(([status]) => /^2/.test(status))
              .flatMap(([, response]) => Object.keys(response.content ?? {})),
          ),
        ],
      });
    }
  }
  return out;
}

function resolve(doc: OpenApiDocument, schema: SchemaObject): SchemaObject {
  if (!schema.$ref) return schema;
  const name = schema.$ref.replace('#/components/schemas/', '');
  return doc.components?.schemas?.[name] ?? {};
}

/**
 * Accept headers: each documented media type alone (the answer must then be in it), and the
 * shapes content negotiation has to survive (wildcards, q-values, none acceptable, junk).
 */
export function acceptHeader(produces: string[]): fc.Arbitrary<string> {
  const hostile = fc.oneof(
    fc.constantFrom(
      '*/*',
      'text/*',
      'application/*;q=0.5, */*;q=0.1',
      'application/xml',
      'application/vnd.ms-excel',
      '*/*;q=0',
      'text/csv;q=0',
      'text/csv;q=abc',
      'text/csv;q=1e999',
      ';;;,,,',
      'application/json;charset=utf-16',
      `${'text/csv;q=0.1,'.repeat(200)}*/*`,
      'x'.repeat(4000),
      '',
    ),
    fc.string({ maxLength: 60 }),
  );
  if (produces.length === 0) return hostile;
  const preferences =
    produces.length < 2
      ? []
      : [
          {
            weight: 1,
            arbitrary: fc
              .shuffledSubarray(produces, { minLength: 2 })
              .map((types) => types.map((t, i) => `${t};q=${(1 - i / 10).toFixed(1)}`).join(', ')),
          },
        ];
  return fc.oneof({ weight: 2, arbitrary: fc.constantFrom(...produces) }, ...preferences, {
    weight: 2,
    arbitrary: hostile,
  });
}

/** A value the schema describes as valid: its example, else the first enum value, else a plain one. */
export function exampleOf(doc: OpenApiDocument, raw: SchemaObject): unknown {
  const schema = resolve(doc, raw);
  if (schema.example !== undefined) return schema.example;
  if (schema.enum?.length) return schema.enum[0];
  if (schema.properties) {
    return Object.fromEntries(
      Object.entries(schema.properties).map(([k, s]) => [k, exampleOf(doc, s)]),
    );
  }
  switch (schema.type) {
    case 'array':
      return schema.items ? [exampleOf(doc, schema.items)] : [];
    case 'number':
    case 'integer':
      return schema.minimum ?? 1;
    case 'boolean':
      return true;
    default:
      if (schema.format === 'uuid') return '3f1c1a52-2f55-4c9e-9c1e-0a3e5f1b2c3d';
      if (schema.format === 'date') return '2026-01-15';
      if (schema.format === 'date-time') return '2026-01-15T10:00:00Z';
      return 'text';
  }
}

/** Every path (`a`, `a.b`, `a[0]`) of fields and array elements inside a JSON value. */
export function fieldPaths(
  value: unknown,
  prefix: (string | number)[] = [],
): (string | number)[][] {
  if (Array.isArray(value)) {
    return value.flatMap((v, i) => [[...prefix, i], ...fieldPaths(v, [...prefix, i])]);
  }
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([k, v]) => [
      [...prefix, k],
      ...fieldPaths(v, [...prefix, k]),
    ]);
  }
  return [];
}

export function pathName(path: (string | number)[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

/** A marker inside generated strings: a 4xx must never echo a value back (no personal data). */
export const MARKER = 'Zq9MARKq9Z';

/** Stands for raw JSON text that JSON.stringify cannot write (1e400, -0, huge integers). */
const RAW = '@@raw@@';
const raw = (text: string) => `${RAW}${text}${RAW}`;

/** Serialises a value, splicing raw number literals in. */
export function serialize(value: unknown): string {
  return JSON.stringify(value).replace(
    new RegExp(`"${RAW}(.*?)${RAW}"`, 'g'),
    (_m, text: string) => text,
  );
}

const UNICODE_SAMPLES = [
  'e\u0301'.repeat(60), // combining marks
  '\u0301\u0302\u0303\u0304'.repeat(30), // marks with no base
  '✔\ufe0f'.repeat(120), // variation selectors
  '👩\u200d💻'.repeat(40), // ZWJ sequences
  '\ud800', // lone high surrogate
  'ab\udc00cd', // lone low surrogate
  '\udbff\udfff', // the last astral code point
  '😀'.repeat(150), // astral
  '\u202eRTL override\u202c', // bidi controls
  'שלום עולם', // RTL
  'nul\u0000inside',
  '\u0000',
  '\u0344\u0958'.repeat(60), // characters NFC expands
  '\u1100\u1161'.repeat(60), // jamo NFC composes
  '\ufeffBOM',
  '\u2028\u2029',
  ' '.repeat(300),
  '',
];

const DATE_SAMPLES = [
  '0000-01-01',
  '0000-01-01T00:00:00Z',
  '275760-09-13T00:00:00Z',
  '+275760-09-13T00:00:00.000Z',
  '-000001-01-01T00:00:00Z',
  '-271821-04-20',
  '100000-01-01',
  '+100000-01-01T00:00:00Z',
  '2026-13-01',
  '2026-00-10',
  '2026-02-30',
  '2026-02-29T24:00:00Z',
  '2026-01-01T23:59:60Z',
  '9999-12-31T23:59:59.999-23:59',
  '1899-12-31',
  '2024-W01',
  'now',
  'Tue, 1 Jan 0000 00:00:00 GMT',
];

const NUMBER_SAMPLES: unknown[] = [
  raw('1e308'),
  raw('1e400'),
  raw('-1e400'),
  raw('-0'),
  raw('123456789012345678901234567890'),
  raw('1e-7'),
  raw('5e-324'),
  Number.MAX_SAFE_INTEGER,
  Number.MIN_SAFE_INTEGER,
  2 ** 31,
  -1,
  0,
  0.1 + 0.2,
  'NaN',
  'Infinity',
  '-Infinity',
  '1e308',
  '0x10',
  '١٢٣', // Arabic-Indic digits
];

/** Cursors shaped like the ones the lists issue, carrying timestamps outside SQL's range. */
const CURSOR_SAMPLES = [
  '0000-01-01T00:00:00.000Z',
  '-000001-01-01T00:00:00.000Z',
  '+100000-01-01T00:00:00.000Z',
  '+275760-09-13T00:00:00.000Z',
].flatMap((at) => [
  Buffer.from(JSON.stringify([at, '3f1c1a52-2f55-4c9e-9c1e-0a3e5f1b2c3d'])).toString('base64url'),
  Buffer.from(JSON.stringify([at])).toString('base64url'),
]);

export const nastyString: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(...CURSOR_SAMPLES),
  fc.constantFrom(...UNICODE_SAMPLES),
  fc.constantFrom(...DATE_SAMPLES),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ maxLength: 20 }).map((s) => `${s}${MARKER}`),
  fc.integer({ min: 1, max: 12_000 }).map((n) => `${MARKER}${'x'.repeat(n)}`),
  fc.constantFrom(
    'RU-MOW',
    'ru',
    'RU',
    'HQ',
    'true',
    'null',
    '[]',
    '{}',
    '__proto__',
    'constructor',
  ),
);

/** Deep JSON (a few thousand levels), as text. */
export const deepJson: fc.Arbitrary<string> = fc
  .tuple(fc.integer({ min: 33, max: 6000 }), fc.boolean())
  .map(([depth, arrays]) =>
    arrays
      ? '['.repeat(depth) + ']'.repeat(depth)
      : '{"a":'.repeat(depth) + '1' + '}'.repeat(depth),
  );

/** Wide JSON: many keys or many array elements. */
export const wideJson: fc.Arbitrary<unknown> = fc.oneof(
  fc
    .integer({ min: 900, max: 5000 })
    .map((n) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, i]))),
  fc.integer({ min: 1000, max: 30_000 }).map((n) => Array.from({ length: n }, (_, i) => i)),
);

export const nastyValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: nastyString },
  { weight: 3, arbitrary: fc.constantFrom(...NUMBER_SAMPLES) },
  { weight: 1, arbitrary: fc.constantFrom(null, true, false, [], {}, [null], { '': '' }) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 1, arbitrary: fc.double() },
  { weight: 1, arbitrary: fc.array(nastyString, { maxLength: 5 }) },
);

export type Mutation =
  | { kind: 'replace'; path: (string | number)[]; value: unknown }
  | { kind: 'delete'; path: (string | number)[] }
  | { kind: 'add'; path: (string | number)[]; key: string; value: unknown };

/** A valid body with one field replaced, removed, or an unknown field added beside it. */
export function mutation(valid: unknown): fc.Arbitrary<Mutation> {
  const paths = fieldPaths(valid);
  const objectPaths: (string | number)[][] = [
    [],
    ...paths.filter((p) => {
      const v = get(valid, p);
      return v !== null && typeof v === 'object' && !Array.isArray(v);
    }),
  ];
  const replaceOrDelete = paths.length
    ? fc.oneof(
        fc
          .tuple(fc.constantFrom(...paths), nastyValue)
          .map(([path, value]): Mutation => ({ kind: 'replace', path, value })),
        fc.constantFrom(...paths).map((path): Mutation => ({ kind: 'delete', path })),
      )
    : fc.constant<Mutation>({ kind: 'delete', path: ['nothing'] });
  const add = fc
    .tuple(
      fc.constantFrom(...objectPaths),
      fc.oneof(
        fc.stringMatching(/^[a-z][A-Za-z0-9]{0,12}$/),
        fc.constantFrom('__proto__', 'constructor', ''),
      ),
      nastyValue,
    )
    .map(([path, key, value]): Mutation => ({ kind: 'add', path, key: `x${key}`, value }));
  return fc.oneof({ weight: 3, arbitrary: replaceOrDelete }, { weight: 1, arbitrary: add });
}

function get(value: unknown, path: (string | number)[]): unknown {
  return path.reduce<unknown>(
    (v, k) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined),
    value,
  );
}

export function applyMutation(valid: unknown, m: Mutation): unknown {
  const copy = JSON.parse(JSON.stringify(valid)) as Record<string, unknown>;
  const parentPath = m.kind === 'add' ? m.path : m.path.slice(0, -1);
  const parent = (parentPath.length ? get(copy, parentPath) : copy) as Record<string, unknown>;
  if (!parent || typeof parent !== 'object') return copy;
  if (m.kind === 'add') {
    // defineProperty: `__proto__` as an own key, as JSON.parse makes it on the server.
    Object.defineProperty(parent, m.key, { value: m.value, enumerable: true, writable: true });
  } else {
    const leaf = m.path[m.path.length - 1];
    if (m.kind === 'delete') delete parent[leaf];
    else parent[leaf] = m.value;
  }
  return copy;
}

/** Query strings: valid values, nasty ones, and odd shapes (repeats, `a[b]`, empty, very long). */
export function queryString(doc: OpenApiDocument, params: ParameterObject[]): fc.Arbitrary<string> {
  const names = [...params.map((p) => p.name), 'unknownParam'];
  const valid = (name: string): unknown => {
    const p = params.find((q) => q.name === name);
    return p?.schema ? exampleOf(doc, p.schema) : 'x';
  };
  const pair = fc
    .tuple(
      fc.constantFrom(...names),
      fc.oneof(
        { weight: 3, arbitrary: fc.constant(null) },
        { weight: 3, arbitrary: nastyString },
        { weight: 1, arbitrary: fc.constantFrom(...NUMBER_SAMPLES.map(String)) },
      ),
      fc.constantFrom('plain', 'plain', 'plain', 'repeat', 'bracket', 'empty', 'bare', 'long'),
    )
    .map(([name, value, shape]) => {
      const v = value === null ? String(valid(name)) : value;
      const enc = (s: string) => encodeQuery(s);
      switch (shape) {
        case 'repeat':
          return `${name}=${enc(v)}&${name}=${enc(String(valid(name)))}`;
        case 'bracket':
          return `${name}[b]=${enc(v)}&${name}[]=1`;
        case 'empty':
          return `${name}=`;
        case 'bare':
          return name;
        case 'long':
          return `${name}=${'9'.repeat(20_000)}`;
        default:
          return `${name}=${enc(v)}`;
      }
    });
  return fc.array(pair, { maxLength: 5 }).map((pairs) => pairs.join('&'));
}

/** Percent-encodes a string, lone surrogates included (as the bytes a broken client would send). */
export function encodeQuery(s: string): string {
  let out = '';
  for (const ch of s) {
    const code = ch.codePointAt(0) ?? 0;
    out +=
      code >= 0xd800 && code <= 0xdfff
        ? `%${(0xe0 | (code >> 12)).toString(16)}%${(0x80 | ((code >> 6) & 0x3f)).toString(16)}%${(0x80 | (code & 0x3f)).toString(16)}`
        : encodeURIComponent(ch);
  }
  return out;
}

/** Path parameter values other than the good one. */
export const nastyPathParam: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    'not-a-uuid',
    '00000000-0000-0000-0000-000000000000',
    '3F1C1A52-2F55-4C9E-9C1E-0A3E5F1B2C3D',
    '3f1c1a52-2f55-4c9e-9c1e-0a3e5f1b2c3d0',
    '%00',
    '%ED%A0%80',
    '%F0%9F%98%80',
    '%E2%80%AE',
    '..',
    '%2F',
    '%25',
    '-1',
    '1e308',
    'ru-mow',
    'RU-MOW-',
    'x'.repeat(5000),
  ),
  // Never the marker: an id in the path is echoed in `instance`, which is not personal data.
  nastyString.filter((v) => !v.includes(MARKER)).map(encodeQuery),
);

const wrongKey = new JwtService({ secret: 'not-the-secret-of-this-deployment-0123456789' });
const rightKey = new JwtService({ secret: process.env.AUTH_JWT_SECRET ?? DEV_JWT_SECRET });

function b64(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

export const ROLE_CALLERS: { label: string; role: Role; consulateId?: string }[] = [
  { label: 'intake_officer', role: 'intake_officer' },
  { label: 'caseworker', role: 'caseworker', consulateId: 'RU-MOW' },
  { label: 'consul', role: 'consul', consulateId: 'RU-MOW' },
  { label: 'manager', role: 'manager' },
  { label: 'admin', role: 'admin' },
  { label: 'integration', role: 'integration' },
  { label: 'data_protection_officer', role: 'data_protection_officer' },
];

/** Authorization headers that must all be refused with a problem+json 401 (or 403). */
export function badAuthorizations(): string[] {
  const sign = (payload: Record<string, unknown>, sub: string) =>
    rightKey.sign(payload, { subject: sub, expiresIn: '1h' });
  return [
    '',
    'Bearer',
    'Bearer ',
    'Bearer garbage',
    'Basic dXNlcjpwYXNz',
    `Bearer ${'a'.repeat(10_000)}`,
    `Bearer ${b64({ alg: 'none', typ: 'JWT' })}.${b64({ sub: 'x', roles: ['admin'] })}.`,
    `Bearer ${wrongKey.sign({ roles: ['admin'] }, { subject: 'x', expiresIn: '1h' })}`,
    `Bearer ${rightKey.sign({ roles: ['admin'], sub: 'x', exp: 1 })}`,
    `Bearer ${sign({ roles: 'admin' }, 'x')}`,
    `Bearer ${sign({ roles: ['root'] }, 'x')}`,
    `Bearer ${sign({ roles: [] }, 'x')}`,
    `Bearer ${sign({ roles: ['caseworker'] }, 'x')}`,
    `Bearer ${sign({ roles: ['caseworker'], consulateId: 'x'.repeat(500) }, 'x')}`,
    `Bearer ${sign({ roles: ['caseworker'], consulateId: '\ud800' }, 'x')}`,
    `Bearer ${sign({ roles: ['admin'] }, 'x'.repeat(129))}`,
    `Bearer ${sign({ roles: ['intake_officer'] }, 'e\u0301'.repeat(100))}`,
    `Bearer ${sign({ roles: ['intake_officer'] }, '\ud800')}`,
    `Bearer ${sign({ roles: ['intake_officer'] }, 'nul\u0000')}`,
  ];
}

export function roleAuthorization(caller: { role: Role; consulateId?: string }): string {
  return `Bearer ${tokenFor(caller.role, caller.consulateId)}`;
}
