import type { ServerResponse } from 'node:http';
import type { Context, MiddlewareHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { createInProgressLimit } from './in-progress.js';

export interface HoldLimitOptions {
  /** Most held requests (long-polls, streams, waiting hooks) one token may have open at once. */
  perToken: number;
  /** Most held requests on this server at once. */
  total: number;
}

/**
 * Caps requests that hold a connection open (long-poll, SSE, a hook waiting for a human): per token and in
 * total, so one runner (or a stolen token) cannot pin the server's sockets and memory. A hold ends when the
 * response closes (the stream ends or the client goes away).
 */
export function createHoldLimit(opts: HoldLimitOptions) {
  // The same per-token count as the API's requests in progress (in-progress.ts), with a total beside it.
  const perToken = createInProgressLimit(opts.perToken);
  let total = 0;

  /** Takes a hold for the request's token until its response closes; a refusal message when over a cap. */
  function acquire(c: Context): { ok: true } | { ok: false; message: string } {
    const id = c.get('principal')?.id ?? 'anonymous';
    if (perToken.of(id) >= opts.perToken)
      return {
        ok: false,
        message: `this token already holds ${perToken.of(id)} waiting requests (limit ${opts.perToken}); close some or retry later`,
      };
    if (total >= opts.total)
      return {
        ok: false,
        message: `the server holds ${total} waiting requests (limit ${opts.total}); retry later`,
      };
    const releaseToken = perToken.take(id) as () => void;
    total++;
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      total--;
      releaseToken();
    };
    const outgoing = (c.env as { outgoing?: ServerResponse } | undefined)?.outgoing;
    // Over a socket the hold lasts until the response closes (a stream outlives the handler); in-process
    // (app.request, no socket) it ends with the handler.
    if (outgoing) outgoing.once('close', release);
    else c.set('releaseHold', release);
    return { ok: true };
  }

  /** Middleware: over a cap, 429 with Retry-After. */
  function holdLimit(): MiddlewareHandler {
    return async function limitHolds(c, next) {
      const got = acquire(c);
      if (!got.ok) {
        c.header('Retry-After', '5');
        throw new HTTPException(429, { message: got.message });
      }
      try {
        await next();
      } finally {
        c.get('releaseHold')?.();
      }
    };
  }
  return Object.assign(holdLimit, {
    acquire,
    /** Held requests now: in total, or for one token id. */
    held: (id?: string) => (id === undefined ? total : perToken.of(id)),
  });
}
export type HoldLimit = ReturnType<typeof createHoldLimit>;

declare module 'hono' {
  interface ContextVariableMap {
    releaseHold: () => void;
  }
}
