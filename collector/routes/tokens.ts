import { randomBytes } from 'node:crypto';
import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { z } from 'zod';
import { Role } from '../../schema/index.js';
import { hashToken, type Store } from '../../store/index.js';
import { type Authorize, TOKEN_ID_LENGTH } from '../middleware/auth.js';

// Control, bidi and other invisible format characters: a token name is printed in terminals and the UI.
const UNPRINTABLE = /[\p{Cc}\p{Cf}\p{Cn}\p{Cs}\p{Zl}\p{Zp}]/u;

const CreateToken = z.object({
  name: z
    .string()
    .min(1)
    .max(128)
    .refine((s) => !UNPRINTABLE.test(s), 'control, bidi and invisible characters are not allowed in a name')
    .describe('Who or what uses the token, e.g. "ci runner" or "alice"'),
  role: Role,
});

/**
 * POST /api/tokens (the token is shown once), GET /api/tokens, DELETE /api/tokens/:id — admin only. Creation
 * and revocation go to the audit chain; a revocation takes effect in this process at once.
 */
export function tokenRoutes(deps: { store: Pick<Store, 'tokens' | 'audit'>; authorize: Authorize }) {
  const app = new Hono();
  app.post('/tokens', deps.authorize('manageTokens'), async (c) => {
    const body = CreateToken.safeParse(await c.req.json().catch(() => undefined));
    if (!body.success) throw new HTTPException(400, { message: 'invalid token request', cause: body.error });
    const token = `ward_${body.data.role}_${randomBytes(24).toString('base64url')}`;
    await deps.store.tokens.add(token, body.data.name, body.data.role);
    const id = hashToken(token).slice(0, TOKEN_ID_LENGTH);
    const actor = c.get('principal');
    await deps.store.audit.append({
      actor: actor.name,
      action: 'token.created',
      target: id,
      details: { name: body.data.name, role: body.data.role, by_token: actor.id },
    });
    return c.json(
      { token, id, name: body.data.name, role: body.data.role, note: 'shown once: Ward keeps only its hash' },
      201,
    );
  });
  app.get('/tokens', deps.authorize('manageTokens'), async (c) =>
    c.json({ tokens: await deps.store.tokens.list() }),
  );
  app.delete('/tokens/:id', deps.authorize('manageTokens'), async (c) => {
    const id = c.req.param('id');
    if (!/^[0-9a-f]{8,64}$/.test(id))
      throw new HTTPException(400, {
        message: 'a token id is 8 to 64 lowercase hex digits (see ward token list)',
      });
    const revoked = await deps.store.tokens.revokeById(id);
    if (!revoked) {
      throw new HTTPException(404, {
        message: 'no live token with that id (use at least 8 characters of the id)',
      });
    }
    deps.authorize.resolver.forget(revoked.id);
    const actor = c.get('principal');
    await deps.store.audit.append({
      actor: actor.name,
      action: 'token.revoked',
      target: revoked.id,
      details: { name: revoked.name, role: revoked.role, by_token: actor.id },
    });
    return c.body(null, 204);
  });
  return app;
}
