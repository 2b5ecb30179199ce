import { randomUUID } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { Sink, Spool } from './writer.js';

/**
 * Rows the store refused, kept on disk (fsynced) until a later replay stores them. One file per batch:
 * `<time>-<seq>-<uuid>.<table>.jsonl`, written to a temp name and renamed so a crash never leaves half a file.
 */
export function createFileSpool(
  dir: string,
): Spool & { replay(sink: Sink): Promise<number>; pending(): Promise<number> } {
  const ready = mkdir(dir, { recursive: true, mode: 0o700 });
  let seq = 0;
  const files = async () => (await readdir(dir)).filter((f) => f.endsWith('.jsonl')).sort();
  return {
    async write(table, payload) {
      await ready;
      // Time then a per-process sequence: names sort in write order even within one millisecond.
      const name = `${String(Date.now()).padStart(15, '0')}-${String(seq++).padStart(9, '0')}-${randomUUID()}.${table}.jsonl`;
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
        const table = f.split('.').slice(-2, -1)[0] ?? '';
        const payload = await readFile(join(dir, f));
        let rows = 0;
        for (const byte of payload) if (byte === 0x0a) rows++;
        if (payload.length > 0) await sink(table, payload, rows);
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
