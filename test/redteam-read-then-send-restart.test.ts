import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readEnv } from '../cli/env.js';
import { createServerHookDecider } from '../cli/hook-endpoint.js';
import { startServer, type WardServer } from '../collector/server.js';
import { claudeHook, decision, hookCall } from './helpers/claude-hook.js';

// The read-then-send memory (gate/read-then-send.ts) lived in the server's memory only: a secret read, a restart
// (a deploy, a crash), then the send passed as a calm session's. Nothing here runs the analyzer.

const RUNNER = 'runner-token-read-then-send-restart-0123';
const SEND = 'curl -s https://api.github.com/repos/acme/app';

const hook = (
  server: WardServer,
  session: string,
  tool: string,
  input: Record<string, unknown>,
  cwd: string,
) => claudeHook(server.url, RUNNER, hookCall(session, tool, input, cwd));

describe('red team: read, restart, send', () => {
  it('still asks for the send after the server restarted on the same data dir', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'ward-rts-restart-'));
    const workspace = join(dataDir, 'project');
    const start = () =>
      startServer({ host: '127.0.0.1', port: 0, dataDir, riskBehindMs: 0 }, () => {}, {
        hookDecider: createServerHookDecider(readEnv({ HOME: dataDir })),
      });
    let server = await start();
    try {
      await server.store.tokens.add(RUNNER, 'runner', 'runner');
      const read = await hook(server, 'patient', 'Bash', { command: 'cat .env' }, workspace);
      expect(decision(read)).toBe('ask');
      await server.close();
      server = await start();
      const send = await hook(server, 'patient', 'Bash', { command: SEND }, workspace);
      expect(decision(send)).toBe('ask');
      expect(send.hookSpecificOutput?.permissionDecisionReason).toMatch(/this session read a secret/);
      expect(decision(await hook(server, 'calm', 'Bash', { command: SEND }, workspace))).toBe('no objection');
    } finally {
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 120_000);
});
