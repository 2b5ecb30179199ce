import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { GrantsQuery } from '../../schema/index.js';
import type { ApprovalService } from '../approvals/index.js';
import type { Authorize } from '../middleware/auth.js';

/** GET /api/grants?session=S&project=P: the live "always allow" grants a runner in S and P may use. */
export function grantRoutes(deps: { service: ApprovalService; authorize: Authorize }) {
  const app = new Hono();
  app.get('/grants', deps.authorize('readGrants'), async (c) => {
    const q = GrantsQuery.safeParse(c.req.query());
    if (!q.success) throw new HTTPException(400, { message: 'invalid query', cause: q.error });
    if (!q.data.session && !q.data.project)
      throw new HTTPException(400, { message: 'give session, project or both' });
    return c.json({ grants: await deps.service.grants(q.data) });
  });
  return app;
}
