/** RFC 9457 problem details, the body of every error response. */
export interface FieldError {
  field: string;
  message: string;
}

export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  /** Stable machine-readable code; survives crossing a process. */
  code: string;
  requestId?: string;
  errors?: FieldError[];
  [extension: string]: unknown;
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';
const PROBLEM_BASE = 'https://casebridge.example/problems/';

export function problemType(code: string): string {
  return `${PROBLEM_BASE}${code.replace(/_/g, '-')}`;
}

/** An error a domain service raises on purpose; mapped to problem+json by the filter. */
export class DomainProblem extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly title: string,
    readonly detail: string,
    readonly extensions: Record<string, unknown> = {},
  ) {
    super(detail);
    this.name = 'DomainProblem';
  }
}

export class ValidationProblem extends DomainProblem {
  constructor(
    readonly fieldErrors: FieldError[],
    detail = 'The request has invalid fields.',
  ) {
    super(400, 'validation_failed', 'Invalid request', detail, { errors: fieldErrors });
  }
}
