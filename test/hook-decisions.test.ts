import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type AnalyzerLoop, createAnalyzer } from '../analyzer/index.js';
import { readEnv } from '../cli/env.js';
import { createServerHookDecider } from '../cli/hook-endpoint.js';
import { startServer, type WardServer } from '../collector/server.js';
import type { Alert } from '../schema/index.js';

// An agent whose telemetry is refused (a flood), turned off, or without command text: its hook calls are the only
// trace of what it did. The server's hook endpoint stores each decided call as an event, and the analyzer scores it.

const RUNNER = 'runner-token-for-hook-decisions-test';
const ANALYST = 'analyst-token-for-hook-decisions-test';
let server: WardServer;
let dataDir: string;
let loop: AnalyzerLoop;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'ward-hook-decisions-'));
  server = await startServer({ host: '127.0.0.1', port: 0, dataDir }, () => {}, {
    hookDecider: createServerHookDecider(readEnv({ HOME: dataDir })),
  });
  await server.store.tokens.add(RUNNER, 'runner', 'runner');
  await server.store.tokens.add(ANALYST, 'ana', 'analyst');
  ({ loop } = await createAnalyzer({ store: server.store, lease: false }));
}, 120_000);

afterAll(async () => {
  await server?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

async function api<T>(path: string, token: string, body?: unknown): Promise<T> {
  const res = await fetch(`${server.url}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return (await res.json()) as T;
}

describe('hook decisions as events', () => {
  it("the analyzer raises an alert from a hook call alone, when the agent's own telemetry never arrives", async () => {
    const session = 'hook-only-1';
    await api('/api/hooks/gemini-cli', RUNNER, {
      session_id: session,
      transcript_path: '/tmp/t.jsonl',
      cwd: dataDir,
      hook_event_name: 'BeforeTool',
      tool_name: 'run_shell_command',
      tool_input: { command: 'cat ~/.aws/credentials' },
    });
    // Stored in batches (every 250 ms), after the hook was answered.
    await vi.waitFor(
      async () => {
        const { events } = await server.store.events.query({ session, limit: 10 });
        expect(
          events.map((e) => [e.kind, e.event_name, e.command, e.attributes['ward.hook.token_name']]),
        ).toEqual([['tool_decision', 'ward.hook.decision', 'cat ~/.aws/credentials', 'runner']]);
      },
      { timeout: 10_000, interval: 50 },
    );
    while ((await loop.runOnce()) > 0) {
      // until caught up
    }
    const { alerts } = await api<{ alerts: Alert[] }>(`/api/alerts?session=${session}`, ANALYST);
    expect(alerts.map((a) => a.rule_id)).toContain('cred-read');
  });
});
