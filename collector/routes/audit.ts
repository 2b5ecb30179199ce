import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { Store } from '../../store/index.js';
import type { Authorize } from '../middleware/auth.js';
import { optionalPeriod } from './period-query.js';

/**
 * The audit trail for compliance officers and admins: GET /api/audit (records, cursor-paged),
 * GET /api/audit/verify (walks the chains after signing this writer's head), GET /api/audit/pubkey and
 * GET /api/retention.
 */
export function auditRoutes(deps: {
  store: Pick<Store, 'audit' | 'retention' | 'signer'>;
  authorize: Authorize;
}) {
  const app = new Hono();
  const read = deps.authorize('readAudit');
  app.get('/audit', read, async (c) => {
    const limitText = c.req.query('limit') ?? '100';
    const limit = Number(limitText);
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000)
      throw new HTTPException(400, { message: 'limit must be an integer 1..1000' });
    const cursor = c.req.query('cursor');
    if (cursor !== undefined && cursor.length > 512)
      throw new HTTPException(400, { message: 'cursor too long' });
    const page = await deps.store.audit.page({
      ...optionalPeriod(c.req.query('from'), c.req.query('to')),
      limit,
      cursor,
    });
    return c.json(page);
  });
  app.get('/audit/verify', read, async (c) => {
    await deps.store.audit.checkpoint();
    return c.json(await deps.store.audit.verify(optionalPeriod(c.req.query('from'), c.req.query('to'))));
  });
  app.get('/audit/pubkey', read, (c) =>
    c.json({
      key_id: deps.store.signer.keyId,
      public_key: deps.store.signer.publicKey,
      pem: deps.store.signer.publicKeyPem,
    }),
  );
  app.get('/retention', read, async (c) => c.json({ tables: await deps.store.retention.status() }));
  return app;
}
