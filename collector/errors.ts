import type { ErrorHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { ZodError } from 'zod';
import { EngineBusyError, EngineUnavailableError } from '../store/index.js';

/** The one place an error becomes a response: `{ error, details? }` JSON with a deliberate status. */
export function createErrorHandler(log: (msg: string) => void): ErrorHandler {
  return (err, c) => {
    if (err instanceof HTTPException) {
      if (err.res) return err.res; // a handler built a protocol-specific body (OTLP Status)
      return c.json({ error: err.message, details: causeDetails(err.cause) }, err.status);
    }
    if (err instanceof ZodError) {
      return c.json(
        {
          error: 'invalid request',
          details: err.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
        },
        400,
      );
    }
    if (err instanceof RangeError) return c.json({ error: err.message }, 400);
    // The store is saturated or restarting: a clear, retryable answer (a runner waiting on it fails closed).
    if (err instanceof EngineBusyError || err instanceof EngineUnavailableError) {
      c.header('retry-after', String(err.retryAfterSeconds));
      return c.json({ error: `store unavailable: ${err.message}` }, 503);
    }
    log(
      `internal error on ${c.req.method} ${c.req.path}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`,
    );
    return c.json({ error: 'internal error' }, 500 as ContentfulStatusCode);
  };
}

function causeDetails(cause: unknown): unknown {
  if (cause instanceof ZodError)
    return cause.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
  return undefined;
}
