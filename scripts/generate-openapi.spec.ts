import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OPENAPI_SERVICES, openApiPath, renderOpenApi } from './generate-openapi';

interface Doc {
  servers: { url: string }[];
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema> };
}
interface Operation {
  operationId: string;
  security?: unknown[];
  responses: Record<
    string,
    { content?: Record<string, unknown>; headers?: Record<string, unknown> }
  >;
}
interface Schema {
  type?: string;
  nullable?: boolean;
  properties?: Record<string, Schema>;
  additionalProperties?: unknown;
  allOf?: unknown[];
  anyOf?: unknown[];
  items?: Schema;
}

const ROOT = join(__dirname, '..');

describe.each(OPENAPI_SERVICES)('docs/openapi/%s.json', (service) => {
  const committed = readFileSync(openApiPath(ROOT, service), 'utf8');
  const doc = JSON.parse(committed) as Doc;
  const operations = Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item).map(([method, op]) => ({ path, method, op })),
  );

  it('is up to date with the controllers and DTOs (regenerate with npm run docs:openapi)', async () => {
    expect(committed).toBe(await renderOpenApi(service));
  });

  it('names the local server by default', () => {
    expect(doc.servers.map((s) => s.url)).toEqual([
      expect.stringMatching(/^http:\/\/localhost:\d+$/),
    ]);
  });

  it('asks a token of every operation but the health probes', () => {
    for (const { path, op } of operations) {
      expect({ path, security: op.security }).toEqual({
        path,
        security: path.startsWith('/health/') ? [] : [{ bearer: [] }],
      });
    }
  });

  it('gives every error answer the problem+json schema and every answer X-Request-Id', () => {
    for (const { op } of operations) {
      for (const [status, response] of Object.entries(op.responses)) {
        expect(response.headers?.['X-Request-Id']).toBeDefined();
        if (Number(status) >= 400)
          expect({ status, content: response.content }).toEqual({
            status,
            content: {
              'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } },
            },
          });
      }
    }
  });

  it('types every property: no nullable field left as an untyped object', () => {
    const untyped: string[] = [];
    const visit = (name: string, schema: Schema) => {
      for (const [key, property] of Object.entries(schema.properties ?? {})) {
        const free =
          property.type === 'object' &&
          !property.properties &&
          property.additionalProperties === undefined &&
          !property.allOf &&
          !property.anyOf;
        // HistoryEntryResponse.details is free-form on purpose (codes and ids of each kind of entry).
        if (free && `${name}.${key}` !== 'HistoryEntryResponse.details')
          untyped.push(`${name}.${key}`);
        visit(`${name}.${key}`, property);
        if (property.items) visit(`${name}.${key}[]`, property.items);
      }
    };
    for (const [name, schema] of Object.entries(doc.components.schemas)) visit(name, schema);
    expect(untyped).toEqual([]);
  });
});

describe('test/generated/openapi/*.d.ts (the contract test client types)', () => {
  it('are what openapi-typescript makes of the committed documents (regenerate with npm run docs:openapi)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'casebridge-openapi-ts-'));
    try {
      const apis = OPENAPI_SERVICES.map(
        (s) =>
          `  ${s}:\n    root: ${openApiPath(ROOT, s)}\n    x-openapi-ts:\n      output: ${join(dir, `${s}.d.ts`)}\n`,
      ).join('');
      writeFileSync(join(dir, 'redocly.yaml'), `apis:\n${apis}`);
      execFileSync(
        join(ROOT, 'node_modules', '.bin', 'openapi-typescript'),
        ['--redocly', join(dir, 'redocly.yaml'), '--default-non-nullable', 'false'],
        { cwd: dir, stdio: 'pipe' },
      );
      for (const service of OPENAPI_SERVICES) {
        expect({
          service,
          types: readFileSync(
            join(ROOT, 'test', 'generated', 'openapi', `${service}.d.ts`),
            'utf8',
          ),
        }).toEqual({ service, types: readFileSync(join(dir, `${service}.d.ts`), 'utf8') });
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
