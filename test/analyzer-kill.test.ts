import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createStore } from '../store/index.js';
import { alertRows, attackSession } from './helpers/analyzer.js';

// Its own file: the embedded engine is one data directory per process, and this test opens one of its own.
const ROOT = join(import.meta.dirname, '..');

describe('a kill -9 loses no detection', () => {
  it('ward analyze killed mid-run and restarted ends with every alert exactly once', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'ward-kill-'));
    const sessions = Array.from({ length: 60 }, (_, i) => `kill-${i}`);
    {
      const store = await createStore({ dataDir, database: 'ward' });
      await store.events.insert(sessions.flatMap(attackSession));
      await store.close();
    }
    const run = (args: string[]) =>
      spawn(process.execPath, [join(ROOT, 'dist/cli/ward.js'), 'analyze', '--data', dataDir, ...args], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
    // First worker: killed with SIGKILL as soon as it has written its first alert.
    const child = run(['--follow', '--batch-size', '12']);
    await new Promise<void>((resolve) => {
      child.stderr.on('data', (d: Buffer) => {
        if (d.toString().includes('alert ')) {
          child.kill('SIGKILL');
          resolve();
        }
      });
      child.on('exit', () => resolve());
    });
    await new Promise((r) => child.on('exit', r));
    // Second worker: catches up and exits.
    const second = run([]);
    let out = '';
    second.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    const code = await new Promise<number | null>((r) => second.on('exit', r));
    expect(code).toBe(0);
    // The kill landed mid-run: the second worker had events left to score.
    expect(Number(/scored (\d+) events/.exec(out)?.[1])).toBeGreaterThan(0);
    const store = await createStore({ dataDir, database: 'ward' });
    try {
      const rows = await alertRows(store, sessions);
      for (const s of sessions) {
        const mine = rows.filter((r) => r.session_id === s).map((r) => r.rule_id);
        expect(mine, s).toEqual(
          expect.arrayContaining([
            'cred-read',
            'exfil-channel',
            'persist-shell-rc',
            'seq.sensitive-read-egress',
          ]),
        );
      }
      for (const r of rows) expect(r.ids).toBe(1);
    } finally {
      await store.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 120_000);
});
