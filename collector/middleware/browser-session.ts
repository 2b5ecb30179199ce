import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';

/** The cookie that carries a browser session id (HttpOnly, SameSite=Strict). */
export const SESSION_COOKIE = 'ward_session';
/** The header a browser sends its session's CSRF token in on state-changing requests. */
export const CSRF_HEADER = 'x-ward-csrf';

interface Entry {
  /** The API token the session was opened with: revoking it ends the session at the next request. */
  token: string;
  csrf: string;
  created: number;
  lastSeen: number;
}

/** A live browser session, as the auth middleware sees it. */
export interface BrowserSession {
  token: string;
  csrf: string;
}

export interface BrowserSessionOptions {
  /** A session unused this long ends. */
  idleMs?: number;
  /** A session ends this long after login, used or not. */
  maxAgeMs?: number;
  /** Oldest sessions are dropped beyond this many (memory stays bounded whatever logs in). */
  maxSessions?: number;
  now?: () => number;
}

/**
 * Browser sessions held in memory only: a login trades an API token for a random session id (the cookie)
 * and a CSRF token (returned to the page, never stored in a cookie). A server restart logs browsers out.
 */
export function createBrowserSessions(opts: BrowserSessionOptions = {}) {
  const idleMs = opts.idleMs ?? 8 * 3600_000;
  const maxAgeMs = opts.maxAgeMs ?? 24 * 3600_000;
  const maxSessions = opts.maxSessions ?? 10_000;
  const now = opts.now ?? Date.now;
  const sessions = new Map<string, Entry>();

  const newId = () => randomBytes(32).toString('base64url');

  return {
    /** Opens a session for a token already checked by the caller; returns the cookie value and CSRF token. */
    open(token: string): { id: string; csrf: string } {
      while (sessions.size >= maxSessions) {
        const oldest = sessions.keys().next().value;
        if (oldest === undefined) break;
        sessions.delete(oldest);
      }
      const id = newId();
      const csrf = newId();
      const t = now();
      sessions.set(id, { token, csrf, created: t, lastSeen: t });
      return { id, csrf };
    },
    /** The live session for a cookie value, or null (unknown, idle too long, too old); `touch` marks it used. */
    get(id: string, touch = true): BrowserSession | null {
      const e = sessions.get(id);
      if (!e) return null;
      const t = now();
      if (t - e.lastSeen > idleMs || t - e.created > maxAgeMs) {
        sessions.delete(id);
        return null;
      }
      if (touch) e.lastSeen = t;
      return { token: e.token, csrf: e.csrf };
    },
    close(id: string): void {
      sessions.delete(id);
    },
    get size() {
      return sessions.size;
    },
  };
}
export type BrowserSessions = ReturnType<typeof createBrowserSessions>;

/** Constant-time string equality (CSRF tokens). */
export function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The Set-Cookie value for a session id; an empty id with maxAge 0 clears it. */
export function sessionCookie(id: string, maxAgeS: number, secure: boolean): string {
  return [
    `${SESSION_COOKIE}=${id}`,
    'Path=/',
    'HttpOnly',
    'SameSite=Strict',
    `Max-Age=${maxAgeS}`,
    ...(secure ? ['Secure'] : []),
  ].join('; ');
}

/** Every well-formed session id in a Cookie header, in the order sent. */
export function readSessionCookies(header: string | undefined): string[] {
  const out: string[] = [];
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0 || part.slice(0, eq).trim() !== SESSION_COOKIE) continue;
    const v = part.slice(eq + 1).trim();
    if (/^[\w-]{1,128}$/.test(v) && out.length < 16) out.push(v);
  }
  return out;
}

/** The first session id in a Cookie header, or undefined. */
export function readSessionCookie(header: string | undefined): string | undefined {
  return readSessionCookies(header)[0];
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Whether the request's Origin header names the host it was sent to (a same-origin fetch from the UI). */
export function isSameOrigin(origin: string | undefined, host: string | undefined): boolean {
  if (!origin || !host || origin === 'null') return false;
  try {
    return new URL(origin).host.toLowerCase() === host.toLowerCase();
  } catch {
    return false;
  }
}

/**
 * The API token behind a request's session cookie, or undefined when it carries none (or cookies may not
 * be used here). Throws 401 for an ended session, 403 for a request that does not prove it comes from Ward's
 * own page. Browsers keep cookies apart by host, not by port: every server on 127.0.0.1 (a dev server an agent
 * started) receives Ward's cookie. So the cookie alone opens nothing, reads included: each request also carries
 * the session's key in the `x-ward-csrf` header, which only Ward's page holds (in its origin's storage), and a
 * state change must also name Ward's origin.
 */
export function browserSessionToken(
  c: Context,
  sessions: BrowserSessions | undefined,
  refuseCookies = false,
): string | undefined {
  const sids = readSessionCookies(c.req.header('cookie'));
  if (sids.length === 0 || !sessions || refuseCookies) return undefined;
  if (!SAFE_METHODS.has(c.req.method) && !isSameOrigin(c.req.header('origin'), c.req.header('host')))
    throw new HTTPException(403, { message: 'cross-origin request refused (Origin does not match)' });
  const proven = provenSession(c, sessions);
  if (proven) return proven.session.token;
  if (!sids.some((id) => sessions.get(id, false)))
    throw new HTTPException(401, { message: 'browser session expired: log in again' });
  throw new HTTPException(403, { message: `missing or wrong ${CSRF_HEADER} header` });
}

/**
 * The live session of a request that carries both its cookie and its key (the header), or null. Every session
 * cookie sent is tried: a page on another port of this host can set a `ward_session` cookie of its own with a
 * longer path, which the browser then sends first. Only a proven session counts as used (a cookie replayed
 * without the key does not keep it alive).
 */
export function provenSession(
  c: Context,
  sessions: BrowserSessions,
): { id: string; session: BrowserSession } | null {
  const key = c.req.header(CSRF_HEADER) ?? '';
  for (const id of readSessionCookies(c.req.header('cookie'))) {
    const session = sessions.get(id, false);
    if (session && sameSecret(key, session.csrf)) return { id, session: sessions.get(id) ?? session };
  }
  return null;
}
