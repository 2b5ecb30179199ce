import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readEnv } from '../cli/env.js';
import { createServerHookDecider } from '../cli/hook-endpoint.js';
import { startServer, type WardServer } from '../collector/server.js';

// A hook call that would ask a human, from a token past its approval-request rate: it is answered 200 with a
// deny (an agent takes any other answer as "go ahead"), and no request is made.

const RUNNER = 'runner-ask-rate-token-0123456789ab';
let server: WardServer;

beforeAll(async () => {
  server = await startServer(
    {
      port: 0,
      dataDir: mkdtempSync(join(tmpdir(), 'ward-hook-ask-rate-')),
      store: { database: 'ward_hook_ask_rate' },
      approvalRate: { requests: 2, windowS: 600 },
    },
    () => {},
    {
      hookDecider: createServerHookDecider(readEnv({ HOME: mkdtempSync(join(tmpdir(), 'ward-har-home-')) })),
    },
  );
  await server.store.tokens.add(RUNNER, 'laptop', 'runner');
}, 120_000);
afterAll(async () => {
  await server?.close();
});

async function hook(command: string) {
  const res = await fetch(`${server.url}/api/hooks/claude-code?wait=1&timeout_s=1`, {
    method: 'POST',
    headers: { authorization: `Bearer ${RUNNER}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      session_id: 'har',
      cwd: '/tmp',
      hook_event_name: 'PreToolUse',
      tool_name: 'Bash',
      tool_input: { command },
    }),
  });
  const out = (await res.json()) as {
    hookSpecificOutput?: { permissionDecision?: string; permissionDecisionReason?: string };
  };
  return {
    status: res.status,
    decision: out.hookSpecificOutput?.permissionDecision,
    reason: out.hookSpecificOutput?.permissionDecisionReason ?? '',
  };
}

describe('a hook call that would ask, past the token approval-request rate', () => {
  it('is denied with the reason, and makes no request', async () => {
    // Within the rate: each asks a human, nobody answers within the second, so each is denied by its expiry.
    for (let i = 0; i < 2; i++) {
      const asked = await hook(`git push --force origin main-${i}`);
      expect(asked.status).toBe(200);
      expect(asked.decision).toBe('deny');
      expect(asked.reason).not.toMatch(/approval requests in the last/);
    }
    const over = await hook('git push --force origin main-2');
    expect(over).toMatchObject({ status: 200, decision: 'deny' });
    expect(over.reason).toMatch(/approval requests in the last 600 s/);
    const made = await server.store.approvals.list({ limit: 100 });
    expect(made.map((a) => a.command).sort()).toEqual([
      'git push --force origin main-0',
      'git push --force origin main-1',
    ]);
  }, 60_000);
});
