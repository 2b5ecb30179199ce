import type { Server } from 'node:http';
import { closeSilentSockets } from './silent-sockets.js';

/** Timeouts that stop slow or held connections from tying up the server (slowloris). */
export const CONNECTION_LIMITS = {
  /** Whole request head (request line and headers) must arrive within this. */
  headersTimeoutMs: 10_000,
  /** Whole request (head and body) must arrive within this; responses (SSE, long polls) are not limited. */
  requestTimeoutMs: 60_000,
  /** An idle keep-alive connection is closed after this. */
  keepAliveTimeoutMs: 5_000,
  /** Request headers accepted per request. */
  maxHeadersCount: 100,
} as const;

/** What `ward serve` configures of them (collector/config.ts `limits`), and the socket ceiling. */
export interface ServerLimits {
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  maxConnections: number;
}

/**
 * Applies CONNECTION_LIMITS to a Node HTTP(S) server, `limits` over them when given: deadlines for headers and
 * whole requests, a socket ceiling, and silent sockets closed before the ceiling is reached.
 */
export function limitConnections(server: Server, limits?: ServerLimits): void {
  server.headersTimeout = limits?.headersTimeoutMs ?? CONNECTION_LIMITS.headersTimeoutMs;
  server.requestTimeout = limits?.requestTimeoutMs ?? CONNECTION_LIMITS.requestTimeoutMs;
  server.keepAliveTimeout = CONNECTION_LIMITS.keepAliveTimeoutMs;
  server.maxHeadersCount = CONNECTION_LIMITS.maxHeadersCount;
  if (limits) {
    server.maxConnections = limits.maxConnections;
    closeSilentSockets(server, limits.maxConnections);
  }
}

/** Resolves once the server listens; rejects with `refusal(err)` when it cannot (a port in use). */
export function listening(server: Server, refusal: (err: NodeJS.ErrnoException) => Error): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', (err: NodeJS.ErrnoException) => reject(refusal(err)));
  });
}
