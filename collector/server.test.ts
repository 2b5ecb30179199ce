import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeEvent } from '../test/helpers/events.js';
import { StartupError, startServer, type WardServer } from './server.js';

let server: WardServer;
let dataDir: string;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'ward-server-'));
  server = await startServer({ port: 0, dataDir, store: { database: 'ward_server_test' } });
});
afterAll(async () => {
  await server?.close();
});

const auth = () => ({ authorization: `Bearer ${server.adminToken}` });

describe('ward serve', () => {
  it('listens on loopback and keeps the generated admin token private', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const file = join(dataDir, 'admin-token');
    expect(readFileSync(file, 'utf8').trim()).toBe(server.adminToken);
    expect(statSync(file).mode & 0o077).toBe(0);
  });

  it('refuses a non-loopback bind without configured tokens', async () => {
    await expect(startServer({ host: '0.0.0.0', port: 0, dataDir })).rejects.toThrow(StartupError);
    await expect(startServer({ host: '0.0.0.0', port: 0, dataDir })).rejects.toThrow(/WARD_ADMIN_TOKEN/);
  });

  it('answers /healthz without auth', async () => {
    const res = await fetch(`${server.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'ok', store: 'embedded' });
  });

  it('requires a bearer token for the API and checks roles', async () => {
    expect((await fetch(`${server.url}/api/events`)).status).toBe(401);
    const bad = await fetch(`${server.url}/api/events`, { headers: { authorization: 'Bearer nope' } });
    expect(bad.status).toBe(401);
    expect(await bad.json()).toEqual({ error: 'unknown or revoked token' });
    await server.store.tokens.add('runner-token-0123456789', 'ci', 'runner');
    const runner = await fetch(`${server.url}/api/events`, {
      headers: { authorization: 'Bearer runner-token-0123456789' },
    });
    expect(runner.status).toBe(403);
    await server.store.tokens.add('analyst-token-0123456789', 'alice', 'analyst');
    const analyst = await fetch(`${server.url}/api/events`, {
      headers: { authorization: 'Bearer analyst-token-0123456789' },
    });
    expect(analyst.status).toBe(200);
  });

  it('serves events, sessions and a session timeline', async () => {
    await server.store.events.insert([
      makeEvent({ session_id: 'api-s1', kind: 'prompt', time: '2026-11-26T09:00:00Z' }),
      makeEvent({
        session_id: 'api-s1',
        kind: 'command',
        command: 'git status',
        time: '2026-11-26T09:00:01Z',
      }),
    ]);
    const events = await (
      await fetch(`${server.url}/api/events?session=api-s1&kind=command`, { headers: auth() })
    ).json();
    expect(events.events.map((e: { command: string }) => e.command)).toEqual(['git status']);
    const sessions = await (await fetch(`${server.url}/api/sessions`, { headers: auth() })).json();
    expect(sessions.sessions.map((s: { session_id: string }) => s.session_id)).toContain('api-s1');
    const tl = await (await fetch(`${server.url}/api/sessions/api-s1`, { headers: auth() })).json();
    expect(tl.events.map((e: { kind: string }) => e.kind)).toEqual(['prompt', 'command']);
    expect((await fetch(`${server.url}/api/sessions/none`, { headers: auth() })).status).toBe(404);
  });

  it('answers bad query parameters with 400 and the exact field', async () => {
    const res = await fetch(`${server.url}/api/events?limit=abc&kind=teleport`, { headers: auth() });
    expect(res.status).toBe(400);
    const body = await res.json();
    expect(body.details.map((d: { path: string }) => d.path).sort()).toEqual(['kind', 'limit']);
    const cursor = await fetch(`${server.url}/api/events?cursor=Zm9v`, { headers: auth() });
    expect(cursor.status).toBe(400);
  });
});

describe('API tokens', () => {
  it('lets an admin mint a role token that works at once, lists it without the secret, and revokes it', async () => {
    const created = await fetch(`${server.url}/api/tokens`, {
      method: 'POST',
      headers: { ...auth(), 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'compliance bot', role: 'compliance' }),
    });
    expect(created.status).toBe(201);
    const { token } = await created.json();
    expect(token).toMatch(/^ward_compliance_/);
    const asIt = { authorization: `Bearer ${token}` };
    expect((await fetch(`${server.url}/api/sessions`, { headers: asIt })).status).toBe(200);
    expect((await fetch(`${server.url}/api/tokens`, { headers: asIt })).status).toBe(403);

    const list = await (await fetch(`${server.url}/api/tokens`, { headers: auth() })).json();
    expect(JSON.stringify(list)).not.toContain(token);
    const entry = list.tokens.find((t: { name: string }) => t.name === 'compliance bot');
    expect(entry.role).toBe('compliance');

    const del = await fetch(`${server.url}/api/tokens/${entry.id}`, { method: 'DELETE', headers: auth() });
    expect(del.status).toBe(204);
    // The auth cache holds a decision for at most a few seconds; a fresh lookup sees the revocation.
    expect(await server.store.tokens.lookup(token)).toBeNull();
  });

  it('rejects a token request with an unknown role, naming the field', async () => {
    const res = await fetch(`${server.url}/api/tokens`, {
      method: 'POST',
      headers: { ...auth(), 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'x', role: 'root' }),
    });
    expect(res.status).toBe(400);
    expect((await res.json()).details[0].path).toBe('role');
  });
});

describe('home page', () => {
  it('trades the admin URL for a session cookie and never reflects the token', async () => {
    const ok = await fetch(`${server.url}/?token=${server.adminToken}`, { redirect: 'manual' });
    expect(ok.status).toBe(303);
    // The session's key goes to the page in the fragment (the cookie alone opens nothing).
    expect(ok.headers.get('location')).toMatch(/^\/#session=[\w-]{40,}$/);
    expect(ok.headers.get('location')).not.toContain(server.adminToken);
    expect(ok.headers.get('set-cookie')).toMatch(/^ward_session=/);
    expect(ok.headers.get('set-cookie')).not.toContain(server.adminToken);
    expect(await ok.text()).not.toContain(server.adminToken);
    expect(ok.headers.get('referrer-policy')).toBe('no-referrer');
    const bad = await fetch(`${server.url}/?token=${server.adminToken}<script>`, { redirect: 'manual' });
    expect(bad.headers.get('location')).toBe('/login?error=invalid-token');
    expect(await bad.text()).not.toContain('<script>');
    const page = await fetch(`${server.url}/`);
    expect(await page.text()).toContain('Ward');
  });
});

describe('API request size', () => {
  it('refuses an oversized JSON body with 413 before parsing it', async () => {
    const res = await fetch(`${server.url}/api/approvals`, {
      method: 'POST',
      headers: { ...auth(), 'content-type': 'application/json' },
      body: JSON.stringify({ command: 'x'.repeat(2 * 1024 * 1024) }),
    });
    expect(res.status).toBe(413);
    expect(await res.json()).toEqual({ error: 'request body over 1 MiB' });
  });
});
