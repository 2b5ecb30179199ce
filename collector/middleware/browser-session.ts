import { randomBytes, timingSafeEqual } from 'node:crypto';

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
    /** The live session for a cookie value, or null (unknown, idle too long, too old). */
    get(id: string): BrowserSession | null {
      const e = sessions.get(id);
      if (!e) return null;
      const t = now();
      if (t - e.lastSeen > idleMs || t - e.created > maxAgeMs) {
        sessions.delete(id);
        return null;
      }
      e.lastSeen = t;
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

/** The session id from a Cookie header, or undefined. */
export function readSessionCookie(header: string | undefined): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === SESSION_COOKIE) {
      const v = part.slice(eq + 1).trim();
      return /^[\w-]{1,128}$/.test(v) ? v : undefined;
    }
  }
  return undefined;
}
