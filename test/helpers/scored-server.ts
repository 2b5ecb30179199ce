import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { createAnalyzer } from '../../analyzer/index.js';
import { startServer } from '../../collector/server.js';
import { type ClaudeSession, claudeSessionsBody } from './otlp-json-logs.js';

/**
 * A real `ward serve` on loopback (embedded ClickHouse) with runner tokens, and the real analyzer loop scored on
 * demand: sessions go in as Claude Code exports them over OTLP/HTTP JSON, alerts come out by session.
 */
export async function startScoredServer(prefix: string, runnerTokens: readonly string[]) {
  const dataDir = mkdtempSync(join(tmpdir(), prefix));
  const server = await startServer({ host: '127.0.0.1', port: 0, dataDir });
  for (const t of runnerTokens) await server.store.tokens.add(t, t, 'runner');
  const { loop } = await createAnalyzer({ store: server.store, lease: false, analysis: 'inline' });
  return {
    server,
    /** Sends the sessions with `token`, or (null) none, from loopback; each request must be stored (200). */
    async send(token: string | null, sessions: readonly ClaudeSession[]): Promise<void> {
      const res = await fetch(`${server.url}/v1/logs`, {
        method: 'POST',
        headers: {
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          'content-type': 'application/json',
        },
        body: claudeSessionsBody(sessions),
      });
      expect(res.status, await res.text()).toBe(200);
    },
    /** Runs the analyzer until it has caught up. */
    async score(): Promise<void> {
      while ((await loop.runOnce()) > 0) {
        // until caught up
      }
    },
    /** The rule ids of a session's alerts. */
    async rules(session: string): Promise<string[]> {
      const { alerts } = await server.store.alerts.list({ session, sort: 'time', order: 'desc', limit: 100 });
      return alerts.map((a) => a.rule_id);
    },
    async close(): Promise<void> {
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
