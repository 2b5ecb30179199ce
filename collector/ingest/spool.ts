import { randomUUID } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { PayloadFormat, Sink, Spool } from './writer.js';

/**
 * Rows the store refused, kept on disk (fsynced) until a later replay stores them. One file per batch:
 * `<time>-<seq>-<uuid>.<table>.jsonl` (JSONEachRow) or `<time>-<seq>-<uuid>.<table>.<rows>.rowbinary` (RowBinary
 * has no line count to recover), written to a temp name and renamed so a crash never leaves half a file.
 */
export function createFileSpool(
  dir: string,
): Spool & { replay(sink: Sink): Promise<number>; pending(): Promise<number> } {
  const ready = mkdir(dir, { recursive: true, mode: 0o700 });
  let seq = 0;
  const files = async () =>
    (await readdir(dir)).filter((f) => f.endsWith('.jsonl') || f.endsWith('.rowbinary')).sort();
  return {
    async write(table, payload, format, rows) {
      await ready;
      // Time then a per-process sequence: names sort in write order even within one millisecond.
      const stem = `${String(Date.now()).padStart(15, '0')}-${String(seq++).padStart(9, '0')}-${randomUUID()}.${table}`;
      const name = format === 'RowBinary' ? `${stem}.${rows}.rowbinary` : `${stem}.jsonl`;
      const tmp = join(dir, `.${name}.tmp`);
      const fh = await open(tmp, 'w', 0o600);
      try {
        await fh.writeFile(payload);
        await fh.sync();
      } finally {
        await fh.close();
      }
      await rename(tmp, join(dir, name));
    },
    /** Stores spooled batches in order; stops at the first failure. Returns the rows stored. */
    async replay(sink) {
      await ready;
      let stored = 0;
      for (const f of await files()) {
        const { table, format, rows: counted } = parseName(f);
        const payload = await readFile(join(dir, f));
        let rows = counted;
        if (format === 'JSONEachRow') for (const byte of payload) if (byte === 0x0a) rows++;
        if (payload.length > 0) await sink(table, payload, rows, format);
        await unlink(join(dir, f));
        stored += rows;
      }
      return stored;
    },
    async pending() {
      await ready;
      return (await files()).length;
    },
  };
}

function parseName(f: string): { table: string; format: PayloadFormat; rows: number } {
  const parts = f.split('.');
  if (f.endsWith('.rowbinary')) {
    const rows = Number(parts.at(-2));
    if (!Number.isSafeInteger(rows) || rows < 0) throw new Error(`spool file without a row count: ${f}`);
    return { table: parts.at(-3) ?? '', format: 'RowBinary', rows };
  }
  return { table: parts.at(-2) ?? '', format: 'JSONEachRow', rows: 0 };
}
