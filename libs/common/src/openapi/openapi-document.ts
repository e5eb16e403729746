import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import type {
  HeaderObject,
  OperationObject,
  ReferenceObject,
  ResponseObject,
  SchemaObject,
} from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { PUBLIC_EXTENSION, ROLES_EXTENSION } from '../auth/auth-user';
import { PROBLEM_CONTENT_TYPE } from '../errors/problem';
import { PROBLEM_SCHEMAS, problemResponse, RETRY_AFTER_HEADER } from './problem-responses';

export interface OpenApiDescription {
  title: string;
  description: string;
  /** The `servers` entry: HTTP_PUBLIC_BASE_URL, else http://localhost:<port>. */
  serverUrl: string;
}

/** The public base URL of a service: HTTP_PUBLIC_BASE_URL, else the local one. */
export function publicBaseUrl(configured: string | undefined, port: number): string {
  return (configured ?? `http://localhost:${port}`).replace(/\/+$/, '');
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'options', 'head', 'trace'] as const;

const REQUEST_ID: HeaderObject = {
  description:
    'The request id (from X-Correlation-Id or X-Request-Id when the client sent a valid one), also in the logs and as `requestId` of a problem',
  required: true,
  schema: { type: 'string' },
};

/** @nestjs/throttler's headers on every answer of a rate-limited route that passed the limiter. */
const RATE_LIMIT: Record<string, HeaderObject> = {
  'X-RateLimit-Limit': {
    description: 'Requests allowed per user a minute (RATE_LIMIT_PER_MINUTE)',
    schema: { type: 'integer' },
  },
  'X-RateLimit-Remaining': {
    description: 'Requests left in the current minute',
    schema: { type: 'integer' },
  },
  'X-RateLimit-Reset': {
    description: 'Seconds until the current window ends',
    schema: { type: 'integer' },
  },
};

/** Shared headers, as components.headers and references to them. */
export const SHARED_HEADERS: Record<string, HeaderObject> = {
  'X-Request-Id': REQUEST_ID,
  ...RATE_LIMIT,
  'Retry-After': RETRY_AFTER_HEADER,
};
const headerRef = (name: string): ReferenceObject => ({ $ref: `#/components/headers/${name}` });

/** The answers every route of a kind can give, whatever its controller says. */
const SHARED = {
  400: 'Malformed JSON, a body nested too deep or with too many keys, or invalid fields (problem+json naming each field)',
  401: 'No valid bearer token (missing, malformed, expired, wrong signature, issuer or audience)',
  403: 'Your role may not use this route',
  413: 'The request body exceeds HTTP_BODY_LIMIT',
  415: 'The body is not UTF-8 application/json',
  429: 'Rate limit exceeded (RATE_LIMIT_PER_MINUTE per user), or too many failed authentications from this address (AUTH_FAILURE_LIMIT)',
  503: 'Overloaded (admission control: HTTP_MAX_IN_FLIGHT and HTTP_MAX_QUEUED exceeded) or a dependency (database, broker, key store) is unavailable; retry after Retry-After',
} as const;

/**
 * Builds a service's OpenAPI document from its controllers and DTOs, then completes it with what
 * the shared HTTP pipeline does to every route (completeOpenApiDocument).
 */
export function createOpenApiDocument(
  app: INestApplication,
  description: OpenApiDescription,
): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle(description.title)
    .setDescription(description.description)
    .setVersion('1')
    // package.json's license: not open source, no licence granted.
    .setLicense('Proprietary (UNLICENSED)', undefined as unknown as string)
    .addServer(description.serverUrl)
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }, 'bearer')
    .build();
  return completeOpenApiDocument(SwaggerModule.createDocument(app, config));
}

