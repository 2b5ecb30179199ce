import { mkdtempSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readEnv } from '../cli/env.js';
import { createServerHookDecider } from '../cli/hook-endpoint.js';
import { startServer, type WardServer } from '../collector/server.js';

// Red team: an agent fills its own token's API requests in progress, then runs a tool. Its hook call must not
// get the 429 the API gives (Claude Code and the other agents take any non-2xx hook answer as "no objection"
// and run the tool): the hook answers 200 with a deny, without analysing the call.

const RUNNER = 'runner-over-limit-token-0123456789';
/** Its own token for the rate (the requests held open above count against RUNNER's). */
const ASKER = 'runner-ask-rate-token-0123456789ab';
let server: WardServer;

beforeAll(async () => {
  server = await startServer(
    {
      port: 0,
      dataDir: mkdtempSync(join(tmpdir(), 'ward-hook-over-limit-')),
      store: { database: 'ward_hook_over_limit' },
      limits: { apiPerToken: 2, heldPerToken: 1 },
      approvalRate: { requests: 2, windowS: 600 },
    },
    () => {},
    {
      hookDecider: createServerHookDecider(readEnv({ HOME: mkdtempSync(join(tmpdir(), 'ward-hol-home-')) })),
    },
  );
  await server.store.tokens.add(RUNNER, 'laptop', 'runner');
  await server.store.tokens.add(ASKER, 'asker', 'runner');
}, 120_000);
afterAll(async () => {
  await server?.close();
});

/** A POST whose body never finishes until `end()`: its request stays in progress inside the handler. */
function slowPost(): { end: () => Promise<number> } {
  const url = new URL('/api/approvals', server.url);
  let status: Promise<number> = Promise.resolve(0);
  const req = request(url, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${RUNNER}`,
      'content-type': 'application/json',
      'content-length': '200',
    },
  });
  status = new Promise((resolve, reject) => {
    req.on('response', (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
  });
  req.write('{"session_id": "hol", ');
  return {
    end: () => {
      req.end(`${'"agent": "codex", "command": "ls", "risk": 0.1}'.padEnd(178, ' ')}`);
      return status;
    },
  };
}

async function hook(command: string, query = '', token = RUNNER) {
  const res = await fetch(`${server.url}/api/hooks/claude-code${query}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      session_id: 'hol',
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

describe('a hook call from a token at its in-progress limit', () => {
  it('is answered 200 with a deny (never a 429 the agent would take as "go ahead")', async () => {
    expect(await hook('ls -la')).toEqual({ status: 200, decision: undefined, reason: '' });
    const held = [slowPost(), slowPost()];
    const ended = () => Promise.all(held.map((h) => h.end()));
    try {
      // Until both are inside their handler, a probe from the same token gets in and finishes; then 429.
      for (;;) {
        const probe = await fetch(`${server.url}/api/approvals/apr-probe`, {
          headers: { authorization: `Bearer ${RUNNER}` },
        });
        await probe.arrayBuffer();
        if (probe.status === 429) break;
        expect(probe.status).toBe(404);
      }
      const over = await hook('ls -la');
      expect(over.status).toBe(200);
      expect(over.decision).toBe('deny');
      expect(over.reason).toMatch(/requests in progress/);
    } finally {
      expect((await ended()).every((s) => s === 201)).toBe(true);
    }
    // The limit was the only reason: with the slots back, the same call is not objected to.
    expect(await hook('ls -la')).toEqual({ status: 200, decision: undefined, reason: '' });
  }, 60_000);
});

describe('a hook call with a body over the API limit', () => {
  it('is answered 200 with a deny, not 413 (a dangerous command behind a 1 MiB comment would run)', async () => {
    for (const agent of ['claude-code', 'codex', 'gemini-cli']) {
      const command = `rm -rf ~ # ${'a'.repeat(1_100_000)}`;
      const res = await fetch(`${server.url}/api/hooks/${agent}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${RUNNER}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          session_id: 'hol',
          cwd: '/tmp',
          hook_event_name: agent === 'gemini-cli' ? 'BeforeTool' : 'PreToolUse',
          tool_name: agent === 'gemini-cli' ? 'run_shell_command' : 'Bash',
          tool_input: { command },
        }),
      });
      expect(res.status, agent).toBe(200);
      const out = JSON.stringify(await res.json());
      expect(out, agent).toMatch(/"(permissionDecision|decision)":"deny"/);
      expect(out, agent).toMatch(/over 1 MiB/);
    }
    // Sent in chunks, without a length up front: the limit applies as the body arrives.
    const text = JSON.stringify({
      session_id: 'hol',
      cwd: '/tmp',
      hook_event_name: 'PreToolUse',
      tool_name: 'Bash',
      tool_input: { command: `rm -rf ~ # ${'b'.repeat(1_100_000)}` },
    });
    const chunks = new ReadableStream<Uint8Array>({
      start(controller) {
        const bytes = new TextEncoder().encode(text);
        for (let i = 0; i < bytes.length; i += 65_536) controller.enqueue(bytes.subarray(i, i + 65_536));
        controller.close();
      },
    });
    const streamed = await fetch(`${server.url}/api/hooks/claude-code`, {
      method: 'POST',
      headers: { authorization: `Bearer ${RUNNER}`, 'content-type': 'application/json' },
      body: chunks,
      duplex: 'half',
    } as RequestInit);
    expect(streamed.status).toBe(200);
    expect(JSON.stringify(await streamed.json())).toMatch(/"permissionDecision":"deny".*over 1 MiB/);
  }, 60_000);
});

describe('a hook call that would ask, past the token approval-request rate', () => {
  it('is answered 200 with a deny that says why, and makes no request', async () => {
    // Within the rate (2 here): each asks a human, nobody answers within the second, so each is denied by its expiry.
    const wait = '?wait=1&timeout_s=1';
    for (let i = 0; i < 2; i++) {
      const asked = await hook(`git push --force origin main-${i}`, wait, ASKER);
      expect(asked).toMatchObject({ status: 200, decision: 'deny' });
      expect(asked.reason).not.toMatch(/approval requests in the last/);
    }
    const over = await hook('git push --force origin main-2', wait, ASKER);
    expect(over).toMatchObject({ status: 200, decision: 'deny' });
    expect(over.reason).toMatch(/approval requests in the last 600 s/);
    const made = await server.store.approvals.list({ limit: 100 });
    expect(
      made
        .filter((a) => a.requested_by === 'asker')
        .map((a) => a.command)
        .sort(),
    ).toEqual(['git push --force origin main-0', 'git push --force origin main-1']);
  }, 60_000);
});
