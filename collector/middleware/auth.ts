import type { MiddlewareHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { type Permission, type Role, roleAllows } from '../../schema/index.js';
import { type BrowserSessions, browserSessionToken } from './browser-session.js';

export interface Principal {
  name: string;
  role: Role;
}

export interface AuthOptions {
  /** Resolves a bearer token to its principal, or null (unknown, revoked). */
  lookup: (token: string) => Promise<Principal | null>;
  /** Remote address of the request's socket ('' when unknown, e.g. in-process tests). */
  remoteAddress: (c: Parameters<MiddlewareHandler>[0]) => string;
  /** Local mode: OTLP ingest from a loopback peer needs no token. */
  openLoopbackIngest: boolean;
  /** Browser sessions (the UI's cookie); without them only bearer tokens count. */
  sessions?: BrowserSessions;
}

// What a browser session may never do: the UI neither ingests telemetry nor asks for approvals, so a
// stolen or forged cookie cannot either.
const NO_COOKIE: ReadonlySet<Permission> = new Set(['ingest', 'requestApproval']);

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|::ffff:127\.\d+\.\d+\.\d+)$/;

export function isLoopback(address: string): boolean {
  return LOOPBACK.test(address);
}

const LOOPBACK_HOST = /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])(:\d+)?$/i;

/**
 * Whether the Host header names this machine's loopback. A web page that rebinds its own DNS name to
 * 127.0.0.1 reaches the socket from loopback but still sends its own name as Host: such a request is not
 * local and gets no token-free ingest.
 */
export function isLocalHostHeader(host: string | undefined): boolean {
  return host !== undefined && LOOPBACK_HOST.test(host);
}

declare module 'hono' {
  interface ContextVariableMap {
    principal: Principal;
  }
}

/** Middleware factory: `authorize('readEvents')` lets through only roles granted that permission. */
export function createAuthorize(opts: AuthOptions) {
  const cache = new Map<string, { principal: Principal | null; until: number }>();
  async function resolve(token: string): Promise<Principal | null> {
    const hit = cache.get(token);
    if (hit && hit.until > Date.now()) return hit.principal;
    const principal = await opts.lookup(token);
    if (cache.size > 10_000) cache.clear();
    cache.set(token, { principal, until: Date.now() + 5_000 });
    return principal;
  }

  function authorize(permission: Permission): MiddlewareHandler {
    return async function authorizeRequest(c, next) {
      const header = c.req.header('authorization') ?? '';
      const match = /^Bearer\s+(\S+)$/i.exec(header);
      if (!match) {
        if (
          permission === 'ingest' &&
          opts.openLoopbackIngest &&
          isLoopback(opts.remoteAddress(c)) &&
          isLocalHostHeader(c.req.header('host'))
        ) {
          c.set('principal', { name: 'loopback', role: 'runner' });
          return next();
        }
        const token = browserSessionToken(c, opts.sessions, NO_COOKIE.has(permission));
        if (token === undefined)
          throw new HTTPException(401, { message: 'missing bearer token (Authorization: Bearer <token>)' });
        return authorizeToken(c, next, token, permission);
      }
      return authorizeToken(c, next, match[1] as string, permission);
    };
  }

  async function authorizeToken(
    c: Parameters<MiddlewareHandler>[0],
    next: Parameters<MiddlewareHandler>[1],
    token: string,
    permission: Permission,
  ) {
    const principal = await resolve(token);
    if (!principal) throw new HTTPException(401, { message: 'unknown or revoked token' });
    if (!roleAllows(principal.role, permission)) {
      throw new HTTPException(403, { message: `role '${principal.role}' may not ${permission}` });
    }
    c.set('principal', principal);
    return next();
  }

  /** `authorize.principal(token)`: who a token belongs to (null: unknown or revoked), for the login route. */
  return Object.assign(authorize, { principal: resolve, sessions: opts.sessions });
}
export type Authorize = ReturnType<typeof createAuthorize>;
