import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAnalyzer } from '../analyzer/index.js';
import { startServer, type WardServer } from '../collector/server.js';
import { type DemoResult, runDemo } from '../demo/index.js';
import type { Alert } from '../schema/index.js';

// What a first-time user sees after `ward serve --demo`: every attack story raises the alerts its name promises,
// no benign story raises any.
const EXPECTED: Record<string, string[]> = {
  'credential-exfil': ['cred-read', 'exfil-channel', 'seq.sensitive-read-egress'],
  'download-exec': ['download-execute'],
  destructive: ['destructive-command'],
  'sandboxed-exfil': ['persist-shell-rc'],
};

describe('ward demo sessions produce the alerts a first-time user expects', () => {
  let server: WardServer;
  let dataDir: string;
  let demo: DemoResult;
  const alerts = new Map<string, Alert[]>();

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'ward-analyzer-demo-'));
    server = await startServer({ host: '127.0.0.1', port: 0, dataDir });
    demo = await runDemo({ server: server.url, seed: 42 });
    const { loop } = await createAnalyzer({ store: server.store, lease: false });
    await loop.catchUp();
    for (const s of demo.perSession) {
      const page = await server.store.alerts.list({
        session: s.sessionId,
        sort: 'time',
        order: 'desc',
        limit: 100,
      });
      alerts.set(s.sessionId, page.alerts);
    }
  }, 180_000);

  afterAll(async () => {
    await server?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('benign sessions raise nothing', () => {
    for (const s of demo.perSession.filter((x) => !x.attack))
      expect(
        alerts.get(s.sessionId)?.map((a) => a.rule_id),
        `${s.agent} ${s.story}`,
      ).toEqual([]);
  });

  it('attack sessions raise their alerts, whatever the agent', () => {
    for (const s of demo.perSession.filter((x) => x.attack)) {
      const ids = alerts.get(s.sessionId)?.map((a) => a.rule_id) ?? [];
      expect(ids.length, `${s.agent} ${s.story}`).toBeGreaterThan(0);
      // Codex reports no command text for a refused call: its destructive session shows as refusals.
      const expected =
        s.agent === 'codex' && s.story === 'destructive' ? ['seq.refusal-burst'] : (EXPECTED[s.story] ?? []);
      expect(ids, `${s.agent} ${s.story}`).toEqual(expect.arrayContaining(expected));
    }
  });
});
