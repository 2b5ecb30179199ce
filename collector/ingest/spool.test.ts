import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
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
    await spool.write('otel_logs', toJsonEachRow([{ a: 1 }, { a: 2 }]), 'JSONEachRow', 2);
    await spool.write('agent_events', toJsonEachRow([{ e: 'x' }]), 'JSONEachRow', 1);
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
    const n = await spool.replay(async (table, payload, rows, format) => {
      expect(format).toBe('JSONEachRow');
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

  it('keeps the format in the name: RowBinary replays as RowBinary with its row count, old names as JSON', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'ward-spool-')), 'spool');
    const spool = createFileSpool(dir);
    // A file an older version wrote (no format in the name) is JSONEachRow.
    await mkdir(dir, { recursive: true });
    writeFileSync(join(dir, '000000000000001-000000000-old.agent_events.jsonl'), toJsonEachRow([{ e: 1 }]));
    const binary = Uint8Array.from([1, 2, 3, 0x0a, 0x0a]); // newline bytes must not count as rows
    await spool.write('otel_logs', binary, 'RowBinary', 7);
    await spool.write('agent_events', toJsonEachRow([{ e: 2 }, { e: 3 }]), 'JSONEachRow', 2);
    expect(readdirSync(dir).filter((f) => f.endsWith('.rowbinary'))).toHaveLength(1);

    const seen: { table: string; format: string; rows: number; bytes: number[] }[] = [];
    const n = await spool.replay(async (table, payload, rows, format) => {
      seen.push({ table, format, rows, bytes: format === 'RowBinary' ? [...payload] : [] });
    });
    expect(seen).toEqual([
      { table: 'agent_events', format: 'JSONEachRow', rows: 1, bytes: [] },
      { table: 'otel_logs', format: 'RowBinary', rows: 7, bytes: [1, 2, 3, 0x0a, 0x0a] },
      { table: 'agent_events', format: 'JSONEachRow', rows: 2, bytes: [] },
    ]);
    expect(n).toBe(10);
    expect(await spool.pending()).toBe(0);
  });
});
