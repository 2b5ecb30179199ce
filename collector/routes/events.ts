import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { EventsQuery, SessionsQuery } from '../../schema/index.js';
import type { Store } from '../../store/index.js';
import type { Authorize } from '../middleware/auth.js';

/** GET /api/events, /api/events/:id/raw, /api/sessions, /api/sessions/:id */
export function eventRoutes(deps: { store: Pick<Store, 'events' | 'raw'>; authorize: Authorize }) {
  const app = new Hono();
  app.get('/events', deps.authorize('readEvents'), async (c) => {
    const q = EventsQuery.safeParse(c.req.query());
    if (!q.success) throw new HTTPException(400, { message: 'invalid query', cause: q.error });
    return c.json(await deps.store.events.query(q.data));
  });
  // The event and the raw OTel row(s) it was normalized from, for an analyst who wants the source.
  app.get('/events/:id/raw', deps.authorize('readEvents'), async (c) => {
    const id = c.req.param('id');
    if (id.length > 128) throw new HTTPException(400, { message: 'event id too long' });
    const event = await deps.store.events.byId(id);
    if (!event) throw new HTTPException(404, { message: `no event '${id}'` });
    const raw = await deps.store.raw.linked({
      table: event.raw_table,
      time: event.raw_time,
      traceId: event.trace_id,
      spanId: event.span_id,
    });
    return c.json({ event, raw_table: event.raw_table, raw });
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
