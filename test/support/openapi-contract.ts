import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv, { ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import createClient, { Client, Middleware } from 'openapi-fetch';
import type { ServiceName } from './infra';

/**
 * The contract test's machinery: typed openapi-fetch clients (types by openapi-typescript from
 * the committed documents, test/generated/openapi) whose every answer is checked against the
 * document it was generated from: the status is documented for the operation, the media type is
 * one documented for that status, the body validates (ajv) against the documented schema, each
 * required documented header is present and each documented header sent matches its schema.
 * Every call is recorded, so the test can tell which operations it drove.
 */

interface HeaderObject {
  required?: boolean;
  schema?: Record<string, unknown>;
}
interface ResponseObject {
  content?: Record<string, { schema?: Record<string, unknown> }>;
  headers?: Record<string, HeaderObject | { $ref: string }>;
}
export interface OperationObject {
  operationId: string;
  security?: unknown[];
  responses: Record<string, ResponseObject>;
  'x-roles'?: string[];
}
export interface OpenApiDocument {
  servers: { url: string }[];
  paths: Record<string, Record<string, OperationObject>>;
  components: { headers?: Record<string, HeaderObject> } & Record<string, unknown>;
}

const ROOT = join(__dirname, '..', '..');
const METHODS = ['get', 'put', 'post', 'delete', 'patch'];

export function committedDocument(service: ServiceName): OpenApiDocument {
  return JSON.parse(
    readFileSync(join(ROOT, 'docs', 'openapi', `${service}.json`), 'utf8'),
  ) as OpenApiDocument;
}

export interface DocumentedOperation {
  service: ServiceName;
  method: string;
  path: string;
  op: OperationObject;
}

export function operationsOf(service: ServiceName, doc: OpenApiDocument): DocumentedOperation[] {
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([method]) => METHODS.includes(method))
      .map(([method, op]) => ({ service, method: method.toUpperCase(), path, op })),
  );
}

export interface ObservedCall {
  service: ServiceName;
  operationId: string;
  status: number;
}

/** The ajv of one document: its components under `<service>.json`, every $ref rewritten there. */
class DocumentValidator {
  private readonly ajv: Ajv;
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor(
    private readonly service: ServiceName,
    private readonly doc: OpenApiDocument,
  ) {
    // OpenAPI 3.0 schema objects: `nullable` is ajv's own keyword; examples and descriptions are
    // annotations. Not strict, so that OpenAPI's own keywords (example, x-…) are accepted.
    this.ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(this.ajv);
    this.ajv.addFormat('binary', true);
    this.ajv.addSchema(this.rebase({ components: doc.components }), `${service}.json`);
  }

  private rebase<T>(schema: T): T {
    return JSON.parse(
      JSON.stringify(schema).replaceAll('"#/components/', `"${this.service}.json#/components/`),
    ) as T;
  }

  validate(key: string, schema: Record<string, unknown>, value: unknown): string[] {
    let validate = this.compiled.get(key);
    if (!validate) {
      validate = this.ajv.compile(this.rebase(schema));
      this.compiled.set(key, validate);
    }
    if (validate(value)) return [];
    return (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`);
  }

  header(ref: HeaderObject | { $ref: string }): HeaderObject {
    if ('$ref' in ref) return this.doc.components.headers![ref.$ref.split('/').pop()!];
    return ref;
  }
}

export class ContractRecorder {
  readonly calls: ObservedCall[] = [];
  /** Every answer that broke its document, with what was wrong. */
  readonly violations: string[] = [];
  private readonly validators = new Map<ServiceName, DocumentValidator>();

  constructor(private readonly docs: Record<ServiceName, OpenApiDocument>) {
    for (const [service, doc] of Object.entries(docs) as [ServiceName, OpenApiDocument][])
      this.validators.set(service, new DocumentValidator(service, doc));
  }

  /** An openapi-fetch client of one service that checks and records every answer. */
  client<Paths extends object>(service: ServiceName, baseUrl: string): Client<Paths> {
    const client = createClient<Paths>({ baseUrl });
    client.use(this.middleware(service));
    return client;
  }

  private middleware(service: ServiceName): Middleware {
    return {
      onResponse: async ({ request, response, schemaPath }) => {
        await this.check(service, request.method, schemaPath, response.clone());
        return undefined;
      },
    };
  }

  async check(
    service: ServiceName,
    method: string,
    path: string,
    response: Response,
  ): Promise<void> {
    const doc = this.docs[service];
    const op = doc.paths[path]?.[method.toLowerCase()];
    const where = `${service} ${method} ${path} → ${response.status}`;
    if (!op) {
      this.violations.push(`${where}: no such operation in the document`);
      return;
    }
    this.calls.push({ service, operationId: op.operationId, status: response.status });
    const documented = op.responses[String(response.status)];
    const body = await response.text();
    if (!documented) {
      this.violations.push(`${where}: status not documented (${body.slice(0, 200)})`);
      return;
    }
    const validator = this.validators.get(service)!;
    for (const [name, ref] of Object.entries(documented.headers ?? {})) {
      const header = validator.header(ref);
      const value = response.headers.get(name);
      if (value === null) {
        if (header.required) this.violations.push(`${where}: header ${name} missing`);
        continue;
      }
      const typed =
        header.schema?.type === 'integer' && /^\d+$/.test(value) ? Number(value) : value;
      for (const error of validator.validate(
        `${service}:header:${name}`,
        header.schema ?? {},
        typed,
      ))
        this.violations.push(`${where}: header ${name}=${value}: ${error}`);
    }
    if (!documented.content) {
      if (body.length > 0) this.violations.push(`${where}: a body where none is documented`);
      return;
    }
    const mediaType = (response.headers.get('content-type') ?? '').split(';')[0].trim();
    const content = documented.content[mediaType];
    if (!content) {
      this.violations.push(
        `${where}: content type ${mediaType || '(none)'} not documented (${Object.keys(documented.content).join(', ')})`,
      );
      return;
    }
    const isJson = mediaType === 'application/json' || mediaType.endsWith('+json');
    let value: unknown = body;
    if (isJson) {
      try {
        value = JSON.parse(body);
      } catch {
        this.violations.push(`${where}: body is not JSON`);
        return;
      }
    }
    for (const error of validator.validate(
      `${service}:${op.operationId}:${response.status}:${mediaType}`,
      content.schema ?? {},
      value,
    ))
      this.violations.push(`${where}: body ${error}`);
  }
}
