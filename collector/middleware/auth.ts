import type { Context, MiddlewareHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { LOOPBACK_SENDER, type Permission, type Role, roleAllows } from '../../schema/index.js';
import { hashToken } from '../../store/index.js';
import { type BrowserSessions, browserSessionToken } from './browser-session.js';
import { createInProgressLimit } from './in-progress.js';

/** Who is calling: the token's id (the hash prefix `ward token list` shows), its name and role. */
export interface Principal {
  /** Stable id of the credential (token hash prefix): separation of duties and ownership compare it. */
  id: string;
  name: string;
  role: Role;
}

export interface AuthOptions {
  /** Resolves a bearer token to its name and role, or null (unknown, revoked). */
  lookup: (token: string) => Promise<Omit<Principal, 'id'> | null>;
  /** Remote address of the request's socket ('' when unknown, e.g. in-process tests). */
  remoteAddress: (c: Context) => string;
  /** Local mode: OTLP ingest from a loopback peer needs no token. */
  openLoopbackIngest: boolean;
  /**
   * How long a looked-up live token stays trusted without asking the store again (ms, default 5000). A
   * function is asked at each use: the revocation feed lengthens it while it runs and shortens it when it stops.
   */
  cacheMs?: number | (() => number);
  /** How long an unknown token is remembered as unknown (ms, default 1000): guessing costs no queries. */
  negativeCacheMs?: number;
  /**
   * Most store lookups of distinct tokens in flight at once (default 256); beyond it a request is refused with
   * 503. Token lookups run on the engine's approval lane: random bearer tokens (no valid token needed) would
   * otherwise fill that lane's cap and refuse every approval.
   */
  maxLookups?: number;
  /** First use of each token in this process (for the audit trail); errors are the caller's to log. */
  onFirstUse?: (p: Principal) => void;
  /**
   * Where a request's token is found, first match wins (default: the bearer header). The UI's cookie login
   * adds its cookie reader here, so every front resolves tokens, roles and revocations the same way.
   */
  credentials?: ((c: Context) => string | undefined)[];
  /** Browser sessions (the UI's cookie, checked after the bearer header); without them only tokens count. */
  sessions?: BrowserSessions;
  /**
   * Runs once a request's credential is accepted, before its handler (never for refused requests, so
   * requests without a valid token cannot make it work): `ward serve` waits here until rows acknowledged
   * before a read are stored.
   */
  beforeHandler?: (c: Context, permission: Permission) => Promise<unknown> | undefined;
  /**
   * Most API requests one token may have in progress at once (default 64; held ones such as long-polls count
   * too); beyond it 429 with Retry-After. OTLP ingest is not counted here: admission bounds it for everyone.
   */
  maxInProgressPerToken?: number;
}

// What a browser session may never do: the UI neither ingests telemetry nor asks for approvals, so a
// stolen or forged cookie cannot either.
const NO_COOKIE: ReadonlySet<Permission> = new Set(['ingest', 'requestApproval']);

/** Hex digits of the token hash that name a token (as `ward token list` shows it). */
export const TOKEN_ID_LENGTH = 16;

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

/**
 * Whether a proxy forwarded the request: it then comes from loopback on behalf of someone else and gets no
 * token-free ingest (a reverse proxy on the same host would otherwise open ingest to its whole network).
 */
function forwarded(c: Context): boolean {
  return ['forwarded', 'x-forwarded-for', 'x-real-ip', 'via'].some((h) => c.req.header(h) !== undefined);
}

declare module 'hono' {
  interface ContextVariableMap {
    principal: Principal;
    /** Set (to the reason) when `authorize(…, { overLimit: 'flag' })` let a request past its token's limit. */
    overLimit: string;
  }
}

/** The bearer token of a request, or undefined. */
export function bearerToken(c: Context): string | undefined {
  const match = /^Bearer\s+(\S+)$/i.exec(c.req.header('authorization') ?? '');
  return match?.[1];
}

/**
 * Token resolution with a short cache, reusable by any authentication front (bearer header, UI cookie).
 * A revoked token is dropped from the cache at once (`forget`); an unknown one is remembered as unknown
 * briefly; nothing that was not looked up as live is ever served as live. With several server instances
 * a revocation reaches the others through the revocation feed (revocation-feed.ts), or within `cacheMs`.
 */
export function createTokenResolver(
  opts: Pick<AuthOptions, 'lookup' | 'cacheMs' | 'negativeCacheMs' | 'onFirstUse' | 'maxLookups'>,
) {
  const maxLookups = opts.maxLookups ?? 256;
  // One store lookup per token at a time: requests with the same token wait for it together.
  // Each with the revocation epoch it started in, so a request joining it later caches nothing stale.
  const inFlight = new Map<string, { lookup: Promise<Omit<Principal, 'id'> | null>; epoch: number }>();
  const configured = opts.cacheMs ?? 5_000;
  const liveMs = typeof configured === 'function' ? configured : () => configured;
  const negativeMs = opts.negativeCacheMs ?? 1_000;
  // When each entry was looked up: its age is compared with the bound at each use, so a shorter bound (a
  // stalled revocation feed) applies to entries cached under a longer one too.
  const cache = new Map<string, { principal: Principal | null; at: number }>();
  const seen = new Set<string>();
  // Bumped by forget(): a lookup that started before a revocation must not re-cache the token as live.
  let epoch = 0;
  return {
    async resolve(token: string): Promise<Principal | null> {
      const hash = hashToken(token);
      const id = hash.slice(0, TOKEN_ID_LENGTH);
      const hit = cache.get(hash);
      if (hit && Date.now() - hit.at < (hit.principal ? liveMs() : negativeMs)) return hit.principal;
      let entry = inFlight.get(hash);
      if (!entry) {
        if (inFlight.size >= maxLookups)
          throw new HTTPException(503, { message: 'too many token lookups at once: retry' });
        const mine = {
          lookup: opts.lookup(token).finally(() => {
            if (inFlight.get(hash) === mine) inFlight.delete(hash);
          }),
          epoch,
        };
        entry = mine;
        inFlight.set(hash, mine);
      }
      const started = entry.epoch;
      const found = await entry.lookup;
      const principal = found ? { id, name: found.name, role: found.role } : null;
      if (cache.size > 10_000) cache.clear();
      if (started === epoch) cache.set(hash, { principal, at: Date.now() });
      if (principal && !seen.has(id) && seen.size < 100_000) {
        seen.add(id);
        opts.onFirstUse?.(principal);
      }
      return principal;
    },
    /** Drops a token (by id, the hash prefix) from the cache: a revocation takes effect at once here. */
    forget(id: string): void {
      epoch++;
      for (const key of cache.keys()) if (key.startsWith(id)) cache.delete(key);
      // A request after the revocation looks the token up afresh rather than joining an older lookup.
      for (const key of inFlight.keys()) if (key.startsWith(id)) inFlight.delete(key);
    },
    /** Hashes of the tokens held as live now (what the revocation feed asks the store about). */
    liveHashes(): string[] {
      const out: string[] = [];
      for (const [hash, e] of cache) if (e.principal) out.push(hash);
      return out;
    },
  };
}
export type TokenResolver = ReturnType<typeof createTokenResolver>;

/** Middleware factory: `authorize('readEvents')` lets through only roles granted that permission. */
export function createAuthorize(opts: AuthOptions & { resolver?: TokenResolver }) {
  const resolver = opts.resolver ?? createTokenResolver(opts);
  const inProgress = createInProgressLimit(opts.maxInProgressPerToken ?? 64);
  const credentials = opts.credentials ?? [bearerToken];
  const tokenOf = (c: Context) => {
    for (const read of credentials) {
      const t = read(c);
      if (t) return t;
    }
    return undefined;
  };

  /**
   * `overLimit: 'flag'` lets a request past its token's in-progress limit without a slot, with
   * `c.get('overLimit')` set, for a route whose every non-2xx answer is unsafe (an agent's hook call: the
   * agent takes any error as "go ahead", so the route must answer "deny" itself, at no cost).
   */
  function authorize(
    permission: Permission,
    options: { overLimit?: 'refuse' | 'flag' } = {},
  ): MiddlewareHandler & { permission: Permission } {
    const handler: MiddlewareHandler = async function authorizeRequest(c, next) {
      const token = tokenOf(c);
      if (
        !token &&
        permission === 'ingest' &&
        opts.openLoopbackIngest &&
        !forwarded(c) &&
        isLoopback(opts.remoteAddress(c)) &&
        isLocalHostHeader(c.req.header('host'))
      ) {
        c.set('principal', { id: LOOPBACK_SENDER, name: LOOPBACK_SENDER, role: 'runner' });
        return next();
      }
      // The UI's cookie (same-origin and CSRF-checked for changes) stands for the token it was made from.
      const resolved = token ?? browserSessionToken(c, opts.sessions, NO_COOKIE.has(permission));
      if (!resolved)
        throw new HTTPException(401, { message: 'missing bearer token (Authorization: Bearer <token>)' });
      const principal = await resolver.resolve(resolved);
      if (!principal) throw new HTTPException(401, { message: 'unknown or revoked token' });
      if (!roleAllows(principal.role, permission)) {
        throw new HTTPException(403, { message: `role '${principal.role}' may not ${permission}` });
      }
      c.set('principal', principal);
      if (permission === 'ingest') {
        await opts.beforeHandler?.(c, permission);
        return next();
      }
      const release = inProgress.take(principal.id);
      if (!release && options.overLimit === 'flag') {
        c.set('overLimit', `this token already has ${inProgress.perToken} requests in progress`);
        return next();
      }
      if (!release) {
        c.header('Retry-After', '1');
        throw new HTTPException(429, {
          message: `this token already has ${inProgress.perToken} requests in progress (the limit); wait for some to finish`,
        });
      }
      try {
        await opts.beforeHandler?.(c, permission);
        return await next();
      } finally {
        release();
      }
    };
    // Tagged so the route table can be read back from the app (the README's roles table is checked so).
    return Object.assign(handler, { permission });
  }
  return Object.assign(authorize, {
    resolver,
    /** Who a token belongs to (null: unknown or revoked), for the login route. */
    principal: (token: string) => resolver.resolve(token),
    sessions: opts.sessions,
    /** Each token's API requests in progress (for tests and /healthz). */
    inProgress,
  });
}
export type Authorize = ReturnType<typeof createAuthorize>;
