import type { FileHandle } from 'node:fs/promises';
import { mkdir, open, readdir, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { readCheckpoint, writeCheckpoint } from './journal-checkpoint.js';
import { encodeRecord, type JournalRecord, readRecord } from './journal-frame.js';
import { NotRegularFileError, readRegularFile } from './read-regular.js';
import type { WriterPart } from './writer.js';

/**
 * The ingest journal: an OTLP request is acknowledged once its prepared rows are appended here and fsynced,
 * not once ClickHouse has stored them, so the writer can insert large batches whatever the exporters' batch
 * size and concurrency (a 2k-row insert costs the engine about twice the CPU per row of a 20k-row one).
 *
 * Segments `<first seq>.wal` hold HMAC-signed records (journal-frame.ts); appends arriving while one fsync
 * runs share the next one. The writer reports, per table, the highest sequence number stored (or spooled);
 * `checkpoint` keeps those marks (signed too), and a segment goes once every table in it is stored up to its
 * last record. At start the records the marks do not cover are handed back to be stored again: a process
 * killed after acknowledging loses nothing, and stores again at most what it stored after the last mark.
 */
export interface JournalOptions {
  dir: string;
  /** HMAC key (the spool's): records and marks signed with another key are refused. */
  key: Buffer;
  /** A segment is closed and a new one begun once it holds this many bytes. */
  segmentBytes?: number;
  log?: (msg: string) => void;
}

export interface JournalStats {
  segments: number;
  bytes: number;
  /** How many sequence numbers the least advanced table's mark is behind its last record (0: all stored). */
  behind: number;
}

interface Segment {
  name: string;
  bytes: number;
  /** Per table, the last sequence number with rows for it. */
  tables: Map<string, number>;
  fh: FileHandle | null;
  /** Bytes refused on read: the file goes to quarantine/ instead of being removed. */
  refused: boolean;
}

interface Waiting {
  seq: number;
  frame: Buffer[];
  bytes: number;
  tables: string[];
  onDurable: (seq: number) => void;
  resolve: (seq: number) => void;
  reject: (err: unknown) => void;
}

const SEGMENT = /^(\d{16})\.wal$/;
/** Larger segment files are refused unread (a segment is closed at `segmentBytes` plus one group commit). */
const MAX_SEGMENT_READ = 512 * 2 ** 20;

async function writeAll(fh: FileHandle, buffers: Buffer[]): Promise<void> {
  let rest = buffers;
  while (rest.length > 0) {
    const { bytesWritten } = await fh.writev(rest);
    let n = bytesWritten;
    while (rest.length > 0 && n >= (rest[0] as Buffer).length) {
      n -= (rest[0] as Buffer).length;
      rest = rest.slice(1);
    }
    if (rest.length > 0 && n > 0) rest = [(rest[0] as Buffer).subarray(n), ...rest.slice(1)];
  }
}

async function syncDir(dir: string): Promise<void> {
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

export async function openJournal(opts: JournalOptions) {
  const { dir, key } = opts;
  const segmentBytes = opts.segmentBytes ?? 64 * 2 ** 20;
  const log = opts.log ?? (() => {});
  const quarantineDir = join(dir, 'quarantine');
  await mkdir(quarantineDir, { recursive: true, mode: 0o700 });

  const mark = await readCheckpoint(dir, key, log);
  const stored = new Map<string, number>(Object.entries(mark.stored));
  /** Tables whose rows from some sequence number on were neither stored nor spooled: their marks stay. */
  const frozen = new Set<string>();
  const segments: Segment[] = [];
  let next = Math.max(1, mark.next);
  let open_: Segment | null = null;
  let queue: Waiting[] = [];
  let draining: Promise<void> = Promise.resolve();
  let running = false;
  let releasing: Promise<void> | null = null;
  let again = false;
  let closed = false;

  const names = (await readdir(dir)).filter((f) => SEGMENT.test(f)).sort();

  const coveredUpTo = (table: string) => stored.get(table) ?? 0;
  const done = (s: Segment) => [...s.tables].every(([t, last]) => coveredUpTo(t) >= last);

  /** Named after its first record, so names sort in sequence order. */
  async function newSegment(first: number): Promise<Segment> {
    const name = `${String(first).padStart(16, '0')}.wal`;
    const fh = await open(join(dir, name), 'wx', 0o600);
    await syncDir(dir);
    return { name, bytes: 0, tables: new Map(), fh, refused: false };
  }

  async function closeSegment(s: Segment): Promise<void> {
    const fh = s.fh;
    s.fh = null;
    await fh?.close().catch(() => {});
  }

  /**
   * Writes what is queued, batch after batch. `running` drops in the same step the queue is seen empty (an
   * append made by a caller resumed from this loop must start a new one). Never throws.
   */
  async function drain(): Promise<void> {
    for (;;) {
      if (queue.length === 0) {
        running = false;
        return;
      }
      const batch = queue;
      queue = [];
      try {
        if (!open_ || open_.bytes >= segmentBytes) {
          if (open_) await closeSegment(open_);
          open_ = await newSegment((batch[0] as Waiting).seq);
          segments.push(open_);
        }
        const seg = open_;
        await writeAll(
          seg.fh as FileHandle,
          batch.flatMap((w) => w.frame),
        );
        await (seg.fh as FileHandle).datasync();
        for (const w of batch) {
          seg.bytes += w.bytes;
          for (const t of w.tables) seg.tables.set(t, w.seq);
        }
      } catch (err) {
        // The segment may now end in a torn record: nothing is appended after it.
        if (open_) await closeSegment(open_);
        open_ = null;
        for (const w of batch) w.reject(err);
        continue;
      }
      // In sequence order, so the writer's queues hold rows in the order of their numbers.
      for (const w of batch) {
        try {
          w.onDurable(w.seq);
          w.resolve(w.seq);
        } catch (err) {
          w.reject(err);
        }
      }
    }
  }

  async function releaseOnce(): Promise<void> {
    const gone = segments.filter((s) => s !== open_ && done(s));
    await writeCheckpoint(dir, key, { next, stored: Object.fromEntries(stored) });
    for (const s of gone) {
      await closeSegment(s);
      const from = join(dir, s.name);
      if (s.refused) {
        await rename(from, join(quarantineDir, s.name)).catch(() => unlink(from).catch(() => {}));
        log(
          `journal: ${s.name} moved to ${quarantineDir} (it held bytes that were not this server's records)`,
        );
      } else await unlink(from).catch(() => {});
      segments.splice(segments.indexOf(s), 1);
    }
  }

  function release(): Promise<void> {
    if (releasing) {
      again = true;
      return releasing;
    }
    releasing = (async () => {
      do {
        again = false;
        await releaseOnce().catch((err: unknown) =>
          log(`journal: checkpoint failed: ${err instanceof Error ? err.message : String(err)}`),
        );
      } while (again);
    })().finally(() => {
      releasing = null;
    });
    return releasing;
  }

  return {
    /**
     * Records of earlier runs whose rows the marks do not cover, each with only the parts still to store, in
     * sequence order, segment by segment; `store` should resolve once the rows are committed to the writer.
     */
    async recover(store: (record: JournalRecord) => Promise<void>): Promise<number> {
      let records = 0;
      for (const name of names) {
        const seg: Segment = { name, bytes: 0, tables: new Map(), fh: null, refused: false };
        let data: Buffer;
        try {
          data = await readRegularFile(join(dir, name), MAX_SEGMENT_READ);
        } catch (err) {
          if (!(err instanceof NotRegularFileError)) throw err;
          log(`journal: ${name} not replayed: ${err.message}`);
          seg.refused = true;
          segments.push(seg);
          continue;
        }
        seg.bytes = data.length;
        segments.push(seg);
        let at = 0;
        for (;;) {
          const r = readRecord(key, data, at);
          if (r.kind === 'end') break;
          if (r.kind === 'bad') {
            // A torn tail is what a crash mid-append leaves (never acknowledged); anything else is kept aside.
            const torn = /torn/.test(r.why);
            if (!torn) seg.refused = true;
            log(`journal: ${name}: ${data.length - at} bytes from offset ${at} not replayed: ${r.why}`);
            break;
          }
          at = r.next;
          const { seq, parts } = r.record;
          next = Math.max(next, seq + 1);
          const todo = parts.filter((p) => seq > coveredUpTo(p.table));
          for (const p of todo) seg.tables.set(p.table, seq);
          if (todo.length > 0) {
            records++;
            await store({ seq, parts: todo });
          }
        }
      }
      await release();
      return records;
    },

    /**
     * Appends the rows durably under the next sequence number. `onDurable(seq)` runs once they are fsynced,
     * in sequence order and before the promise resolves (commit the writer's reservation there).
     */
    append(parts: readonly WriterPart[], onDurable: (seq: number) => void): Promise<number> {
      if (closed) return Promise.reject(new Error('journal is closed'));
      const nonEmpty = parts.filter((p) => p.rows > 0);
      const seq = next++;
      const frame = encodeRecord(key, seq, nonEmpty);
      const bytes = frame.reduce((n, b) => n + b.length, 0);
      const tables = [...new Set(nonEmpty.map((p) => p.table))];
      return new Promise<number>((resolve, reject) => {
        queue.push({ seq, frame, bytes, tables, onDurable, resolve, reject });
        if (!running) {
          running = true;
          draining = drain();
        }
      });
    },

    /** Every row of `table` up to `seq` is stored or spooled. */
    stored(table: string, seq: number): void {
      if (frozen.has(table) || seq <= coveredUpTo(table)) return;
      stored.set(table, seq);
      void release();
    },

    /** Rows of `table` from `seq` on were lost to the writer: they stay here for the next start. */
    lost(table: string, seq: number): void {
      if (!frozen.has(table))
        log(`journal: rows of ${table} from record ${seq} on are kept in ${dir} until the next start`);
      frozen.add(table);
    },

    stats(): JournalStats {
      let behind = 0;
      for (const s of segments)
        for (const [t, last] of s.tables) behind = Math.max(behind, last - coveredUpTo(t));
      return { segments: segments.length, bytes: segments.reduce((n, s) => n + s.bytes, 0), behind };
    },

    /** Waits for appends, writes the marks and removes every segment whose rows are all stored. */
    async close(): Promise<void> {
      closed = true;
      await draining;
      if (open_ && done(open_)) {
        await closeSegment(open_);
        open_ = null;
      }
      await release();
      if (open_) await closeSegment(open_);
    },
  };
}
export type Journal = Awaited<ReturnType<typeof openJournal>>;
