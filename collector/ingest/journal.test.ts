import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  appendFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openJournal } from './journal.js';
import type { JournalRecord } from './journal-frame.js';
import { encodeRecord } from './journal-frame.js';
import type { WriterPart } from './writer.js';

const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'ward-journal-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const part = (table: string, text: string): WriterPart => ({
  table,
  format: 'JSONEachRow',
  payload: Buffer.from(`${text}\n`),
  rows: 1,
});
const text = (p: WriterPart) => Buffer.from(p.payload).toString().trim();

async function recovered(dir: string, key: Buffer, logs: string[] = []) {
  const j = await openJournal({ dir, key, log: (m) => logs.push(m) });
  const got: JournalRecord[] = [];
  await j.recover(async (r) => {
    got.push(r);
  });
  return {
    j,
    got,
    summary: got.map((r) => `${r.seq}:${r.parts.map((p) => `${p.table}=${text(p)}`).join(',')}`),
  };
}
const segments = (dir: string) => readdirSync(dir).filter((f) => f.endsWith('.wal'));

describe('ingest journal', () => {
  it('hands back, after a stop without marks, every acknowledged record in order', async () => {
    const dir = tmp();
    const key = randomBytes(32);
    const j = await openJournal({ dir, key });
    const durable: number[] = [];
    const seqs = await Promise.all([
      j.append([part('otel_logs', 'a'), part('agent_events', 'A')], (s) => durable.push(s)),
      j.append([part('otel_logs', 'b')], (s) => durable.push(s)),
    ]);
    expect(seqs).toEqual([1, 2]);
    expect(durable).toEqual([1, 2]); // called in sequence order, before the appends resolve
    // No close: as if the process were killed right after acknowledging.
    const { summary } = await recovered(dir, key);
    expect(summary).toEqual(['1:otel_logs=a,agent_events=A', '2:otel_logs=b']);
  });

  it('skips what the marks say is stored, per table, and removes segments once all is stored', async () => {
    const dir = tmp();
    const key = randomBytes(32);
    const j = await openJournal({ dir, key, segmentBytes: 1 });
    for (const t of ['a', 'b', 'c'])
      await j.append([part('otel_logs', t), part('agent_events', t.toUpperCase())], () => {});
    expect(segments(dir)).toHaveLength(3); // one record per segment at this size
    j.stored('otel_logs', 3);
    j.stored('agent_events', 1);
    await j.close();
    // Segment 1 is fully stored and gone; 2 and 3 still hold agent_events rows.
    expect(segments(dir)).toHaveLength(2);
    const { j: again, summary } = await recovered(dir, key);
    expect(summary).toEqual(['2:agent_events=B', '3:agent_events=C']);
    again.stored('agent_events', 3);
    await again.close();
    expect(segments(dir)).toHaveLength(0);
    // Numbers keep rising across starts: a later record is never mistaken for a stored one.
    const third = await openJournal({ dir, key });
    await third.recover(async () => {});
    expect(await third.append([part('otel_logs', 'd')], () => {})).toBe(4);
  });

  it('a clean close with everything stored leaves no segment behind', async () => {
    const dir = tmp();
    const key = randomBytes(32);
    const j = await openJournal({ dir, key });
    await j.append([part('otel_logs', 'a')], () => {});
    j.stored('otel_logs', 1);
    await j.close();
    expect(segments(dir)).toEqual([]);
    expect((await recovered(dir, key)).got).toEqual([]);
  });

  it('drops a torn tail (a crash mid-append, never acknowledged) and keeps the records before it', async () => {
    const dir = tmp();
    const key = randomBytes(32);
    const j = await openJournal({ dir, key });
    await j.append([part('otel_logs', 'a')], () => {});
    const [seg] = segments(dir);
    const whole = Buffer.concat(encodeRecord(key, 2, [part('otel_logs', 'b')]));
    appendFileSync(join(dir, seg as string), whole.subarray(0, whole.length - 3));
    const logs: string[] = [];
    const { summary } = await recovered(dir, key, logs);
    expect(summary).toEqual(['1:otel_logs=a']);
    expect(logs.join('\n')).toMatch(/torn record/);
  });

  describe('records this server did not write (the agent as adversary)', () => {
    it('refuses a record signed with another key and keeps the file aside, not replayed', async () => {
      const dir = tmp();
      const key = randomBytes(32);
      const j = await openJournal({ dir, key });
      await j.append([part('otel_logs', 'real')], () => {});
      const [seg] = segments(dir);
      const planted = Buffer.concat(encodeRecord(randomBytes(32), 2, [part('otel_logs', 'planted')]));
      appendFileSync(join(dir, seg as string), Buffer.concat([planted, planted]));
      const logs: string[] = [];
      const { j: again, summary } = await recovered(dir, key, logs);
      expect(summary).toEqual(['1:otel_logs=real']);
      expect(logs.join('\n')).toMatch(/HMAC does not match/);
      again.stored('otel_logs', 1);
      await again.close();
      expect(readdirSync(join(dir, 'quarantine'))).toEqual([seg]);
    });

    it('refuses a validly signed record naming a table outside ingest (tokens, approvals, audit)', async () => {
      const dir = tmp();
      const key = randomBytes(32);
      writeFileSync(
        join(dir, '0000000000000001.wal'),
        Buffer.concat(encodeRecord(key, 1, [part('api_tokens', '{"token_hash":"x","role":"admin"}')])),
      );
      const logs: string[] = [];
      const { got } = await recovered(dir, key, logs);
      expect(got).toEqual([]);
      expect(logs.join('\n')).toMatch(/not an ingest table/);
    });

    it('a forged "all stored" mark is ignored: the records are stored again, never skipped', async () => {
      const dir = tmp();
      const key = randomBytes(32);
      const j = await openJournal({ dir, key });
      await j.append([part('otel_logs', 'a')], () => {});
      writeFileSync(
        join(dir, 'checkpoint'),
        `${'0'.repeat(64)}\n${JSON.stringify({ next: 99, stored: { otel_logs: 99 } })}`,
      );
      const logs: string[] = [];
      const { summary } = await recovered(dir, key, logs);
      expect(summary).toEqual(['1:otel_logs=a']);
      expect(logs.join('\n')).toMatch(/checkpoint not signed/);
    });

    it('a named pipe or a symlink to /dev/zero under segment or mark names neither hangs nor exhausts the start', async () => {
      const dir = tmp();
      const key = randomBytes(32);
      mkdirSync(dir, { recursive: true });
      execFileSync('mkfifo', [join(dir, '0000000000000001.wal')]);
      symlinkSync('/dev/zero', join(dir, '0000000000000002.wal'));
      execFileSync('mkfifo', [join(dir, 'checkpoint')]);
      writeFileSync(
        join(dir, '0000000000000003.wal'),
        Buffer.concat(encodeRecord(key, 3, [part('otel_logs', 'real')])),
      );
      const logs: string[] = [];
      const { j, summary } = await recovered(dir, key, logs);
      expect(summary).toEqual(['3:otel_logs=real']);
      expect(logs.join('\n')).toMatch(/not a regular file/);
      expect(logs.join('\n')).toMatch(/symbolic link/);
      j.stored('otel_logs', 3);
      await j.close();
      expect(readdirSync(join(dir, 'quarantine')).sort()).toEqual([
        '0000000000000001.wal',
        '0000000000000002.wal',
      ]);
    });

    it('a record length beyond any real request is refused before it is allocated', async () => {
      const dir = tmp();
      const key = randomBytes(32);
      const head = Buffer.alloc(40);
      head.write('WJR1', 0, 'latin1');
      head.writeUInt32LE(0xffffffff, 4);
      writeFileSync(join(dir, '0000000000000001.wal'), head);
      const logs: string[] = [];
      expect((await recovered(dir, key, logs)).got).toEqual([]);
      expect(logs.join('\n')).toMatch(/record length/);
    });
  });

  it('a failed write refuses the waiting appends and starts a new segment for the next', async () => {
    const dir = tmp();
    const key = randomBytes(32);
    const j = await openJournal({ dir, key, segmentBytes: 1 });
    await j.append([part('otel_logs', 'a')], () => {});
    // The data dir gone under it (disk removed, say): the append fails and nothing is acknowledged.
    rmSync(dir, { recursive: true, force: true });
    let durable = false;
    await expect(j.append([part('otel_logs', 'b')], () => (durable = true))).rejects.toThrow();
    expect(durable).toBe(false);
  });

  it('stores the payload bytes as given (RowBinary passes through unchanged)', async () => {
    const dir = tmp();
    const key = randomBytes(32);
    const j = await openJournal({ dir, key });
    const payload = randomBytes(70_000);
    await j.append([{ table: 'otel_logs', format: 'RowBinary', payload, rows: 7 }], () => {});
    const { got } = await recovered(dir, key);
    expect(got[0]?.parts[0]).toMatchObject({ table: 'otel_logs', format: 'RowBinary', rows: 7 });
    expect(Buffer.compare(got[0]?.parts[0]?.payload as Uint8Array, payload)).toBe(0);
    expect(readFileSync(join(dir, segments(dir)[0] as string)).length).toBeGreaterThan(70_000);
  });
});
