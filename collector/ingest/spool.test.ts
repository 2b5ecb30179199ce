import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { toJsonEachRow } from './prepare.js';
import { createFileSpool } from './spool.js';
import { loadSpoolKey, SPOOL_KEY_FILE } from './spool-key.js';
import type { Sink } from './writer.js';

const decode = (payload: Uint8Array): object[] =>
  new TextDecoder()
    .decode(payload)
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as object);

function setup(extra: { probe?: () => Promise<void>; maxAttempts?: number } = {}) {
  const data = mkdtempSync(join(tmpdir(), 'ward-spool-'));
  const dir = join(data, 'spool');
  const logs: string[] = [];
  const key = loadSpoolKey(data);
  const spool = createFileSpool({ dir, key, log: (m) => logs.push(m), ...extra });
  return { data, dir, key, logs, spool };
}

const collect = () => {
  const seen: { table: string; format: string; rows: number; payload: Uint8Array }[] = [];
  const sink: Sink = async (table, payload, rows, format) => {
    seen.push({ table, format, rows, payload });
  };
  return { seen, sink };
};

describe('file spool', () => {
  it('keeps batches on disk until a replay stores them, in order, with format and row count', async () => {
    const { dir, spool } = setup();
    await spool.write('otel_logs', toJsonEachRow([{ a: 1 }, { a: 2 }]), 'JSONEachRow', 2);
    const binary = Uint8Array.from([1, 2, 3, 0x0a, 0x0a]); // newline bytes must not count as rows
    await spool.write('otel_logs', binary, 'RowBinary', 7);
    await spool.write('agent_events', toJsonEachRow([{ e: 'x' }]), 'JSONEachRow', 1);
    expect((await spool.stats()).depth).toBe(3);
    expect(readdirSync(dir).some((f) => f.endsWith('.tmp'))).toBe(false);

    const { seen, sink } = collect();
    expect(await spool.replay(sink)).toBe(10);
    expect(seen.map((s) => [s.table, s.format, s.rows])).toEqual([
      ['otel_logs', 'JSONEachRow', 2],
      ['otel_logs', 'RowBinary', 7],
      ['agent_events', 'JSONEachRow', 1],
    ]);
    expect(decode(seen[0]?.payload as Uint8Array)).toEqual([{ a: 1 }, { a: 2 }]);
    expect([...(seen[1]?.payload ?? [])]).toEqual([1, 2, 3, 0x0a, 0x0a]);
    expect(await spool.stats()).toMatchObject({ depth: 0, quarantined: 0 });
  });

  it('attack: files planted in spool/ (api_tokens, forged HMAC, altered payload, old names) are never replayed', async () => {
    const { dir, spool, logs } = setup();
    await spool.stats(); // the spool directory exists
    const adminRow = toJsonEachRow([{ token_hash: 'ab'.repeat(32), name: 'x', role: 'admin', revoked: 0 }]);
    // The name a pre-HMAC server used, and this server's naming, both pointing at api_tokens.
    writeFileSync(join(dir, '000000000000001-000000000-old.api_tokens.jsonl'), adminRow);
    const uuid = '00000000-0000-4000-8000-000000000000';
    writeFileSync(join(dir, `000000000000002-000000000-${uuid}.api_tokens.1.jsonl`), adminRow);
    // An ingest table with a made-up HMAC.
    writeFileSync(
      join(dir, `000000000000003-000000000-${uuid}.otel_logs.1.jsonl`),
      Buffer.concat([Buffer.from(`WARDSPOOL1 ${'0'.repeat(64)}\n`), adminRow]),
    );
    // A genuine file whose payload is then altered, and one whose name is changed to another table.
    await spool.write('agent_events', toJsonEachRow([{ e: 1 }]), 'JSONEachRow', 1);
    await spool.write('otel_traces', toJsonEachRow([{ t: 1 }]), 'JSONEachRow', 1);
    const [altered, renamed] = readdirSync(dir).filter((f) => /agent_events|otel_traces/.test(f));
    writeFileSync(
      join(dir, altered as string),
      Buffer.concat([readFileSync(join(dir, altered as string)), adminRow]),
    );
    renameSync(
      join(dir, renamed as string),
      join(dir, (renamed as string).replace('otel_traces', 'otel_logs')),
    );

    const { seen, sink } = collect();
    expect(await spool.replay(sink)).toBe(0);
    expect(seen).toEqual([]);
    expect(await spool.stats()).toMatchObject({ depth: 0, quarantined: 5 });
    expect(logs.join('\n')).toMatch(/not an ingest table/);
    expect(logs.join('\n')).toMatch(/HMAC does not match/);
  });

  it('attack: a named pipe or a symlink to /dev/zero under a spool name neither hangs nor exhausts the replay', async () => {
    const { dir, spool, logs } = setup();
    await spool.stats();
    const uuid = '00000000-0000-4000-8000-000000000000';
    execFileSync('mkfifo', [join(dir, `000000000000001-000000000-${uuid}.otel_logs.1.jsonl`)]);
    symlinkSync('/dev/zero', join(dir, `000000000000002-000000000-${uuid}.otel_logs.1.jsonl`));
    await spool.write('otel_logs', toJsonEachRow([{ real: 1 }]), 'JSONEachRow', 1);
    const { seen, sink } = collect();
    // Listed entries that are not regular files are passed over, and the file itself is opened without
    // following links or blocking (readRegularFile), so one swapped in after the listing is refused too.
    expect(await spool.replay(sink)).toBe(1);
    expect(seen.map((s) => decode(s.payload))).toEqual([[{ real: 1 }]]);
    expect(await spool.stats()).toMatchObject({ depth: 0 });
    expect(logs).toEqual([]);
  });

  it('a batch that keeps failing while the store answers is logged, quarantined, and blocks nothing behind it', async () => {
    const { spool, logs } = setup({ probe: async () => {}, maxAttempts: 3 });
    await spool.write('otel_logs', toJsonEachRow([{ poison: 1 }]), 'JSONEachRow', 1);
    await spool.write('otel_logs', toJsonEachRow([{ fine: 1 }]), 'JSONEachRow', 1);
    const stored: object[] = [];
    const sink: Sink = async (_t, payload) => {
      const rows = decode(payload);
      if (rows.some((r) => 'poison' in r)) throw new Error('Cannot parse input: poison');
      stored.push(...rows);
    };
    expect(await spool.replay(sink)).toBe(1);
    expect(stored).toEqual([{ fine: 1 }]);
    expect(await spool.stats()).toMatchObject({ depth: 1, failing: 1, quarantined: 0 });
    await spool.replay(sink);
    await spool.replay(sink);
    expect(await spool.stats()).toMatchObject({ depth: 0, failing: 0, quarantined: 1 });
    expect(logs.filter((l) => /attempt \d\/3: Cannot parse input/.test(l))).toHaveLength(3);
    expect(logs.at(-1)).toMatch(/quarantine.*failed 3 times/);
  });

  it('an outage (the store does not answer) counts no attempts and quarantines nothing', async () => {
    const { spool } = setup({
      probe: async () => {
        throw new Error('down');
      },
      maxAttempts: 1,
    });
    await spool.write('otel_logs', toJsonEachRow([{ a: 1 }]), 'JSONEachRow', 1);
    const failing: Sink = async () => {
      throw new Error('connection refused');
    };
    for (let i = 0; i < 3; i++) await expect(spool.replay(failing)).rejects.toThrow('connection refused');
    expect(await spool.stats()).toMatchObject({ depth: 1, quarantined: 0, failing: 0 });
    const { seen, sink } = collect();
    expect(await spool.replay(sink)).toBe(1);
    expect(seen).toHaveLength(1);
  });

  it('refuses to spool rows for a table outside the ingest allow-list', async () => {
    const { spool } = setup();
    await expect(spool.write('api_tokens', toJsonEachRow([{ a: 1 }]), 'JSONEachRow', 1)).rejects.toThrow(
      /not an ingest table/,
    );
  });

  it('the HMAC key is 0600, reused, and refused when others can read it', () => {
    const data = mkdtempSync(join(tmpdir(), 'ward-spool-key-'));
    const key = loadSpoolKey(data);
    expect(key.length).toBe(32);
    expect(statSync(join(data, SPOOL_KEY_FILE)).mode & 0o777).toBe(0o600);
    expect(loadSpoolKey(data).equals(key)).toBe(true);
    chmodSync(join(data, SPOOL_KEY_FILE), 0o644);
    expect(() => loadSpoolKey(data)).toThrow(/readable by others/);
  });

  it('a spool signed with another key (another server, a planted key) is refused', async () => {
    const a = setup();
    await a.spool.write('otel_logs', toJsonEachRow([{ a: 1 }]), 'JSONEachRow', 1);
    const other = createFileSpool({ dir: a.dir, key: Buffer.alloc(32, 7) });
    const { seen, sink } = collect();
    expect(await other.replay(sink)).toBe(0);
    expect(seen).toEqual([]);
    expect((await other.stats()).quarantined).toBe(1);
  });
});
