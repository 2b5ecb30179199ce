import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { EventsQuery, SessionsQuery } from '../../schema/index.js';
import type { Store } from '../../store/index.js';
import type { Authorize } from '../middleware/auth.js';

/** GET /api/events, /api/sessions, /api/sessions/:id */
export function eventRoutes(deps: { store: Pick<Store, 'events'>; authorize: Authorize }) {
  const app = new Hono();
  app.get('/events', deps.authorize('readEvents'), async (c) => {
    const q = EventsQuery.safeParse(c.req.query());
    if (!q.success) throw new HTTPException(400, { message: 'invalid query', cause: q.error });
    return c.json(await deps.store.events.query(q.data));
  });
  app.get('/sessions', deps.authorize('readEvents'), async (c) => {
    const q = SessionsQuery.safeParse(c.req.query());
    if (!q.success) throw new HTTPException(400, { message: 'invalid query', cause: q.error });
    return c.json({ sessions: await deps.store.events.sessions(q.data) });
  });
  app.get('/sessions/:id', deps.authorize('readEvents'), async (c) => {
    const id = c.req.param('id');
    if (id.length > 256) throw new HTTPException(400, { message: 'session id too long' });
    const timeline = await deps.store.events.session(id);
    if (!timeline) throw new HTTPException(404, { message: `no session '${id}'` });
    return c.json(timeline);
  });
  return app;
}
