import { Hono } from 'hono';

export interface HealthDeps {
  check: () => Promise<void>;
  stats: () => Record<string, unknown> | Promise<Record<string, unknown>>;
}

/** GET /healthz: 200 when the store answers, 503 otherwise. No auth, no secrets. */
export function healthRoutes(deps: HealthDeps) {
  const app = new Hono();
  app.get('/healthz', async (c) => {
    try {
      await deps.check();
      return c.json({ status: 'ok', ...(await deps.stats()) });
    } catch (err) {
      return c.json({ status: 'unavailable', error: err instanceof Error ? err.message : String(err) }, 503);
    }
  });
  return app;
}
