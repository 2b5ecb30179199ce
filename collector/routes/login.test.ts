import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Hono } from 'hono';
import { describe, expect, it, vi } from 'vitest';
import type { Store } from '../../store/index.js';
import { createApp } from '../app.js';
import { createAuthorize, type Principal } from '../middleware/auth.js';
import { createBrowserSessions, SESSION_COOKIE } from '../middleware/browser-session.js';
import { CONTENT_SECURITY_POLICY } from '../middleware/security-headers.js';

const TOKENS: Record<string, Principal> = {
  'admin-token-0123456789': { id: 'id-admin', name: 'admin', role: 'admin' },
  'analyst-token-0123456789': { id: 'id-ann', name: 'ann', role: 'analyst' },
  'runner-token-0123456789': { id: 'id-ci', name: 'ci', role: 'runner' },
};
const HOST = '127.0.0.1:4318';
const ORIGIN = `http://${HOST}`;

function appWith(uiDir?: string, now?: () => number) {
  const revoked = new Set<string>();
  const audited: { actor: string; action: string; details?: unknown }[] = [];
  const authorize = createAuthorize({
    lookup: async (t) => (revoked.has(t) ? null : (TOKENS[t] ?? null)),
    remoteAddress: () => '127.0.0.1',
    openLoopbackIngest: true,
    sessions: createBrowserSessions(now ? { now, idleMs: 1000 } : {}),
  });
  const extra = new Hono();
  extra.get('/probe', authorize('readEvents'), (c) => c.json(c.get('principal')));
  extra.post('/probe', authorize('decideApproval'), (c) => c.json(c.get('principal')));
  extra.get('/alerts', authorize('readEvents'), (c) => c.json({ alerts: [] }));
  extra.post('/ingest-probe', authorize('requestApproval'), (c) => c.json({ ok: true }));
  const app = createApp({
    store: {
      audit: {
        append: async (e: { actor: string; action: string }) => {
          audited.push(e);
        },
      },
    } as unknown as Store,
    ingest: {} as never,
    authorize,
    maxBodyBytes: 1024 * 1024,
    log: () => {},
    health: { check: async () => {}, stats: () => ({}) },
    apiRoutes: [extra],
    ...(uiDir ? { uiDir } : {}),
  });
  return { app, revoked, audited };
}

const req = (path: string, init: RequestInit & { headers?: Record<string, string> } = {}) =>
  new Request(`${ORIGIN}${path}`, { ...init, headers: { host: HOST, ...init.headers } });

async function login(app: Hono, token = 'analyst-token-0123456789') {
  const res = await app.request(
    req('/api/login', {
      method: 'POST',
      headers: { origin: ORIGIN, 'content-type': 'application/json' },
      body: JSON.stringify({ token }),
    }),
  );
  const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0] as string;
  return { res, cookie, body: (await res.json()) as { csrf: string; role: string; name: string } };
}

