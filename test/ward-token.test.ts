import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type WardServer } from '../collector/server.js';

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, '..');
let server: WardServer;
let dataDir: string;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'ward-token-'));
  server = await startServer({ port: 0, dataDir, store: { database: 'ward_token_cli' } });
});
afterAll(async () => {
  await server?.close();
});

const ward = (...args: string[]) =>
  run(
    process.execPath,
    [join(ROOT, 'bin/ward.mjs'), 'token', ...args, '--server', server.url, '--data', dataDir],
    {
      env: { PATH: process.env.PATH, HOME: tmpdir() },
    },
  );

describe('ward token', () => {
  it('mints a runner token with the admin token from the data dir; the token works at once and can be revoked', async () => {
    const created = JSON.parse((await ward('create', '--name', 'laptop runner', '--role', 'runner')).stdout);
    expect(created.token).toMatch(/^ward_runner_/);
    const approval = await fetch(`${server.url}/api/approvals`, {
      method: 'POST',
      headers: { authorization: `Bearer ${created.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ session_id: 's', agent: 'codex', command: 'rm -rf build', risk: 0.5 }),
    });
    expect(approval.status).toBe(201);

    const listed = JSON.parse((await ward('list')).stdout) as { tokens: { id: string; name: string }[] };
    const entry = listed.tokens.find((t) => t.name === 'laptop runner');
    expect(entry).toBeDefined();
    expect((await ward('revoke', entry?.id ?? '')).stdout).toContain('revoked');
    expect(await server.store.tokens.lookup(created.token)).toBeNull();
  });

  it('explains a missing admin token and a bad role instead of failing obscurely', async () => {
    const noToken = run(
      process.execPath,
      [join(ROOT, 'bin/ward.mjs'), 'token', 'list', '--data', '/nonexistent'],
      {
        env: { PATH: process.env.PATH },
      },
    );
    await expect(noToken).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringContaining('WARD_ADMIN_TOKEN'),
    });
    await expect(ward('create', '--name', 'x', '--role', 'root')).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining('role'),
    });
  });
});
