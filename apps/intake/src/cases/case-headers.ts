import type { Response } from 'express';
import { AuthUser, ValidationProblem } from '@casebridge/common';
import type { CaseResponse } from './dto/case.response';

const IDEMPOTENCY_KEY = /^[A-Za-z0-9._:-]{8,128}$/;

/** The `Idempotency-Key` header checked: well-formed when sent, and sent by integrations. */
export function idempotencyKeyOf(user: AuthUser, header: string | undefined): string | undefined {
  if (header !== undefined && !IDEMPOTENCY_KEY.test(header)) {
    throw new ValidationProblem(
      [{ field: 'Idempotency-Key', message: 'must be 8–128 characters of [A-Za-z0-9._:-]' }],
      'Invalid Idempotency-Key header.',
    );
  }
  if (header === undefined && user.roles.every((r) => r === 'integration')) {
    throw new ValidationProblem(
      [{ field: 'Idempotency-Key', message: 'is required for integration clients' }],
      'Integrations must send an Idempotency-Key header.',
    );
  }
  return header;
}

/** `If-Match: "3"` (or W/"3", or 3) → 3. */
export function ifMatchVersion(header: string | undefined): number | undefined {
  if (header === undefined) return undefined;
  const match = /^\s*(?:W\/)?"?(\d{1,9})"?\s*$/.exec(header);
  if (!match) {
    throw new ValidationProblem(
      [{ field: 'If-Match', message: 'must be the case version, e.g. "3"' }],
      'Invalid If-Match header.',
    );
  }
  return Number(match[1]);
}

/** The ETag header of every answer carrying a case, for the OpenAPI document. */
export const CASE_ETAG_HEADER = {
  ETag: {
    description: 'The case version, e.g. "4": send it as If-Match with the next change',
    required: true,
    schema: { type: 'string', pattern: '^"\\d+"$' },
  },
};

/** Answers with the case's version as its ETag (the If-Match of the next transition). */
export function withEtag(res: Response, c: CaseResponse): CaseResponse {
  res.setHeader('ETag', `"${c.version}"`);
  return c;
}