describe('browser login (cookie session)', () => {
  it('trades the token of the printed URL for an HttpOnly SameSite=Strict cookie and drops it from the URL', async () => {
    const { app, audited } = appWith();
    const res = await app.request(
      req('/?token=analyst-token-0123456789', { headers: { 'sec-fetch-site': 'none' } }),
    );
    expect(audited).toEqual([
      { actor: 'ann', action: 'login', target: 'ui', details: { role: 'analyst', via: 'link' } },
    ]);
    expect(res.status).toBe(303);
    // The session's key goes to the page in the fragment (never sent to a server), not in a cookie.
    const key = /^\/#session=([\w-]{40,})$/.exec(res.headers.get('location') ?? '')?.[1] as string;
    expect(key).toBeDefined();
    const cookie = res.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(new RegExp(`^${SESSION_COOKIE}=[\\w-]{40,};`));
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Strict');
    expect(cookie).not.toContain('analyst-token');
    const sid = cookie.split(';')[0] as string;
    const me = await app.request(req('/api/me', { headers: { cookie: sid, 'x-ward-csrf': key } }));
    expect(await me.json()).toMatchObject({
      authenticated: true,
      name: 'ann',
      role: 'analyst',
      csrf: key,
      features: ['alerts'],
    });
    // The cookie alone (what any server on this host receives) is no login and never yields the key.
    const cookieOnly = await app.request(req('/api/me', { headers: { cookie: sid } }));
    expect(await cookieOnly.json()).toEqual({ authenticated: false });
    const anonymous = await app.request(req('/api/me'));
    expect(anonymous.status).toBe(200);
    expect(await anonymous.json()).toEqual({ authenticated: false });
  });

  it('refuses a bad token, a runner token and a cross-site link, without setting a cookie', async () => {
    const { app } = appWith();
    for (const [url, headers, where] of [
      ['/?token=nope', {}, '/login?error=invalid-token'],
      ['/?token=runner-token-0123456789', {}, '/login?error=invalid-token'],
      ['/?token=analyst-token-0123456789', { 'sec-fetch-site': 'cross-site' }, '/login?error=cross-site'],
    ] as const) {
      const res = await app.request(req(url, { headers }));
      expect(res.status).toBe(303);
      expect(res.headers.get('location')).toBe(where);
      expect(res.headers.get('set-cookie')).toBeNull();
    }
    expect((await login(app, 'runner-token-0123456789')).res.status).toBe(401);
  });

  it('lets the cookie with its key read the API; a state change also needs the same Origin', async () => {
    const { app } = appWith();
    const { cookie, body } = await login(app);
    expect((await app.request(req('/api/probe', { headers: { cookie } }))).status).toBe(403);
    const read = req('/api/probe', { headers: { cookie, 'x-ward-csrf': body.csrf } });
    expect((await app.request(read)).status).toBe(200);
    const post = (headers: Record<string, string>) =>
      app.request(req('/api/probe', { method: 'POST', headers: { cookie, ...headers } }));
    expect((await post({})).status).toBe(403);
    expect((await post({ origin: 'http://evil.example' })).status).toBe(403);
    expect((await post({ origin: 'http://evil.example', 'x-ward-csrf': body.csrf })).status).toBe(403);
    expect((await post({ origin: ORIGIN })).status).toBe(403);
    expect((await post({ origin: ORIGIN, 'x-ward-csrf': `${body.csrf}x` })).status).toBe(403);
    const ok = await post({ origin: ORIGIN, 'x-ward-csrf': body.csrf });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ name: 'ann', role: 'analyst' });
  });

  it('never lets a cookie ask for approvals or ingest, and ends with a revoked token or logout', async () => {
    const { app, revoked, audited } = appWith();
    const { cookie, body } = await login(app, 'admin-token-0123456789');
    const headers = { cookie, origin: ORIGIN, 'x-ward-csrf': body.csrf };
    expect((await app.request(req('/api/ingest-probe', { method: 'POST', headers }))).status).toBe(401);
    const out = await app.request(req('/api/logout', { method: 'POST', headers }));
    expect(out.status).toBe(204);
    expect(out.headers.get('set-cookie')).toContain('Max-Age=0');
    expect(audited.map((e) => `${e.actor} ${e.action}`)).toEqual(['admin login', 'admin logout']);
    expect(
      (await app.request(req('/api/probe', { headers: { cookie, 'x-ward-csrf': body.csrf } }))).status,
    ).toBe(401);

    const again = await login(app);
    const withKey = { cookie: again.cookie, 'x-ward-csrf': again.body.csrf };
    revoked.add('analyst-token-0123456789');
    // Token lookups are cached for 5 s: past that, the revocation reaches the session.
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      vi.setSystemTime(Date.now() + 6_000);
      const me = await app.request(req('/api/me', { headers: withKey }));
      expect(await me.json()).toEqual({ authenticated: false });
      expect((await app.request(req('/api/probe', { headers: withKey }))).status).toBe(401);
    } finally {
      vi.useRealTimers();
    }
  });

  it('refuses a login posted from another origin (login CSRF)', async () => {
    const { app } = appWith();
    const res = await app.request(
      req('/api/login', {
        method: 'POST',
        headers: { origin: 'http://evil.example', 'content-type': 'application/json' },
        body: JSON.stringify({ token: 'analyst-token-0123456789' }),
      }),
    );
    expect(res.status).toBe(403);
  });

  it('ends an idle session', async () => {
    let t = 0;
    const { app } = appWith(undefined, () => t);
    const { cookie, body } = await login(app);
    const headers = { cookie, 'x-ward-csrf': body.csrf };
    t = 500;
    expect((await app.request(req('/api/probe', { headers }))).status).toBe(200);
    t = 2000;
    expect((await app.request(req('/api/probe', { headers }))).status).toBe(401);
  });
});

describe('static UI and security headers', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ward-ui-'));
  mkdirSync(join(dir, 'assets'));
  writeFileSync(
    join(dir, 'index.html'),
    '<!doctype html><title>Ward</title><script type="module" src="/assets/a.js"></script>',
  );
  writeFileSync(join(dir, 'assets', 'a.js'), 'console.log(1)');

  it('serves index.html at / and the app routes, assets with their type, and 404 JSON elsewhere', async () => {
    const { app } = appWith(dir);
    for (const path of ['/', '/alerts', '/sessions/abc', '/approvals']) {
      const res = await app.request(req(path));
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('text/html');
      expect(await res.text()).toContain('<title>Ward</title>');
    }
    const js = await app.request(req('/assets/a.js'));
    expect(js.headers.get('content-type')).toContain('text/javascript');
    expect(js.headers.get('cache-control')).toContain('immutable');
    expect((await app.request(req('/assets/../../etc/passwd'))).status).toBe(404);
    expect((await app.request(req('/nothing-here'))).status).toBe(404);
  });

  it('puts a strict CSP, frame-ancestors none and nosniff on every response, errors included', async () => {
    const { app } = appWith(dir);
    for (const path of ['/', '/assets/a.js', '/api/probe', '/nothing-here', '/api/me']) {
      const res = await app.request(req(path));
      expect(res.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    }
    expect(CONTENT_SECURITY_POLICY).toContain("frame-ancestors 'none'");
    expect(CONTENT_SECURITY_POLICY).toContain("script-src 'self'");
    expect(CONTENT_SECURITY_POLICY).not.toContain('unsafe');
  });

  it('explains how to build the UI when it is missing', async () => {
    const { app } = appWith(join(dir, 'missing'));
    const res = await app.request(req('/'));
    expect(res.status).toBe(503);
    expect(await res.text()).toContain('npm run build');
  });
});
