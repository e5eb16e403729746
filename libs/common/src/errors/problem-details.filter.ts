import {
  ArgumentsHost,
  Catch,
  ExceptionFilter,
  HttpException,
  HttpStatus,
  Logger,
} from '@nestjs/common';
import { ThrottlerException } from '@nestjs/throttler';
import type { Request, Response } from 'express';
import { DomainProblem, PROBLEM_CONTENT_TYPE, ProblemDetails, problemType } from './problem';
import { databaseInputError, sqlState } from './database';
import { isInfrastructureUnavailable } from './infrastructure';

const TITLES: Record<number, string> = {
  400: 'Bad request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not found',
  405: 'Method not allowed',
  406: 'Not acceptable',
  409: 'Conflict',
  413: 'Payload too large',
  415: 'Unsupported media type',
  422: 'Unprocessable content',
  428: 'Precondition required',
  429: 'Too many requests',
  503: 'Service unavailable',
};

const CODES: Record<number, string> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  406: 'not_acceptable',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  428: 'precondition_required',
  429: 'rate_limited',
  503: 'service_unavailable',
};

/** Maps every error to application/problem+json. Internal details never reach the client. */
export function toProblem(exception: unknown): ProblemDetails {
  if (exception instanceof DomainProblem) {
    // Extensions first: they can add members but never replace the standard ones.
    return {
      ...exception.extensions,
      type: problemType(exception.code),
      title: exception.title,
      status: exception.status,
      detail: exception.detail,
      code: exception.code,
    };
  }
  if (exception instanceof ThrottlerException) {
    return {
      type: problemType('rate_limited'),
      title: TITLES[429],
      status: 429,
      detail: 'Too many requests; retry after the time given in Retry-After.',
      code: 'rate_limited',
    };
  }
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    const body = exception.getResponse();
    const message =
      typeof body === 'string'
        ? body
        : typeof body === 'object' && body !== null && 'message' in body
          ? String(body.message)
          : exception.message;
    const code = CODES[status] ?? (status >= 500 ? 'internal_error' : 'client_error');
    // The router's "Cannot GET /path?query" would echo the request's URL (and query values).
    if (status === 404 && !(exception instanceof DomainProblem) && message.startsWith('Cannot ')) {
      return {
        type: problemType(code),
        title: TITLES[404],
        status,
        detail: 'No route matches this method and path.',
        code,
      };
    }
    const extra =
      status === 503 && typeof body === 'object' && body !== null && 'details' in body
        ? { checks: body.details }
        : {};
    return {
      type: problemType(code),
      title: TITLES[status] ?? HttpStatus[status] ?? 'Error',
      status,
      detail: status === 503 && extra.checks ? 'A dependency is unavailable.' : message,
      code,
      ...extra,
    };
  }
  if (isInfrastructureUnavailable(exception)) {
    return {
      type: problemType('service_unavailable'),
      title: TITLES[503],
      status: 503,
      detail: 'A dependency (database or broker) is unavailable; retry shortly.',
      code: 'service_unavailable',
    };
  }
  const input = databaseInputError(exception);
  if (input) {
    return { type: problemType(input.code), ...input };
  }
  return {
    type: problemType('internal_error'),
    title: 'Internal error',
    status: 500,
    detail: 'An unexpected error occurred; it has been logged.',
    code: 'internal_error',
  };
}

@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const res = ctx.getResponse<Response>();
    const req = ctx.getRequest<Request & { id?: string }>();
    const problem = toProblem(exception);
    problem.instance = (req.originalUrl ?? req.url ?? '').split('?')[0];
    problem.requestId = req.id;
    if (problem.code === 'invalid_value' || (problem.status === 409 && sqlState(exception))) {
      // A value validation should have refused first: worth a look, but PostgreSQL's message
      // quotes the value, so only the SQLSTATE is logged.
      this.logger.warn(
        { err: { type: (exception as Error)?.name, code: sqlState(exception) } },
        'database refused a request value',
      );
    } else if (problem.status >= 500) {
      const err = exception as { name?: string; code?: string; message?: string; stack?: string };
      // Error messages of our code and drivers, never request data: no personal data in logs.
      this.logger.error(
        { err: { type: err?.name, code: err?.code, message: err?.message }, stack: err?.stack },
        'request failed',
      );
    }
    if (problem.status === 503) res.setHeader('Retry-After', '5');
    if (res.headersSent) return;
    res.status(problem.status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(problem));
  }
}
