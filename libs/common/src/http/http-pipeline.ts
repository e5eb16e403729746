import type { Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { NextFunction, Request, Response } from 'express';
import express from 'express';
import { PROBLEM_CONTENT_TYPE, problemType } from '../errors/problem';
import { correlationIdFrom, runWithCorrelation } from '../logging/correlation';
import { jsonLimitExceeded, MAX_JSON_DEPTH, MAX_JSON_KEYS } from './json-limits';

type Middleware = (req: Request, res: Response, next: NextFunction) => void;
type ErrorMiddleware = (err: unknown, req: Request, res: Response, next: NextFunction) => void;

function sendProblem(
  res: Response,
  req: Request,
  status: number,
  code: string,
  title: string,
  detail: string,
): void {
  res
    .status(status)
    .type(PROBLEM_CONTENT_TYPE)
    .send(
      JSON.stringify({
        type: problemType(code),
        title,
        status,
        detail,
        code,
        instance: req.path,
        requestId: (req as Request & { id?: string }).id,
      }),
    );
}

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);

/** Assigns the request id (the correlation id of everything the request causes). */
export const requestId: Middleware = (req, res, next) => {
  const id = correlationIdFrom(req.headers['x-correlation-id'] ?? req.headers['x-request-id']);
  (req as Request & { id?: string }).id = id;
  res.setHeader('X-Request-Id', id);
  next();
};

/** 415 for a request body that is not JSON. */
export const requireJsonBody: Middleware = (req, res, next) => {
  const hasBody =
    Number(req.headers['content-length'] ?? 0) > 0 ||
    req.headers['transfer-encoding'] !== undefined;
  if (
    BODY_METHODS.has(req.method) &&
    hasBody &&
    !req.is(['application/json', 'application/*+json'])
  ) {
    sendProblem(
      res,
      req,
      415,
      'unsupported_media_type',
      'Unsupported media type',
      'Send the body as application/json.',
    );
    return;
  }
  next();
};

/** Raised before parsing for a body nested too deep or with too many keys (see json-limits.ts). */
class JsonShapeError extends Error {
  readonly status = 400;
  constructor(readonly type: 'entity.too.deep' | 'entity.too.many.keys' | 'charset.unsupported') {
    super(type);
  }
}

/**
 * Parses JSON bodies up to `limit` bytes. Before parsing, refuses bodies that are not UTF-8 (RFC
 * 8259; the shape check reads UTF-8 bytes) and bodies whose nesting or key count exceeds the
 * limits, so no later recursive walk can run out of stack.
 */
export function jsonBody(limit: string): Middleware {
  return express.json({
    limit,
    strict: true,
    type: ['application/json', 'application/*+json'],
    verify: (_req, _res, buf, encoding) => {
      if (encoding.toLowerCase() !== 'utf-8' && encoding.toLowerCase() !== 'utf8')
        throw new JsonShapeError('charset.unsupported');
      const exceeded = jsonLimitExceeded(buf);
      if (exceeded === 'depth') throw new JsonShapeError('entity.too.deep');
      if (exceeded === 'keys') throw new JsonShapeError('entity.too.many.keys');
    },
  });
}

/** Turns body-parser failures into problem+json: malformed JSON 400, too large 413, bad charset 415. */
export const bodyErrors: ErrorMiddleware = (err, req, res, next) => {
  const e = err as { type?: string; status?: number };
  switch (e?.type) {
    case 'entity.parse.failed':
      return sendProblem(
        res,
        req,
        400,
        'malformed_json',
        'Malformed JSON',
        'The request body is not valid JSON.',
      );
    case 'entity.too.deep':
      return sendProblem(
        res,
        req,
        400,
        'json_too_deep',
        'JSON nested too deep',
        `The request body nests arrays and objects more than ${MAX_JSON_DEPTH} levels deep.`,
      );
    case 'entity.too.many.keys':
      return sendProblem(
        res,
        req,
        400,
        'json_too_many_keys',
        'JSON has too many keys',
        `The request body has more than ${MAX_JSON_KEYS} object keys.`,
      );
    case 'entity.too.large':
      return sendProblem(
        res,
        req,
        413,
        'payload_too_large',
        'Payload too large',
        'The request body exceeds the size limit.',
      );
    case 'charset.unsupported':
    case 'encoding.unsupported':
      return sendProblem(
        res,
        req,
        415,
        'unsupported_media_type',
        'Unsupported media type',
        'Send the body as UTF-8 JSON.',
      );
    case 'request.aborted':
    case 'request.size.invalid':
      return sendProblem(
        res,
        req,
        400,
        'bad_request',
        'Bad request',
        'The request body was incomplete.',
      );
    default:
      if (e?.status && e.status >= 400 && e.status < 500) {
        return sendProblem(
          res,
          req,
          e.status,
          'bad_request',
          'Bad request',
          'The request could not be read.',
        );
      }
      next(err);
  }
};

/** Runs the rest of the request inside its correlation context (after body parsing, which loses it). */
export const correlationContext: Middleware = (req, _res, next) => {
  const traceparent =
    typeof req.headers['traceparent'] === 'string' ? req.headers['traceparent'] : undefined;
  runWithCorrelation({ correlationId: (req as Request & { id: string }).id, traceparent }, next);
};

/**
 * Requests Node's HTTP parser refuses before Express sees them (headers over the size limit, a
 * malformed request line) get a problem+json answer too, instead of Node's bare 400/431.
 */
export function answerClientErrors(server: Server): void {
  server.on('clientError', (err: Error & { code?: string }, socket: Duplex) => {
    if (!socket.writable || (socket as Duplex & { _httpMessage?: unknown })._httpMessage) {
      socket.destroy();
      return;
    }
    const tooLarge = err.code === 'HPE_HEADER_OVERFLOW';
    const status = tooLarge ? 431 : 400;
    const code = tooLarge ? 'request_header_fields_too_large' : 'bad_request';
    const body = JSON.stringify({
      type: problemType(code),
      title: tooLarge ? 'Request header fields too large' : 'Bad request',
      status,
      detail: tooLarge
        ? 'The request line or headers exceed the size limit.'
        : 'The request could not be parsed as HTTP.',
      code,
    });
    socket.end(
      `HTTP/1.1 ${status} ${tooLarge ? 'Request Header Fields Too Large' : 'Bad Request'}\r\n` +
        `Content-Type: ${PROBLEM_CONTENT_TYPE}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
        `Connection: close\r\n\r\n${body}`,
    );
  });
}
