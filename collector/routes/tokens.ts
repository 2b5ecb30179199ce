import { randomBytes } from 'node:crypto';
import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { z } from 'zod';
import { Role } from '../../schema/index.js';
import type { Store } from '../../store/index.js';
import type { Authorize } from '../middleware/auth.js';

const CreateToken = z.object({
  name: z.string().min(1).max(128).describe('Who or what uses the token, e.g. "ci runner" or "alice"'),
  role: Role,
});

/** POST /api/tokens (the token is shown once), GET /api/tokens, DELETE /api/tokens/:id — admin only. */
export function tokenRoutes(deps: { store: Pick<Store, 'tokens'>; authorize: Authorize }) {
  const app = new Hono();
  app.post('/tokens', deps.authorize('manageTokens'), async (c) => {
    const body = CreateToken.safeParse(await c.req.json().catch(() => undefined));
    if (!body.success) throw new HTTPException(400, { message: 'invalid token request', cause: body.error });
    const token = `ward_${body.data.role}_${randomBytes(24).toString('base64url')}`;
    await deps.store.tokens.add(token, body.data.name, body.data.role);
    return c.json(
      { token, name: body.data.name, role: body.data.role, note: 'shown once: Ward keeps only its hash' },
      201,
    );
  });
  app.get('/tokens', deps.authorize('manageTokens'), async (c) =>
    c.json({ tokens: await deps.store.tokens.list() }),
  );
  app.delete('/tokens/:id', deps.authorize('manageTokens'), async (c) => {
    if (!(await deps.store.tokens.revokeById(c.req.param('id')))) {
      throw new HTTPException(404, {
        message: 'no live token with that id (use at least 8 characters of the id)',
      });
    }
    return c.body(null, 204);
  });
  return app;
}
