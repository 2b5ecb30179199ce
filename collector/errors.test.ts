import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { EngineBusyError, EngineUnavailableError } from '../store/index.js';
import { createErrorHandler } from './errors.js';

// A saturated or restarting store is a retryable 503 with Retry-After and a clear message, never a 500 or
// a crash: a runner waiting on it fails closed and retries, an exporter backs off.
describe('store back-pressure as HTTP', () => {
  for (const [name, err, retry] of [
    ['busy', new EngineBusyError("the engine's insert queue holds 64 MiB: retry later"), '1'],
    ['restarting', new EngineUnavailableError('the embedded ClickHouse engine is restarting: retry'), '2'],
  ] as const) {
    it(`${name} → 503 + Retry-After ${retry}`, async () => {
      const logged: string[] = [];
      const app = new Hono();
      app.onError(createErrorHandler((m) => logged.push(m)));
      app.get('/x', () => {
        throw err;
      });
      const res = await app.request('/x');
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe(retry);
      expect(((await res.json()) as { error: string }).error).toBe(`store unavailable: ${err.message}`);
      expect(logged).toEqual([]);
    });
  }
});
