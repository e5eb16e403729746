import { applyDecorators } from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';
import type {
  HeaderObject,
  ReferenceObject,
  SchemaObject,
} from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { PROBLEM_CONTENT_TYPE } from '../errors/problem';

/** The component names of the error body in every OpenAPI document. */
export const PROBLEM_SCHEMA = 'Problem';
export const FIELD_ERROR_SCHEMA = 'FieldError';

/**
 * RFC 9457 problem details as libs/common/src/errors writes them (ProblemDetailsFilter,
 * http-pipeline's sendProblem, answerClientErrors): the five standard members always, the
 * request's path and id when the request got that far, field errors for validation, and
 * extension members of some problems (allowedActions, currentVersion, checks, …).
 */
export const PROBLEM_SCHEMAS: Record<string, SchemaObject> = {
  [FIELD_ERROR_SCHEMA]: {
    type: 'object',
    required: ['field', 'message'],
    properties: {
      field: {
        type: 'string',
        example: 'hostCountry',
        description: 'The field, parameter or header',
      },
      message: { type: 'string', example: 'hostCountry must be an ISO 3166-1 alpha-2 code' },
    },
  },
  [PROBLEM_SCHEMA]: {
    type: 'object',
    required: ['type', 'title', 'status', 'detail', 'code'],
    properties: {
      type: {
        type: 'string',
        format: 'uri',
        example: 'https://casebridge.example/problems/validation-failed',
      },
      title: { type: 'string', example: 'Invalid request' },
      status: { type: 'integer', minimum: 400, maximum: 599, example: 400 },
      detail: { type: 'string', example: 'Invalid fields: hostCountry.' },
      code: {
        type: 'string',
        pattern: '^[a-z0-9_]+$',
        example: 'validation_failed',
        description: 'Stable machine-readable code (the last segment of `type`, with underscores)',
      },
      instance: {
        type: 'string',
        example: '/v1/cases',
        description: 'The request path (no query)',
      },
      requestId: {
        type: 'string',
        example: '3f0c9a52-6c1e-4d8e-9c51-2f7b0c1d9e44',
        description: 'The X-Request-Id of the request',
      },
      errors: {
        type: 'array',
        items: { $ref: `#/components/schemas/${FIELD_ERROR_SCHEMA}` },
        description: 'validation_failed: one entry per invalid field',
      },
    },
    additionalProperties: true,
  },
};

export const PROBLEM_REF: ReferenceObject = { $ref: `#/components/schemas/${PROBLEM_SCHEMA}` };

export const RETRY_AFTER_HEADER: HeaderObject = {
  description: 'Seconds to wait before retrying',
  required: true,
  schema: { type: 'integer', minimum: 1 },
};

/** The error statuses the services answer (see libs/common/src/errors and http-pipeline). */
export type ProblemStatus = 400 | 401 | 403 | 404 | 406 | 409 | 413 | 415 | 429 | 503;

/** A status's problem response: its description, and the headers it carries. */
export function problemResponse(
  description: string,
  status?: number,
): {
  description: string;
  content: Record<string, { schema: ReferenceObject }>;
  headers?: Record<string, HeaderObject>;
} {
  return {
    description,
    content: { [PROBLEM_CONTENT_TYPE]: { schema: PROBLEM_REF } },
    ...(status === 429 || status === 503 ? { headers: { 'Retry-After': RETRY_AFTER_HEADER } } : {}),
  };
}

/**
 * Documents the route-specific error answers of a route, each an application/problem+json body
 * (the Problem component) with its description, e.g.
 *
 *   @ApiProblemResponses({ 404: 'No such case in your scope', 409: 'Stale version (stale_version)' })
 *
 * The answers every route shares (401, 403 and 429 of authenticated routes, 400, 413 and 415 of
 * routes with a body, 503 of every route) are added to the document by completeOpenApiDocument.
 */
export function ApiProblemResponses(
  responses: Partial<Record<ProblemStatus, string>>,
): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ...Object.entries(responses).map(([status, description]) =>
      ApiResponse({ status: Number(status), ...problemResponse(description, Number(status)) }),
    ),
  );
}
