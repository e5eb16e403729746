import { AsyncResource } from 'node:async_hooks';
import type { NextFunction, Request, Response } from 'express';
import { PROBLEM_CONTENT_TYPE, problemType } from '../errors/problem';

/**
 * Admission control: at most `maxInFlight` requests in progress per process, then a FIFO queue of
 * at most `maxQueued` requests, each waiting at most `maxQueueWaitMs` for a slot. Anything beyond
 * is shed at once (503 `overloaded`, `Retry-After`), before its body is read or its token checked,
 * so an overloaded service answers every client quickly instead of letting them all wait for a
 * database connection. (p-limit and p-queue have no bounded queue, no per-waiter deadline and no
 * way to withdraw one waiter; this is the counter and queue they would wrap.)
 */
export interface AdmissionLimits {
  maxInFlight: number;
  maxQueued: number;
  maxQueueWaitMs: number;
}

export type ShedReason = 'queue_full' | 'queue_timeout';

export interface AdmissionObserver {
  /** Called after every change of the in-flight or queued count. */
  changed?(inFlight: number, queued: number): void;
  shed?(reason: ShedReason): void;
}

/** A place taken by `enter`: release it when the request is done (or its client has gone). */
export interface AdmissionTicket {
  /** Frees the slot, or leaves the queue; idempotent, a no-op for a shed request. */
  release(): void;
}

interface Waiter {
  timer: NodeJS.Timeout;
  /** The slot is handed over to this waiter (the in-flight count stays). */
  take(): void;
}

const NOTHING_TO_RELEASE: AdmissionTicket = { release: () => undefined };

export class AdmissionController {
  private inFlight = 0;
  private readonly queue: Waiter[] = [];

  constructor(
    readonly limits: AdmissionLimits,
    private readonly observer: AdmissionObserver = {},
  ) {}

  get counts(): { inFlight: number; queued: number } {
    return { inFlight: this.inFlight, queued: this.queue.length };
  }

  /**
   * Asks for a slot. `admit` runs synchronously when one is free, or later, when a queued request
   * gets one (from a fresh tick, in the async context of the caller); `shed` runs instead when the
   * queue is full (synchronously) or the wait exceeds the limit. At most one of the two runs, and
   * neither once the ticket is released.
   */
  enter(admit: () => void, shed: (reason: ShedReason) => void): AdmissionTicket {
    if (this.inFlight < this.limits.maxInFlight && this.queue.length === 0) {
      this.inFlight++;
      this.notify();
      admit();
      return this.slot();
    }
    if (this.queue.length >= this.limits.maxQueued) {
      this.observer.shed?.('queue_full');
      shed('queue_full');
      return NOTHING_TO_RELEASE;
    }
    let state: 'queued' | 'admitted' | 'done' = 'queued';
    const admitLater = AsyncResource.bind(admit);
    const shedLater = AsyncResource.bind(shed);
    const waiter: Waiter = {
      timer: setTimeout(() => {
        state = 'done';
        this.remove(waiter);
        this.observer.shed?.('queue_timeout');
        shedLater('queue_timeout');
      }, this.limits.maxQueueWaitMs).unref(),
      take: () => {
        state = 'admitted';
        // Never inside the event handlers of the response that freed the slot.
        setImmediate(() => {
          if (state === 'admitted') admitLater();
        });
      },
    };
    this.queue.push(waiter);
    this.notify();
    return {
      release: () => {
        if (state === 'queued') this.remove(waiter);
        else if (state === 'admitted') this.handOver();
        state = 'done';
      },
    };
  }

  private slot(): AdmissionTicket {
    let held = true;
    return {
      release: () => {
        if (!held) return;
        held = false;
        this.handOver();
      },
    };
  }

  /** A slot is free: the oldest waiter takes it over, else the in-flight count drops. */
  private handOver(): void {
    const next = this.queue.shift();
    if (next) {
      clearTimeout(next.timer);
      next.take();
    } else {
      this.inFlight--;
    }
    this.notify();
  }

  private remove(waiter: Waiter): void {
    clearTimeout(waiter.timer);
    const i = this.queue.indexOf(waiter);
    if (i >= 0) this.queue.splice(i, 1);
    this.notify();
  }

  private notify(): void {
    this.observer.changed?.(this.inFlight, this.queue.length);
  }
}

/** Routes that are never queued or shed: orchestrators and operators must still see the service. */
export const ADMISSION_EXEMPT_PATHS: ReadonlySet<string> = new Set([
  '/health/live',
  '/health/ready',
  '/metrics',
]);

export function isAdmissionExempt(path: string): boolean {
  return ADMISSION_EXEMPT_PATHS.has(path.length > 1 ? path.replace(/\/+$/, '') : path);
}

/** Seconds a shed client is asked to wait. */
export const OVERLOAD_RETRY_AFTER_SECONDS = 1;

/**
 * The 503 of a shed request. The body is not read: Node discards (drains) an unread request body
 * after the response has finished, so the connection stays usable and the client reads the
 * response instead of a reset. No `Connection: close`: closing while the client still sends its
 * body is what would reset the connection.
 */
export function sendOverloaded(req: Request, res: Response): void {
  if (res.headersSent || res.destroyed) return;
  const body = JSON.stringify({
    type: problemType('overloaded'),
    title: 'Service unavailable',
    status: 503,
    detail: 'The service is at capacity; retry after the time given in Retry-After.',
    code: 'overloaded',
    instance: req.path,
    requestId: (req as Request & { id?: string }).id,
  });
  res.statusCode = 503;
  res.setHeader('Content-Type', PROBLEM_CONTENT_TYPE);
  res.setHeader('Retry-After', String(OVERLOAD_RETRY_AFTER_SECONDS));
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('Content-Length', Buffer.byteLength(body));
  res.end(body);
}

/**
 * The first middleware of the pipeline (after the request id and the latency timer): takes a
 * slot or a place in the queue, and frees it when the response has finished or the connection
 * has closed (a client that gave up), so no slot ever leaks.
 */
export function admissionControl(
  controller: AdmissionController,
  exempt: (path: string) => boolean = isAdmissionExempt,
): (req: Request, res: Response, next: NextFunction) => void {
  return (req, res, next) => {
    if (exempt(req.path)) {
      next();
      return;
    }
    const ticket = controller.enter(
      () => next(),
      () => sendOverloaded(req, res),
    );
    res.once('finish', ticket.release);
    res.once('close', ticket.release);
  };
}
