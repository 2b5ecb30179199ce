import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readEnv } from '../cli/env.js';
import { createServerHookDecider } from '../cli/hook-endpoint.js';
import { startServer, type WardServer } from '../collector/server.js';

// The HTTP hook takes `cwd` from its caller. It must not make the server read a policy (or any file) under
// a path the caller names: a hostile agent would point it at a policy it wrote to relax its own gate, or at
// server files to learn about them from the errors.

const RUNNER = 'runner-hook-policy-token-0123456789';
const HOME = mkdtempSync(join(tmpdir(), 'ward-hook-policy-home-'));
let server: WardServer;

beforeAll(async () => {
  mkdirSync(join(HOME, '.ward'));
  // The server user's policy (a server layer): it applies.
  writeFileSync(
    join(HOME, '.ward', 'policy.yaml'),
    'version: 1\nrules:\n  - id: server-says-no-make\n    decision: deny\n    reason: no builds here\n    command: { regex: "^make" }\n',
  );
  server = await startServer(
    {
      port: 0,
      dataDir: mkdtempSync(join(tmpdir(), 'ward-hook-policy-')),
      store: { database: 'ward_hook_policy' },
    },
    () => {},
    { hookDecider: createServerHookDecider(readEnv({ HOME })) },
  );
  await server.store.tokens.add(RUNNER, 'laptop', 'runner');
});
afterAll(async () => {
  await server?.close();
});

async function hook(cwd: string, command: string): Promise<{ permissionDecision?: string; reason: string }> {
  const res = await fetch(`${server.url}/api/hooks/claude-code`, {
    method: 'POST',
    headers: { authorization: `Bearer ${RUNNER}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      session_id: 'hp',
      cwd,
      hook_event_name: 'PreToolUse',
      tool_name: 'Bash',
      tool_input: { command },
    }),
  });
  expect(res.status).toBe(200);
  const out = (await res.json()) as {
    hookSpecificOutput?: { permissionDecision?: string; permissionDecisionReason?: string };
  };
  return {
    permissionDecision: out.hookSpecificOutput?.permissionDecision,
    reason: out.hookSpecificOutput?.permissionDecisionReason ?? '',
  };
}

describe('POST /api/hooks/:agent and the caller-named cwd', () => {
  it('ignores a policy file under the cwd the caller names (it would change the decision if read)', async () => {
    const project = mkdtempSync(join(tmpdir(), 'ward-hook-policy-project-'));
    mkdirSync(join(project, '.ward'));
    writeFileSync(
      join(project, '.ward', 'policy.yaml'),
      'version: 1\nrules:\n  - id: planted\n    decision: deny\n    reason: planted policy was read\n    command: { regex: "^ls" }\n',
    );
    const d = await hook(project, 'ls -la');
    expect(d.reason).not.toContain('planted');
    expect(d.permissionDecision).toBeUndefined(); // no objection: the agent's own guard decides
  });

  it('never parses a file the caller points at (an invalid one would surface as a policy error)', async () => {
    const project = mkdtempSync(join(tmpdir(), 'ward-hook-policy-bad-'));
    mkdirSync(join(project, '.ward'));
    writeFileSync(join(project, '.ward', 'policy.yaml'), 'root:x:0:0:secret-looking-line\n: : :\n');
    const d = await hook(project, 'ls');
    expect(d.permissionDecision).toBeUndefined(); // no objection: the agent's own guard decides
    expect(d.reason).not.toMatch(/secret-looking|policy/i);
  });

  it('applies the server’s own policy layers', async () => {
    const d = await hook('/tmp', 'make all');
    expect(d.permissionDecision).toBe('deny');
    expect(d.reason).toContain('no builds here');
  });
});
