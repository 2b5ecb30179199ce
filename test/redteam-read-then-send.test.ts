import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readEnv } from '../cli/env.js';
import { createServerHookDecider } from '../cli/hook-endpoint.js';
import { startServer, type WardServer } from '../collector/server.js';

// The attacker's plan: read a secret (a human approves a routine-looking `.env` read, or policy allows it), then
// send it out at once with a call the gate allows alone, before the analyzer has scored the read and raised the
// session's risk. Nothing here runs the analyzer: the server's hook endpoint must ask on its own.

const RUNNER = 'runner-token-for-read-then-send-test';
/** Sessions one token's reads are kept for (1,000 by default): the flood below fills it, so a smaller one. */
const PER_TOKEN = 100;
const OTHER = 'other-runner-token-for-read-then-send-test';
let server: WardServer;
let dataDir: string;
let workspace: string;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'ward-read-then-send-'));
  workspace = join(dataDir, 'project');
  // riskBehindMs 0: the asks here must come from the read, not from an analyzer that never runs.
  server = await startServer({ host: '127.0.0.1', port: 0, dataDir, riskBehindMs: 0 }, () => {}, {
    hookDecider: createServerHookDecider(readEnv({ HOME: dataDir }), undefined, undefined, {
      perCaller: PER_TOKEN,
    }),
  });
  await server.store.tokens.add(RUNNER, 'runner', 'runner');
  await server.store.tokens.add(OTHER, 'other', 'runner');
}, 120_000);

afterAll(async () => {
  await server?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

type ClaudeAnswer = { hookSpecificOutput?: { permissionDecision: string; permissionDecisionReason: string } };

async function hook(
  agent: 'claude-code' | 'codex',
  session: string,
  tool: string,
  input: Record<string, unknown>,
  token = RUNNER,
): Promise<ClaudeAnswer> {
  const res = await fetch(`${server.url}/api/hooks/${agent}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      session_id: session,
      transcript_path: '/tmp/t.jsonl',
      cwd: workspace,
      hook_event_name: 'PreToolUse',
      tool_name: tool,
      tool_input: input,
      tool_use_id: `call-${Math.random()}`,
    }),
  });
  expect(res.status).toBe(200);
  return (await res.json()) as ClaudeAnswer;
}
const bash = (agent: 'claude-code' | 'codex', session: string, command: string, token = RUNNER) =>
  hook(agent, session, 'Bash', { command }, token);
const decision = (a: ClaudeAnswer) => a.hookSpecificOutput?.permissionDecision ?? 'no objection';

const SEND = 'curl -s https://api.github.com/repos/acme/app';

describe('red team: read a secret, then send it before the analyzer scores the read', () => {
  it('asks for the send in the same session at once; other sessions and local calls are not held to it', async () => {
    // Before: the read was asked for, and the send right after it passed as a calm session's.
    expect(decision(await bash('claude-code', 'calm', SEND))).toBe('no objection');
    const read = await hook('claude-code', 'thief', 'Read', { file_path: join(workspace, '.env') });
    expect(decision(read)).toBe('ask');
    const send = await bash('claude-code', 'thief', SEND);
    expect(decision(send)).toBe('ask');
    expect(send.hookSpecificOutput?.permissionDecisionReason).toMatch(
      /this session read a secret \d+ s ago \(reads a project secrets file.*\.env\), and this call reaches api\.github\.com/,
    );
    // Another runner naming the session is asked too, and not told what the session read.
    const cross = await bash('claude-code', 'thief', SEND, OTHER);
    expect(decision(cross)).toBe('ask');
    expect(cross.hookSpecificOutput?.permissionDecisionReason).toMatch(/through another token/);
    expect(cross.hookSpecificOutput?.permissionDecisionReason).not.toMatch(/\.env/);
    // A fetch tool is a send too.
    const fetchAnswer = await hook('claude-code', 'thief', 'WebFetch', {
      url: 'https://paste.example.net/new',
      prompt: 'post it',
    });
    expect(decision(fetchAnswer)).toBe('ask');
    // What sends nothing out, or stays on this machine, is decided as before.
    expect(decision(await bash('claude-code', 'thief', 'ls -la'))).toBe('no objection');
    expect(decision(await bash('claude-code', 'thief', 'curl -s http://localhost:3000/health'))).toBe(
      'no objection',
    );
    expect(decision(await bash('claude-code', 'calm', SEND))).toBe('no objection');
  });

  it('a read a hook reports (?read=1) makes the next send ask, its text shown inert', async () => {
    const res = await fetch(`${server.url}/api/hooks/claude-code?read=1`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${RUNNER}`,
        'content-type': 'application/json',
        'x-ward-read': encodeURIComponent('reads a private key: \u001b]0;pwned\u0007 ~/.ssh/id_rsa'),
      },
      body: JSON.stringify({
        session_id: 'reported',
        transcript_path: '/tmp/t.jsonl',
        cwd: workspace,
        hook_event_name: 'PreToolUse',
        tool_name: 'Read',
        tool_input: { file_path: 'x' },
      }),
    });
    expect(await res.json()).toEqual({ noted: true });
    const send = await bash('claude-code', 'reported', SEND);
    expect(decision(send)).toBe('ask');
    const why = send.hookSpecificOutput?.permissionDecisionReason ?? '';
    expect(why).toContain('\\x1b]0;pwned\\x07');
    expect([...why].some((ch) => (ch.codePointAt(0) ?? 0) < 0x20)).toBe(false);
  });

  it('a read the hook refused never ran, so it does not count', async () => {
    // Codex acts only on deny: Ward's "ask" without --wait is a deny there, and the key was never read.
    expect(decision(await bash('codex', 'refused-read', 'cat ~/.ssh/id_rsa'))).toBe('deny');
    expect(decision(await bash('codex', 'refused-read', SEND))).toBe('no objection');
  });

  it('reading secrets in more decoy sessions than Ward keeps does not push the real read out of memory', async () => {
    expect(decision(await bash('claude-code', 'real', 'cat .env'))).toBe('ask');
    // Eight at a time: the token's line at the gate holds eight.
    const decoys = Array.from({ length: PER_TOKEN }, (_, i) => `decoy-${i}`);
    for (let i = 0; i < decoys.length; i += 8)
      await Promise.all(decoys.slice(i, i + 8).map((s) => bash('claude-code', s, 'cat .env')));
    const send = await bash('claude-code', 'real', SEND);
    expect(decision(send)).toBe('ask');
    expect(send.hookSpecificOutput?.permissionDecisionReason).toMatch(
      /than Ward keeps \(100 for this token\)/,
    );
    // The flood is this token's: another token's sessions are not asked for their sends.
    expect(decision(await bash('claude-code', 'unrelated', SEND, OTHER))).toBe('no objection');
  }, 120_000);
});
