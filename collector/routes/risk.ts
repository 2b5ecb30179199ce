import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { Store } from '../../store/index.js';
import type { Authorize } from '../middleware/auth.js';

/**
 * GET /api/risk?session=ID — the session's fused risk. Runners get the number only: the factors would tell a
 * hostile agent which of its actions were noticed.
 */
export function riskRoutes(deps: { store: Pick<Store, 'analyzer'>; authorize: Authorize }) {
  const app = new Hono();
  app.get('/risk', deps.authorize('readRisk'), async (c) => {
    const session = c.req.query('session') ?? '';
    if (session === '' || session.length > 256)
      throw new HTTPException(400, { message: 'session is required (at most 256 characters)' });
    const found = (await deps.store.analyzer.risk(session)) ?? { session_id: session, risk: 0, factors: [] };
    // Shown as before (0) when the stored risk is not a number; the hook endpoint's gate takes it as unknown.
    const r = Number.isFinite(found.risk) ? found : { ...found, risk: 0 };
    return c.json(c.get('principal').role === 'runner' ? { ...r, factors: [] } : r);
  });
  return app;
}
