import type { Context } from 'hono';
import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { z } from 'zod';
import type { Authorize, Principal } from '../middleware/auth.js';
import {
  type BrowserSessions,
  isSameOrigin,
  readSessionCookie,
  sessionCookie,
} from '../middleware/browser-session.js';

const LoginBody = z.object({
  token: z.string().min(1).max(512).describe('An API token (admin, analyst, …)'),
});

/** Cookie lifetime handed to the browser; the server's own limits (idle, absolute) are what end a session. */
const COOKIE_MAX_AGE_S = 24 * 3600;

export interface LoginDeps {
  authorize: Authorize;
  sessions: BrowserSessions;
  /** API groups this server has (alerts, overview, …), so the UI calls only what exists. */
  features?: () => string[];
  /** The audit trail: each browser login and logout is recorded (a failing append refuses the login). */
  audit?: (entry: { actor: string; action: string; target: string; details?: unknown }) => Promise<unknown>;
}

const isHttps = (c: Context) => new URL(c.req.url).protocol === 'https:';

/** Opens a browser session for a valid token: sets the cookie, returns who it is and the CSRF token. */
export async function openBrowserSession(
  c: Context,
  deps: LoginDeps,
  token: string,
  via: 'link' | 'form',
): Promise<(Principal & { csrf: string }) | null> {
  const principal = await deps.authorize.principal(token);
  // Runner tokens are for machines: a browser logged in with one could do nothing useful and would only
  // give an agent that found its own token a way into the UI.
  if (!principal || principal.role === 'runner') return null;
  await deps.audit?.({
    actor: principal.name,
    action: 'login',
    target: 'ui',
    details: { role: principal.role, via },
  });
  const { id, csrf } = deps.sessions.open(token);
  c.header('set-cookie', sessionCookie(id, COOKIE_MAX_AGE_S, isHttps(c)));
  return { ...principal, csrf };
}

/** POST /api/login, GET /api/me, POST /api/logout: the UI's browser session (cookie + CSRF token). */
export function loginRoutes(deps: LoginDeps) {
  const app = new Hono();
  app.post('/login', async (c) => {
    // Login CSRF: a foreign page must not log the browser in as someone else.
    if (c.req.header('origin') !== undefined && !isSameOrigin(c.req.header('origin'), c.req.header('host')))
      throw new HTTPException(403, { message: 'cross-origin login refused' });
    const body = LoginBody.safeParse(await c.req.json().catch(() => undefined));
    if (!body.success) throw new HTTPException(400, { message: 'give {"token": "..."}', cause: body.error });
    const who = await openBrowserSession(c, deps, body.data.token, 'form');
    if (!who) throw new HTTPException(401, { message: 'unknown, revoked or runner token' });
    c.header('cache-control', 'no-store');
    return c.json(who);
  });
  // Always 200: "not logged in" is an answer, not an error (the login page asks before anyone logged in).
  app.get('/me', async (c) => {
    c.header('cache-control', 'no-store');
    const sid = readSessionCookie(c.req.header('cookie'));
    const session = sid === undefined ? null : deps.sessions.get(sid);
    const principal = session ? await deps.authorize.principal(session.token) : null;
    if (!session || !principal) {
      if (sid !== undefined) deps.sessions.close(sid);
      return c.json({ authenticated: false });
    }
    return c.json({
      authenticated: true,
      ...principal,
      csrf: session.csrf,
      features: deps.features?.() ?? [],
    });
  });
  app.post('/logout', async (c) => {
    if (!isSameOrigin(c.req.header('origin'), c.req.header('host')))
      throw new HTTPException(403, { message: 'cross-origin request refused (Origin does not match)' });
    const sid = readSessionCookie(c.req.header('cookie'));
    const session = sid === undefined ? null : deps.sessions.get(sid);
    if (sid !== undefined) deps.sessions.close(sid);
    const who = session ? await deps.authorize.principal(session.token) : null;
    if (who) await deps.audit?.({ actor: who.name, action: 'logout', target: 'ui' });
    c.header('set-cookie', sessionCookie('', 0, isHttps(c)));
    return c.body(null, 204);
  });
  return app;
}
