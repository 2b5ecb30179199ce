import type { MiddlewareHandler } from 'hono';

/**
 * When the JSON API last took a request: `ward serve` lets its analyzer take a smaller share of the machine
 * while analysts are reading (the analyzer's scoring runs on the thread that answers them). Only the time is
 * kept, so whatever arrives, nothing grows.
 */
export function createApiActivity(now: () => number = Date.now) {
  let last = Number.NEGATIVE_INFINITY;
  // Noted when the request is answered, and only when its credentials were accepted: anyone who can reach the
  // port could otherwise keep the analyzer at its smallest share with requests that carry no token at all.
  const middleware: MiddlewareHandler = async (c, next) => {
    await next();
    if (c.res.status !== 401) last = now();
  };
  return {
    middleware,
    /** True when an API request started within the last `ms` milliseconds. */
    recent: (ms: number): boolean => now() - last <= ms,
  };
}
export type ApiActivity = ReturnType<typeof createApiActivity>;
