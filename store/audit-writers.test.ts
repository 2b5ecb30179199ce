import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createStore } from './index.js';

// chDB runs one engine per process and locks its data dir, so two `ward serve` processes cannot share an
// embedded store (the second fails with "Cannot lock file .../status"). What several processes on one
// ClickHouse server do is modelled here by two complete store instances (two writers, as two servers would
// be) over the same tables, appending concurrently.
describe('audit trail with several writers on one ClickHouse', () => {
  it('keeps every chain intact while two store instances append concurrently', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'ward-writers-'));
    const a = await createStore(
      { dataDir, database: 'writers' },
      { audit: { checkpointEvery: 7, checkpointAfterMs: 0 } },
    );
    const b = await createStore(
      { dataDir, database: 'writers' },
      { audit: { checkpointEvery: 5, checkpointAfterMs: 0 } },
    );
    expect(a.audit.writer).not.toBe(b.audit.writer);
    await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        (i % 3 === 0 ? a : b).audit.append({
          actor: `p${i % 3 === 0 ? 'a' : 'b'}`,
          action: 'approval.decided',
          target: `x${i}`,
        }),
      ),
    );
    await a.audit.close();
    const v = await b.audit.verify();
    const mine = v.writers.filter((w) => w.writer === a.audit.writer || w.writer === b.audit.writer);
    expect(v.ok).toBe(true);
    expect(mine.map((w) => w.records).sort()).toEqual([30, 40]); // a: 20 plus the 10 retention records of the first start (7 tables, alert_triage, analyzer_steps, analyzer_sightings); b: 40
    expect(mine.find((w) => w.writer === a.audit.writer)?.signed_through).toBe(30);
    // b's live tail after its last checkpoint is checked but not yet signed; close signs it.
    await b.audit.close();
    const after = await b.audit.verify();
    expect(after.writers.every((w) => w.signed_through === w.last_seq)).toBe(true);
    await b.close().catch(() => {});
  });
});
