import type { Context } from 'hono';
import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { z } from 'zod';
import type { Authorize, Principal } from '../middleware/auth.js';
import {
  type BrowserSessions,
  isSameOrigin,
  provenSession,
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
  // The cookie alone is not a login: any server on this host gets it (ports do not keep cookies apart), so
  // the page proves itself with the session's key (x-ward-csrf), which it got at login and keeps in its
  // origin's storage. Without the key this answers "not logged in" and never the key itself.
  app.get('/me', async (c) => {
    c.header('cache-control', 'no-store');
    const proven = provenSession(c, deps.sessions);
    const principal = proven ? await deps.authorize.principal(proven.session.token) : null;
    if (!proven || !principal) {
      if (proven) deps.sessions.close(proven.id);
      return c.json({ authenticated: false });
    }
    return c.json({
      authenticated: true,
      ...principal,
      csrf: proven.session.csrf,
      features: deps.features?.() ?? [],
    });
  });
  // Ends the session only for its own page (Origin and key): a cookie replayed from elsewhere cannot log the
  // analyst out. The cookie is cleared either way.
  app.post('/logout', async (c) => {
    if (!isSameOrigin(c.req.header('origin'), c.req.header('host')))
      throw new HTTPException(403, { message: 'cross-origin request refused (Origin does not match)' });
    const sid = readSessionCookie(c.req.header('cookie'));
    const proven = provenSession(c, deps.sessions);
    if (sid !== undefined && !proven)
      throw new HTTPException(403, { message: 'missing or wrong x-ward-csrf header' });
    if (proven) deps.sessions.close(proven.id);
    const who = proven ? await deps.authorize.principal(proven.session.token) : null;
    if (who) await deps.audit?.({ actor: who.name, action: 'logout', target: 'ui' });
    c.header('set-cookie', sessionCookie('', 0, isHttps(c)));
    return c.body(null, 204);
  });
  return app;
}
