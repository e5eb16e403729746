import type { OpenAPIObject } from '@nestjs/swagger';
import { validateEnvironment, CommonEnvironment } from '../config/environment';
import { completeOpenApiDocument, publicBaseUrl } from './openapi-document';

const PROBLEM = {
  'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } },
};

function documentWith(paths: OpenAPIObject['paths'], schemas = {}): OpenAPIObject {
  return {
    openapi: '3.0.0',
    info: { title: 't', version: '1' },
    paths,
    components: { schemas },
  };
}

describe('completeOpenApiDocument', () => {
  it('gives a @Public() operation no security and no 401/403/429, and only the 503 every route can get', () => {
    const doc = completeOpenApiDocument(
      documentWith({
        '/health/live': {
          get: { 'x-public': true, responses: { 200: { description: 'ok' } } } as never,
        },
      }),
    );
    const op = doc.paths['/health/live'].get!;
    expect(op.security).toEqual([]);
    expect(op).not.toHaveProperty('x-public');
    expect(Object.keys(op.responses).sort()).toEqual(['200', '503']);
    expect(op.responses[503]).toMatchObject({
      content: PROBLEM,
      headers: { 'Retry-After': { $ref: '#/components/headers/Retry-After' } },
    });
  });

  it('gives an authenticated operation with a body the bearer requirement and 400, 401, 403 (its roles), 413, 415, 429, 503', () => {
    const doc = completeOpenApiDocument(
      documentWith({
        '/v1/things': {
          post: {
            'x-roles': ['admin', 'consul'],
            requestBody: { content: { 'application/json': { schema: { type: 'object' } } } },
            responses: { 201: { description: 'created' }, 409: { description: 'taken' } },
          } as never,
        },
      }),
    );
    const op = doc.paths['/v1/things'].post!;
    expect(op.security).toEqual([{ bearer: [] }]);
    expect(Object.keys(op.responses).sort()).toEqual(
      ['201', '400', '401', '403', '409', '413', '415', '429', '503'].sort(),
    );
    expect(op.responses[403]).toMatchObject({
      description: 'Only admin, consul may use this route',
    });
    expect(op.responses[409]).toMatchObject({ description: 'taken', content: PROBLEM });
    expect(Object.keys((op.responses[201] as { headers: object }).headers).sort()).toEqual([
      'X-RateLimit-Limit',
      'X-RateLimit-Remaining',
      'X-RateLimit-Reset',
      'X-Request-Id',
    ]);
  });

  it('lets a nullable reference and a nullable enum be null', () => {
    const doc = completeOpenApiDocument(
      documentWith(
        {},
        {
          Thing: {
            type: 'object',
            properties: {
              money: {
                nullable: true,
                type: 'object',
                allOf: [{ $ref: '#/components/schemas/Money' }],
                description: 'd',
              },
              via: { type: 'string', nullable: true, enum: ['claim', 'handover'] },
            },
          },
        },
      ),
    );
    expect(doc.components!.schemas!.Thing).toEqual({
      type: 'object',
      properties: {
        money: {
          description: 'd',
          anyOf: [
            { $ref: '#/components/schemas/Money' },
            { type: 'object', nullable: true, enum: [null] },
          ],
        },
        via: { type: 'string', nullable: true, enum: ['claim', 'handover', null] },
      },
    });
  });
});

describe('the server of the document', () => {
  it('is HTTP_PUBLIC_BASE_URL without a trailing slash, else the local URL of the port', () => {
    expect(publicBaseUrl('https://casebridge.example/intake/', 3001)).toBe(
      'https://casebridge.example/intake',
    );
    expect(publicBaseUrl(undefined, 3002)).toBe('http://localhost:3002');
  });

  it('refuses an HTTP_PUBLIC_BASE_URL that is not an http(s) URL', () => {
    expect(() =>
      validateEnvironment(CommonEnvironment, { HTTP_PUBLIC_BASE_URL: 'casebridge.example' }),
    ).toThrow(/HTTP_PUBLIC_BASE_URL/);
    expect(
      validateEnvironment(CommonEnvironment, {
        HTTP_PUBLIC_BASE_URL: 'https://api.casebridge.example',
      }).HTTP_PUBLIC_BASE_URL,
    ).toBe('https://api.casebridge.example');
  });
});
