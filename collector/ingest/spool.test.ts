import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { toJsonEachRow } from './prepare.js';
import { createFileSpool } from './spool.js';

const decode = (payload: Uint8Array): object[] =>
  new TextDecoder()
    .decode(payload)
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as object);

describe('file spool', () => {
  it('keeps batches on disk until a replay stores them, in order, then removes them', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'ward-spool-')), 'spool');
    const spool = createFileSpool(dir);
    await spool.write('otel_logs', toJsonEachRow([{ a: 1 }, { a: 2 }]));
    await spool.write('agent_events', toJsonEachRow([{ e: 'x' }]));
    expect(await spool.pending()).toBe(2);
    expect(readdirSync(dir).some((f) => f.endsWith('.tmp'))).toBe(false);

    const failing = createFileSpool(dir);
    await expect(
      failing.replay(async () => {
        throw new Error('still down');
      }),
    ).rejects.toThrow('still down');
    expect(await spool.pending()).toBe(2);

    const stored: { table: string; rows: object[] }[] = [];
    const n = await spool.replay(async (table, payload, rows) => {
      expect(decode(payload)).toHaveLength(rows);
      stored.push({ table, rows: decode(payload) });
    });
    expect(n).toBe(3);
    expect(stored).toEqual([
      { table: 'otel_logs', rows: [{ a: 1 }, { a: 2 }] },
      { table: 'agent_events', rows: [{ e: 'x' }] },
    ]);
    expect(await spool.pending()).toBe(0);
  });
});