/**
 * What every route shares, written into the document once instead of on every controller:
 * - security: an operation carries the bearer requirement unless it is @Public() (marked
 *   x-public), which gets an empty one; authenticated operations answer 401, 403 and 429;
 * - every operation can be shed by admission control or meet an unavailable dependency: 503;
 * - an operation with a body answers 400 (malformed JSON, shape limits, validation), 413, 415;
 *   one with query parameters 400 (validation, unknown parameters);
 * - every answer carries X-Request-Id, the answers of rate-limited routes X-RateLimit-*; 429
 *   and 503 carry Retry-After;
 * - every error answer (4xx, 5xx) is application/problem+json with the Problem schema;
 * - a nullable reference (`nullable` beside `allOf: [$ref]`, which a validator reads as "must
 *   match the referenced object") becomes `anyOf: [$ref, null]`, and a nullable enum lists null.
 */
export function completeOpenApiDocument(doc: OpenAPIObject): OpenAPIObject {
  doc.components ??= {};
  doc.components.schemas = { ...(doc.components.schemas ?? {}), ...PROBLEM_SCHEMAS };
  doc.components.headers = { ...(doc.components.headers ?? {}), ...SHARED_HEADERS };
  for (const item of Object.values(doc.paths)) {
    for (const method of METHODS) {
      const op = item[method];
      if (op) completeOperation(op);
    }
  }
  for (const schema of Object.values(doc.components.schemas)) fixNullableReferences(schema);
  return doc;
}

function completeOperation(op: OperationObject): void {
  const extended = op as OperationObject & { [PUBLIC_EXTENSION]?: boolean };
  const isPublic = extended[PUBLIC_EXTENSION] === true;
  delete extended[PUBLIC_EXTENSION];
  op.security = isPublic ? [] : [{ bearer: [] }];
  const add = (status: keyof typeof SHARED) => {
    op.responses[status] ??= problemResponse(SHARED[status], status);
  };
  const hasQuery = (op.parameters ?? []).some((p) => 'in' in p && p.in === 'query');
  if (op.requestBody || hasQuery) add(400);
  if (!isPublic) {
    add(401);
    const roles = (op as OperationObject & { [ROLES_EXTENSION]?: string[] })[ROLES_EXTENSION];
    op.responses[403] ??= problemResponse(
      roles?.length ? `Only ${roles.join(', ')} may use this route` : SHARED[403],
      403,
    );
    add(429);
  }
  if (op.requestBody) {
    add(413);
    add(415);
  }
  add(503);
  for (const [status, response] of Object.entries(op.responses) as [string, ResponseObject][]) {
    const code = Number(status);
    if (code >= 400) response.content = problemResponse(response.description, code).content;
    const throttled = !isPublic && code !== 401 && code !== 403;
    response.headers = {
      ...response.headers,
      ...Object.fromEntries(
        [
          ...(throttled ? Object.keys(RATE_LIMIT) : []),
          ...(code === 429 || code === 503 ? ['Retry-After'] : []),
          'X-Request-Id',
        ].map((name) => [name, headerRef(name)]),
      ),
    };
    if (code < 400 && response.content) {
      for (const type of Object.keys(response.content))
        if (type === PROBLEM_CONTENT_TYPE) delete response.content[type];
    }
  }
}

function fixNullableReferences(schema: SchemaObject | ReferenceObject): void {
  if ('$ref' in schema) return;
  for (const [name, property] of Object.entries(schema.properties ?? {})) {
    if ('$ref' in property) continue;
    const refs = property.allOf ?? property.oneOf ?? property.anyOf;
    if (property.nullable && refs?.length === 1 && '$ref' in refs[0]) {
      const { allOf: _a, oneOf: _o, anyOf: _n, nullable: _x, type: _t, ...rest } = property;
      schema.properties![name] = {
        ...rest,
        anyOf: [refs[0], { type: 'object', nullable: true, enum: [null] }],
      };
    } else {
      // OpenAPI 3.0.3: `nullable` does not widen an enum; a nullable enum lists null itself.
      if (property.nullable && property.enum && !property.enum.includes(null))
        property.enum = [...(property.enum as unknown[]), null];
      fixNullableReferences(property);
    }
  }
  if (schema.items) fixNullableReferences(schema.items);
}
