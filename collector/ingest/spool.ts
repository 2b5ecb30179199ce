import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { mkdir, open, readdir, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { isIngestTable } from '../../store/fast.js';
import { readRegularFile } from './read-regular.js';
import type { PayloadFormat, Sink, Spool } from './writer.js';

/** The only tables a spool file may name: the store's ingest tables (never tokens, approvals or audit). */
export { isIngestTable };

const MAGIC = 'WARDSPOOL1 ';
const HEADER_BYTES = MAGIC.length + 64 + 1; // magic, hex HMAC-SHA256, newline
/** Larger files are refused unread (a spooled batch is one writer flush, far smaller). */
const MAX_FILE_BYTES = 512 * 2 ** 20;

export interface FileSpoolOptions {
  dir: string;
  /** HMAC key (collector/ingest/spool-key.ts): replay takes only files this key signed. */
  key: Buffer;
  /** Failed replays of one file (while the store answers) before it moves to quarantine/. */
  maxAttempts?: number;
  /** Is the store up? Asked after a failed replay to tell a bad batch from an outage. */
  probe?: () => Promise<void>;
  log?: (msg: string) => void;
  now?: () => number;
}

/** Spool health for /healthz and `ward doctor` (counts and ages only: no names, rows or errors). */
export interface SpoolStats {
  depth: number;
  oldestAgeSeconds: number;
  quarantined: number;
  /** Files whose last replay failed while the store answered. */
  failing: number;
}

function mac(key: Buffer, table: string, format: PayloadFormat, rows: number, payload: Uint8Array): string {
  return createHmac('sha256', key)
    .update(`ward-spool-v1\0${table}\0${format}\0${rows}\0`)
    .update(payload)
    .digest('hex');
}

function errorText(err: unknown): string {
  const s = err instanceof Error ? err.message : String(err);
  return s.length > 300 ? `${s.slice(0, 300)}…` : s;
}

/**
 * Rows the store refused, kept on disk (fsynced) until a later replay stores them. One file per batch,
 * `<time>-<seq>-<uuid>.<table>.<rows>.<jsonl|rowbinary>`, written to a temp name and renamed so a crash never
 * leaves half a file, and starting with an HMAC over table, format, row count and payload. Replay stores
 * only files with a valid HMAC naming an ingest table; anything else (a file planted by another process,
 * say into api_tokens) goes to quarantine/ unread. A batch that keeps failing while the store answers is
 * logged each time and quarantined after `maxAttempts`, so it never blocks the batches behind it.
 */
export function createFileSpool(opts: FileSpoolOptions): Spool & {
  replay(sink: Sink): Promise<number>;
  stats(): Promise<SpoolStats>;
} {
  const { dir, key } = opts;
  const quarantineDir = join(dir, 'quarantine');
  const maxAttempts = opts.maxAttempts ?? 5;
  const log = opts.log ?? (() => {});
  const now = opts.now ?? Date.now;
  const ready = mkdir(quarantineDir, { recursive: true, mode: 0o700 });
  const attempts = new Map<string, number>();
  let seq = 0;
  const files = async () =>
    (await readdir(dir, { withFileTypes: true }))
      .filter((d) => d.isFile() && !d.name.startsWith('.'))
      .map((d) => d.name)
      .sort();

  async function quarantine(f: string, why: string): Promise<void> {
    attempts.delete(f);
    await rename(join(dir, f), join(quarantineDir, f)).catch(() => unlink(join(dir, f)).catch(() => {}));
    log(`spool: ${JSON.stringify(f)} moved to ${quarantineDir}: ${why}`);
  }

  /** The verified batch in a file, or why it is refused. */
  async function open_(
    f: string,
  ): Promise<
    | { ok: true; table: string; format: PayloadFormat; rows: number; payload: Uint8Array }
    | { ok: false; why: string }
  > {
    const m = /^\d{15}-\d{9}-[0-9a-f-]{36}\.([a-z_]+)\.(\d{1,12})\.(jsonl|rowbinary)$/.exec(f);
    if (!m) return { ok: false, why: 'not a name this server writes' };
    const table = m[1] as string;
    const rows = Number(m[2]);
    const format: PayloadFormat = m[3] === 'rowbinary' ? 'RowBinary' : 'JSONEachRow';
    if (!isIngestTable(table)) return { ok: false, why: `table ${table} is not an ingest table` };
    const data = await readRegularFile(join(dir, f), MAX_FILE_BYTES);
    const head = data.subarray(0, HEADER_BYTES).toString('latin1');
    if (data.length < HEADER_BYTES || !head.startsWith(MAGIC) || !head.endsWith('\n'))
      return { ok: false, why: 'no spool header (not written by this server)' };
    const payload = data.subarray(HEADER_BYTES);
    const want = Buffer.from(mac(key, table, format, rows, payload), 'hex');
    const got = Buffer.from(head.slice(MAGIC.length, MAGIC.length + 64), 'hex');
    if (got.length !== want.length || !timingSafeEqual(got, want))
      return { ok: false, why: 'HMAC does not match (forged, altered or signed with another key)' };
    return { ok: true, table, format, rows, payload };
  }

  return {
    async write(table, payload, format, rows) {
      await ready;
      if (!isIngestTable(table)) throw new Error(`refusing to spool rows for ${table}: not an ingest table`);
      // Time then a per-process sequence: names sort in write order even within one millisecond.
      const ext = format === 'RowBinary' ? 'rowbinary' : 'jsonl';
      const name = `${String(now()).padStart(15, '0')}-${String(seq++).padStart(9, '0')}-${randomUUID()}.${table}.${rows}.${ext}`;
      const tmp = join(dir, `.${name}.tmp`);
      const fh = await open(tmp, 'w', 0o600);
      try {
        await fh.writeFile(`${MAGIC}${mac(key, table, format, rows, payload)}\n`);
        await fh.writeFile(payload);
        await fh.sync();
      } finally {
        await fh.close();
      }
      await rename(tmp, join(dir, name));
    },

    /** Stores verified spooled batches in order; returns the rows stored. Throws only when the store is down. */
    async replay(sink) {
      await ready;
      let stored = 0;
      for (const f of await files()) {
        const batch = await open_(f).catch((err: unknown) => ({ ok: false as const, why: errorText(err) }));
        if (!batch.ok) {
          await quarantine(f, batch.why);
          continue;
        }
        try {
          if (batch.payload.length > 0) await sink(batch.table, batch.payload, batch.rows, batch.format);
        } catch (err) {
          const down = opts.probe
            ? await opts.probe().then(
                () => false,
                () => true,
              )
            : true;
          if (down) throw err; // an outage: keep everything for the next round, count nothing
          const n = (attempts.get(f) ?? 0) + 1;
          attempts.set(f, n);
          log(
            `spool: replay of ${f} (${batch.rows} rows) failed, attempt ${n}/${maxAttempts}: ${errorText(err)}`,
          );
          if (n >= maxAttempts) await quarantine(f, `failed ${n} times while the store answered`);
          continue;
        }
        await unlink(join(dir, f));
        attempts.delete(f);
        stored += batch.rows;
      }
      return stored;
    },

    async stats() {
      await ready;
      const names = await files();
      let oldest = now();
      for (const f of names) {
        const t = Number(f.slice(0, 15));
        if (Number.isFinite(t) && t > 0 && t < oldest) oldest = t;
      }
      return {
        depth: names.length,
        oldestAgeSeconds: Math.max(0, Math.round((now() - oldest) / 1000)),
        quarantined: (await readdir(quarantineDir)).length,
        failing: [...attempts.keys()].filter((f) => names.includes(f)).length,
      };
    },
  };
}
