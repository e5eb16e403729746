import type { Server } from 'node:http';

/**
 * Connections a listening socket holds before the kernel refuses more (the kernel caps it at
 * net.core.somaxconn). Node's default is 511; a burst of new connections beyond the backlog is
 * dropped by the kernel and those clients never connect. Admission control answers quickly, so
 * the backlog only has to absorb the burst, not the service's slowness.
 */
export const LISTEN_BACKLOG = 4096;

export interface ServerSocketSettings {
  /** An idle keep-alive connection is closed after this; default 65 s. */
  keepAliveTimeoutMs?: number;
}

export const DEFAULT_KEEP_ALIVE_TIMEOUT_MS = 65_000;
/** Until the request's headers have arrived (Node's default, kept). */
export const HEADERS_TIMEOUT_MS = 60_000;
/** Until the whole request (headers and body) has arrived; Node's default is 300 s. */
export const REQUEST_TIMEOUT_MS = 60_000;

/**
 * Socket settings of the HTTP server, so that under overload no connection is reset or left
 * hanging:
 * - keep-alive connections stay open 65 s when idle: longer than clients' and load balancers'
 *   idle timeouts (typically 4–60 s), so the client, not the server, closes an idle connection,
 *   and never in the instant a request is sent on it (the server's close racing a client's
 *   reuse is the classic source of ECONNRESET);
 * - a request must have arrived whole within 60 s (not 300 s): a client that sends its body
 *   slowly cannot hold an admission slot for minutes;
 * - no `maxConnections`: Node destroys a connection beyond it at once, i.e. resets it, which is
 *   what admission control's 503 replaces.
 */
export function configureServerSockets(server: Server, settings: ServerSocketSettings = {}): void {
  server.keepAliveTimeout = settings.keepAliveTimeoutMs ?? DEFAULT_KEEP_ALIVE_TIMEOUT_MS;
  server.headersTimeout = HEADERS_TIMEOUT_MS;
  server.requestTimeout = REQUEST_TIMEOUT_MS;
}
