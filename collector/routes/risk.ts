import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { OWN_ROWS_ONLY } from '../../schema/index.js';
import type { Store } from '../../store/index.js';
import type { Authorize } from '../middleware/auth.js';

/**
 * GET /api/risk?session=ID — the session's fused risk. Runners get the number only (the factors would tell a
 * hostile agent which of its actions were noticed), and only of a session their token started: of any other,
 * what an unknown session gets (an agent holds its runner's token and would learn whether other runners' sessions
 * were noticed).
 */
export function riskRoutes(deps: { store: Pick<Store, 'analyzer' | 'events'>; authorize: Authorize }) {
  const app = new Hono();
  app.get('/risk', deps.authorize('readRisk'), async (c) => {
    const session = c.req.query('session') ?? '';
    if (session === '' || session.length > 256)
      throw new HTTPException(400, { message: 'session is required (at most 256 characters)' });
    const caller = c.get('principal');
    const ownOnly = (OWN_ROWS_ONLY as readonly string[]).includes(caller.role);
    const unknown = { session_id: session, risk: 0, factors: [] };
    if (ownOnly && (await deps.store.events.firstSender(session)) !== caller.id) return c.json(unknown);
    const found = (await deps.store.analyzer.risk(session)) ?? unknown;
    // Shown as before (0) when the stored risk is not a number; the hook endpoint's gate takes it as unknown.
    const r = Number.isFinite(found.risk) ? found : { ...found, risk: 0 };
    return c.json(ownOnly ? { ...r, factors: [] } : r);
  });
  return app;
}
