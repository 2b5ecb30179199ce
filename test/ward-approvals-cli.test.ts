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
  dataDir = mkdtempSync(join(tmpdir(), 'ward-approvals-cli-'));
  server = await startServer({ port: 0, dataDir, store: { database: 'ward_approvals_cli' } });
  await server.store.tokens.add('runner-token-approvals-cli', 'laptop', 'runner');
  await server.store.tokens.add('analyst-token-approvals-cli', 'ann', 'analyst');
});
afterAll(async () => {
  await server?.close();
});

const ward = (env: Record<string, string>, ...args: string[]) =>
  run(
    process.execPath,
    [join(ROOT, 'bin/ward.mjs'), 'approvals', ...args, '--server', server.url, '--data', dataDir],
    {
      env: { PATH: process.env.PATH, HOME: tmpdir(), ...env },
    },
  );

async function requestApproval(command: string): Promise<string> {
  const res = await fetch(`${server.url}/api/approvals`, {
    method: 'POST',
    headers: { authorization: 'Bearer runner-token-approvals-cli', 'content-type': 'application/json' },
    body: JSON.stringify({
      session_id: 'cli-s',
      agent: 'codex',
      command,
      risk: 0.7,
      reasons: [
        {
          rule_id: 'read.secret',
          category: 'credential-access',
          attack_id: 'T1552.001',
          detail: 'reads a secret',
        },
      ],
    }),
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as { id: string }).id;
}

describe('ward approvals (analyst CLI)', () => {
  it('lists the pending queue with reasons, approves as the analyst, and refuses a second decision', async () => {
    const id = await requestApproval('cat ~/.aws/credentials');
    const analyst = { WARD_TOKEN: 'analyst-token-approvals-cli' };
    const listed = (await ward(analyst, 'list')).stdout;
    expect(listed).toContain(id);
    expect(listed).toContain('$ cat ~/.aws/credentials');
    expect(listed).toContain('reads a secret [read.secret T1552.001]');

    const approved = (await ward(analyst, 'approve', id, '--reason', 'rotating keys')).stdout;
    expect(approved).toContain('APPROVED');
    expect(approved).toContain('by ann: rotating keys');
    expect((await ward(analyst, 'list')).stdout).toBe('no pending approvals\n');
    await expect(ward(analyst, 'deny', id)).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining('409'),
    });
  });

  it('refuses a runner token (runners may not decide) and explains a missing token', async () => {
    const id = await requestApproval('cat ~/.ssh/id_rsa');
    await expect(ward({ WARD_TOKEN: 'runner-token-approvals-cli' }, 'deny', id)).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining('403'),
    });
    const noToken = run(
      process.execPath,
      [join(ROOT, 'bin/ward.mjs'), 'approvals', 'list', '--data', '/nonexistent'],
      {
        env: { PATH: process.env.PATH },
      },
    );
    await expect(noToken).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('WARD_TOKEN') });
  });
});
