import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type WardServer } from '../collector/server.js';
import { checkServer } from '../sandbox-runner/doctor/server-check.js';

let server: WardServer;

beforeAll(async () => {
  server = await startServer({
    port: 0,
    dataDir: mkdtempSync(join(tmpdir(), 'ward-doctor-')),
    store: { database: 'ward_doctor' },
  });
  await server.store.tokens.add('doctor-runner-token-1', 'runner', 'runner');
  await server.store.tokens.add('doctor-compliance-token', 'auditor', 'compliance');
});
afterAll(async () => {
  await server?.close();
});

const byName = (checks: { name: string; ok: boolean; detail: string; fix?: string }[], name: string) =>
  checks.find((c) => c.name === name);

describe('ward doctor: the server side', () => {
  it('passes with a reachable server and a runner token', async () => {
    const checks = await checkServer({ server: server.url, token: 'doctor-runner-token-1' });
    expect(checks.map((c) => [c.name, c.ok])).toEqual([
      ['ward server', true],
      ['server spool', true],
      ['server command analysis', true],
      ['runner token', true],
    ]);
  });

  it('reports a server whose shell grammar failed (its policy check then reads no command), with the fix', async () => {
    const health = {
      spool: { depth: 0, oldestAgeSeconds: 0, quarantined: 0 },
      grammar: { failed: true, memoryMb: 512 },
    };
    const fakeFetch = (async (url: string) =>
      String(url).endsWith('/healthz')
        ? Response.json(health)
        : new Response('{}', { status: 200 })) as typeof fetch;
    const checks = await checkServer({ server: 'http://127.0.0.1:9', token: 't', fetch: fakeFetch });
    const g = byName(checks, 'server command analysis');
    expect(g?.ok).toBe(false);
    expect(g?.detail).toMatch(/exec\.unanalysable/);
    expect(g?.fix).toMatch(/restart/);
    // And the real server says how its grammar is.
    const real = (await (await fetch(`${server.url}/healthz`)).json()) as { grammar?: { failed: boolean } };
    expect(real.grammar?.failed).toBe(false);
  });

  it('says exactly what to do about a missing, unknown or under-privileged token', async () => {
    const none = byName(await checkServer({ server: server.url, token: undefined }), 'runner token');
    expect(none).toMatchObject({ ok: false, fix: expect.stringContaining('ward token create') });
    const unknown = byName(await checkServer({ server: server.url, token: 'nope' }), 'runner token');
    expect(unknown?.detail).toMatch(/unknown or revoked/);
    const compliance = byName(
      await checkServer({ server: server.url, token: 'doctor-compliance-token' }),
      'runner token',
    );
    expect(compliance?.detail).toMatch(/may not request approvals/);
  });

  it('reports an unreachable server with the fix, without hanging', async () => {
    const checks = await checkServer({ server: 'http://127.0.0.1:9', token: 'x', timeoutMs: 2000 });
    expect(checks).toHaveLength(1);
    expect(checks[0]).toMatchObject({
      name: 'ward server',
      ok: false,
      fix: expect.stringContaining('npm start'),
    });
  });
});
