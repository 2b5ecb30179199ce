import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { OWN_ROWS_ONLY, type SessionRisk } from '../../schema/index.js';
import type { Store } from '../../store/index.js';
import type { Authorize } from '../middleware/auth.js';
import { createRiskView } from './risk-view.js';

/**
 * GET /api/risk?session=ID — the session's fused risk. Runners get the number only (the factors would tell a
 * hostile agent which of its actions were noticed), and only of what their own token sent into the session
 * (risk-view.ts: of a contested session, their own part). Analysts and admins read the whole session, and which
 * tokens sent it.
 */
export function riskRoutes(deps: { store: Pick<Store, 'analyzer' | 'events'>; authorize: Authorize }) {
  const app = new Hono();
  const view = createRiskView(deps.store);
  app.get('/risk', deps.authorize('readRisk'), async (c) => {
    const session = c.req.query('session') ?? '';
    if (session === '' || session.length > 256)
      throw new HTTPException(400, { message: 'session is required (at most 256 characters)' });
    const caller = c.get('principal');
    const unknown: SessionRisk = { session_id: session, risk: 0, factors: [] };
    if (!(OWN_ROWS_ONLY as readonly string[]).includes(caller.role)) {
      // Who sent the session: an approval names its session itself, so an agent could ask beside a calm session
      // of another agent's; the approvals view compares these with the requester (never shown to a runner).
      const [risk, senders] = await Promise.all([
        deps.store.analyzer.risk(session),
        deps.store.events.tokenSenders(session, true),
      ]);
      return c.json({ ...shown(risk ?? unknown), senders: senders.sort() });
    }
    return c.json(shown({ ...unknown, risk: (await view(session, caller)).shown }));
  });
  return app;
}

/** Shown as before (0) when the stored risk is not a number; the hook endpoint's gate takes it as unknown. */
function shown(r: SessionRisk): SessionRisk {
  return Number.isFinite(r.risk) ? r : { ...r, risk: 0 };
}
