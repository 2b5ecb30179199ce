import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { GrantsQuery } from '../../schema/index.js';
import type { Store } from '../../store/index.js';
import type { ApprovalService } from '../approvals/index.js';
import type { Authorize } from '../middleware/auth.js';

/**
 * GET /api/grants?session=S&project=P: the live "always allow" grants a runner in S and P may use (a runner
 * gets only grants made from its own token's requests, whatever session or path it names).
 * DELETE /api/grants/:id: an analyst takes one back (audited).
 */
export function grantRoutes(deps: {
  service: ApprovalService;
  store: Pick<Store, 'grants' | 'audit'>;
  authorize: Authorize;
}) {
  const app = new Hono();
  app.get('/grants', deps.authorize('readGrants'), async (c) => {
    const q = GrantsQuery.safeParse(c.req.query());
    if (!q.success) throw new HTTPException(400, { message: 'invalid query', cause: q.error });
    if (!q.data.session && !q.data.project)
      throw new HTTPException(400, { message: 'give session, project or both' });
    return c.json({ grants: await deps.service.grants(q.data, c.get('principal')) });
  });
  app.delete('/grants/:id', deps.authorize('decideApproval'), async (c) => {
    const id = c.req.param('id');
    if (id.length > 128) throw new HTTPException(400, { message: 'grant id too long' });
    const grant = await deps.store.grants.revoke(id);
    if (!grant) throw new HTTPException(404, { message: `no live grant '${id}'` });
    await deps.store.audit.append({
      actor: c.get('principal').name,
      action: 'grant.revoked',
      target: id,
      details: JSON.stringify({
        scope: grant.scope,
        prefix: grant.prefix,
        session_id: grant.session_id,
        project: grant.project,
      }),
    });
    return c.body(null, 204);
  });
  return app;
}
