import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { AlertBulkStatusChange, AlertStatusChange, AlertsQuery } from '../../schema/index.js';
import type { Store } from '../../store/index.js';
import type { AlertWorkflow } from '../alerts/workflow.js';
import type { Authorize } from '../middleware/auth.js';

function alertIdParam(id: string): string {
  if (!/^[A-Za-z0-9_-]{1,128}$/.test(id)) throw new HTTPException(400, { message: 'not an alert id' });
  return id;
}

async function jsonBody(c: { req: { json(): Promise<unknown> } }): Promise<unknown> {
  try {
    return await c.req.json();
  } catch {
    throw new HTTPException(400, { message: 'body must be JSON' });
  }
}

/** GET /api/alerts, GET /api/alerts/:id, POST /api/alerts/:id/status, POST /api/alerts/bulk-status */
export function alertRoutes(deps: {
  store: Pick<Store, 'alerts'>;
  authorize: Authorize;
  workflow: AlertWorkflow;
}) {
  const app = new Hono();
  app.get('/alerts', deps.authorize('readAlerts'), async (c) => {
    const q = AlertsQuery.safeParse(c.req.query());
    if (!q.success) throw new HTTPException(400, { message: 'invalid query', cause: q.error });
    return c.json(await deps.store.alerts.list(q.data));
  });
  app.get('/alerts/:id', deps.authorize('readAlerts'), async (c) => {
    const id = alertIdParam(c.req.param('id'));
    const alert = await deps.store.alerts.get(id);
    if (!alert) throw new HTTPException(404, { message: `no alert '${id}'` });
    return c.json({ alert, events: await deps.store.alerts.evidence(alert.event_ids) });
  });
  app.post('/alerts/bulk-status', deps.authorize('triageAlerts'), async (c) => {
    const body = AlertBulkStatusChange.safeParse(await jsonBody(c));
    if (!body.success) throw new HTTPException(400, { message: 'invalid body', cause: body.error });
    const { ids, ...change } = body.data;
    return c.json({ updated: await deps.workflow.bulk(ids, change, c.get('principal').name) });
  });
  app.post('/alerts/:id/status', deps.authorize('triageAlerts'), async (c) => {
    const id = alertIdParam(c.req.param('id'));
    const body = AlertStatusChange.safeParse(await jsonBody(c));
    if (!body.success) throw new HTTPException(400, { message: 'invalid body', cause: body.error });
    const alert = await deps.workflow.change(id, body.data, c.get('principal').name);
    if (!alert) throw new HTTPException(404, { message: `no alert '${id}'` });
    return c.json({ alert });
  });
  return app;
}
