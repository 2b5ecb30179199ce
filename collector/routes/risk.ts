import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { OWN_ROWS_ONLY, type SessionRisk } from '../../schema/index.js';
import type { Store } from '../../store/index.js';
import type { Authorize } from '../middleware/auth.js';

/**
 * GET /api/risk?session=ID — the session's fused risk. Runners get the number only (the factors would tell a
 * hostile agent which of its actions were noticed), and only of what their own token sent into the session (with
 * the tokenless events: loopback ingest, the server's own): of a session it sent nothing into, what an unknown
 * session gets. Session ids are the clients' to choose, so another token may have named the session too, before
 * or after (an agent holding its runner's token, under an id it predicts): the session is then contested and each
 * token reads the risk the analyzer found in its own events (session_sender_risk), never what the other's add.
 * Analysts and admins read the whole session.
 */
export function riskRoutes(deps: { store: Pick<Store, 'analyzer' | 'events'>; authorize: Authorize }) {
  const app = new Hono();
  app.get('/risk', deps.authorize('readRisk'), async (c) => {
    const session = c.req.query('session') ?? '';
    if (session === '' || session.length > 256)
      throw new HTTPException(400, { message: 'session is required (at most 256 characters)' });
    const caller = c.get('principal');
    const unknown: SessionRisk = { session_id: session, risk: 0, factors: [] };
    const whole = async () => (await deps.store.analyzer.risk(session)) ?? unknown;
    if (!(OWN_ROWS_ONLY as readonly string[]).includes(caller.role)) return c.json(shown(await whole()));
    const senders = await deps.store.events.tokenSenders(session);
    if (!senders.includes(caller.id)) return c.json(unknown);
    // The only token of the session: its whole risk is what its own (and tokenless) events justify.
    if (senders.length === 1) return c.json({ ...shown(await whole()), factors: [] });
    const own = await deps.store.analyzer.senderRisk(session, caller.id);
    return c.json(shown({ ...unknown, risk: own ?? 0 }));
  });
  return app;
}

/** Shown as before (0) when the stored risk is not a number; the hook endpoint's gate takes it as unknown. */
function shown(r: SessionRisk): SessionRisk {
  return Number.isFinite(r.risk) ? r : { ...r, risk: 0 };
}
