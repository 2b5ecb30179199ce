import { execFile, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { createStore } from '../store/index.js';

const ROOT = join(import.meta.dirname, '..');

describe('ward serve retention', () => {
  it('warns when a log table keeps less than the controls require, and audits every retention change', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'ward-retention-'));
    const child = spawn(
      process.execPath,
      [
        join(ROOT, 'bin/ward.mjs'),
        'serve',
        '--port',
        '0',
        '--data',
        dataDir,
        '--retention',
        'audit_chain=30,alerts=400',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'], env: { PATH: process.env.PATH ?? '', HOME: tmpdir() } },
    );
    let out = '';
    let err = '';
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
    });
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('try:')) resolve();
      });
      child.once('exit', (code) => reject(new Error(`ward serve exited early (${code}): ${out}${err}`)));
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(err).toContain(
      'warning: audit_chain keeps 30 days, below the 183 days the mapped controls require',
    );
    expect(err).not.toMatch(/warning: alerts/);

    // Back to the defaults on the next start: the change is audited too.
    const store = await createStore({ dataDir });
    try {
      const changes = (await store.audit.list({ limit: 1000 })).filter(
        (r) => r.action === 'retention.changed',
      );
      const audit = changes.filter((r) => r.target === 'audit_chain').map((r) => JSON.parse(r.details));
      expect(audit).toEqual([
        { from_days: null, to_days: 30, required_days: 183 },
        { from_days: 30, to_days: 365, required_days: 183 },
      ]);
      // Analysts' triage changes are kept exactly as long as the alerts they change.
      const triage = changes.filter((r) => r.target === 'alert_triage').map((r) => JSON.parse(r.details));
      expect(triage).toEqual([
        { from_days: null, to_days: 400, required_days: 183 },
        { from_days: 400, to_days: 365, required_days: 183 },
      ]);
      const [ddl] = await store.db.query<{ q: string }>(
        'test.ddl',
        `SELECT create_table_query AS q FROM system.tables WHERE database = {db:String} AND name = 'alert_triage'`,
        { db: store.config.database },
      );
      expect(ddl?.q).toContain('TTL toDateTime(alert_time) + toIntervalDay(365)');
      expect((await store.retention.status()).find((t) => t.table === 'audit_chain')).toMatchObject({
        days: 365,
        ok: true,
      });
      expect((await store.audit.verify()).ok).toBe(true);
    } finally {
      await store.close();
    }
  });

  it('refuses a malformed --retention', async () => {
    await expect(
      promisify(execFile)(
        process.execPath,
        [join(ROOT, 'bin/ward.mjs'), 'serve', '--retention', 'audit_chain=lots'],
        {
          env: { PATH: process.env.PATH ?? '' },
        },
      ),
    ).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('TABLE=DAYS') });
  });
});
