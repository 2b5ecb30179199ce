/**
 * Batching writer: typed per-table queues flushed on size or interval, bounded, flushed on close. A caller's
 * promise resolves only once every row it enqueued is durably stored (or durably spooled), so the HTTP layer
 * can acknowledge with a clear conscience. With the journal, room is reserved first and rows are committed
 * once durable there; the writer then reports per table what it stored.
 */

import { createSenderShare } from './sender-share.js';
import { BackPressureError, WriterClosedError } from './writer-errors.js';

export { BackPressureError, WriterClosedError };

import { createWaitingLine, whenReady } from './waiting-line.js';

/** How a payload is serialized: newline-terminated JSONEachRow, or RowBinary in the store's column layout. */
export type PayloadFormat = 'JSONEachRow' | 'RowBinary';

/** Stores a payload of `rows` rows into `table`. */
export type Sink = (table: string, payload: Uint8Array, rows: number, format: PayloadFormat) => Promise<void>;

export interface Spool {
  /** Durably keeps a payload that could not be stored (fsynced before it resolves). */
  write(table: string, payload: Uint8Array, format: PayloadFormat, rows: number): Promise<void>;
}

/** Rows of one table, serialized. */
export interface WriterPart {
  table: string;
  format: PayloadFormat;
  payload: Uint8Array;
  rows: number;
}

export interface WriterOptions {
  sink: Sink;
  spool?: Spool;
  /** Rows per insert; bounds how long one engine call holds the event loop. */
  maxBatchRows?: number;
  /**
   * Payload bytes per insert (a request larger than this is inserted alone): the engine's memory for an insert
   * grows with it (inserts of large rows took 120-190 MiB each in bench:flood).
   */
  maxBatchBytes?: number;
  /** Longest a row waits for company before it is flushed. */
  flushIntervalMs?: number;
  /** Rows waiting or being inserted above which new work is refused (503 + Retry-After). */
  maxQueuedRows?: number;
  /** Payload bytes waiting or being inserted above which new work is refused (rows vary in size). */
  maxQueuedBytes?: number;
  /** Of those, what one sender may hold (default: all of them); one holding nothing is taken as above. */
  maxSenderQueuedBytes?: number;
  /** Of the rows, what one sender may hold (default: all of them). */
  maxSenderQueuedRows?: number;
  /** Attempts per batch before it goes to the spool. */
  attempts?: number;
  onError?: (err: unknown, table: string) => void;
  /**
   * After each batch of `table` is stored or spooled: the highest journal sequence number in it. Batches of a
   * table settle in the order their rows were committed, so every row of that table up to `seq` is safe.
   */
  onStored?: (table: string, seq: number) => void;
  /** A batch of `table` was neither stored nor spooled: rows from `seq` on are kept only where they came from. */
  onLost?: (table: string, seq: number) => void;
}

/** Room held for rows about to be committed (journal mode): counted against the bounds until committed. */
export interface Reservation {
  /** Queues the rows under journal sequence `seq`; resolves once all of them are stored or spooled. */
  commit(seq: number): Promise<void>;
  /** Gives the room back (the rows were not made durable). */
  cancel(): void;
}

interface Ticket {
  remaining: number;
  failed: boolean;
  resolve: () => void;
  reject: (err: unknown) => void;
}

interface Entry {
  payload: Uint8Array;
  bytes: number;
  rows: number;
  ticket: Ticket;
  /** Journal sequence number (0 without a journal). */
  seq: number;
  settled: boolean;
  sender: string;
}

/** One queue per table and format: payloads are concatenated per insert, so formats never mix. */
interface TableQueue {
  table: string;
  format: PayloadFormat;
  entries: Entry[];
  rows: number;
  flushing: Promise<void> | null;
  /** The last entry of the batch being inserted. */
  inFlight: Entry | null;
  timer: NodeJS.Timeout | null;
}

export interface WriterStats {
  queuedRows: number;
  inFlightRows: number;
  /** Payload bytes queued or being inserted. */
  pendingBytes: number;
  storedRows: number;
  spooledRows: number;
  failedBatches: number;
  flushes: number;
  /** Per table: inserts that stored rows, and the rows they stored (their ratio is the insert size ingest reaches). */
  inserts: Record<string, { count: number; rows: number }>;
}

export function createBatchingWriter(opts: WriterOptions) {
  const maxBatchRows = opts.maxBatchRows ?? 20_000;
  const maxBatchBytes = opts.maxBatchBytes ?? 16 * 2 ** 20;
  const flushIntervalMs = opts.flushIntervalMs ?? 25;
  const maxQueuedRows = opts.maxQueuedRows ?? 400_000;
  const maxQueuedBytes = opts.maxQueuedBytes ?? 32 * 2 ** 20;
  const shares = createSenderShare({
    bytes: opts.maxSenderQueuedBytes ?? maxQueuedBytes,
    rows: opts.maxSenderQueuedRows ?? maxQueuedRows,
  });
  const attempts = opts.attempts ?? 3;
  const queues = new Map<string, TableQueue>();
  const inserts = new Map<string, { count: number; rows: number }>();
  const stats: Omit<WriterStats, 'inserts'> = {
    queuedRows: 0,
    inFlightRows: 0,
    pendingBytes: 0,
    storedRows: 0,
    spooledRows: 0,
    failedBatches: 0,
    flushes: 0,
  };
  let closed = false;
  /** Rows and bytes reserved but not yet committed. */
  let reservedRows = 0;
  let reservedBytes = 0;
  /** Callers waiting in line for room (reserve with a wait). */
  const waiting = createWaitingLine();
  /** Barriers waiting for entries to settle, re-checked whenever a batch settles. */
  const barriers = new Set<() => void>();

  function queue(table: string, format: PayloadFormat): TableQueue {
    const key = `${format}:${table}`;
    let q = queues.get(key);
    if (!q) {
      q = { table, format, entries: [], rows: 0, flushing: null, inFlight: null, timer: null };
      queues.set(key, q);
    }
    return q;
  }

  async function store(q: TableQueue, payload: Uint8Array, rows: number): Promise<'stored' | 'spooled'> {
    const { table, format } = q;
    let lastErr: unknown;
    for (let i = 0; i < attempts; i++) {
      try {
        await opts.sink(table, payload, rows, format);
        return 'stored';
      } catch (err) {
        lastErr = err;
        opts.onError?.(err, table);
        if (i + 1 < attempts) await new Promise((r) => setTimeout(r, 20 * 4 ** i));
      }
    }
    if (!opts.spool) throw lastErr;
    await opts.spool.write(table, payload, format, rows);
    return 'spooled';
  }

  function settle(entries: Entry[], err: unknown): void {
    for (const e of entries) {
      e.settled = true;
      if (err !== undefined) {
        if (!e.ticket.failed) {
          e.ticket.failed = true;
          e.ticket.reject(err);
        }
      } else if (--e.ticket.remaining === 0 && !e.ticket.failed) e.ticket.resolve();
    }
  }

  async function flushQueue(q: TableQueue): Promise<void> {
    if (q.timer) {
      clearTimeout(q.timer);
      q.timer = null;
    }
    while (q.entries.length > 0) {
      const batch: Entry[] = [];
      let n = 0;
      let bytes = 0;
      const joins = (e: Entry) => n + e.rows <= maxBatchRows && bytes + e.bytes <= maxBatchBytes;
      while (q.entries.length > 0 && (n === 0 || joins(q.entries[0] as Entry))) {
        const e = q.entries.shift() as Entry;
        batch.push(e);
        n += e.rows;
        bytes += e.bytes;
      }
      q.inFlight = batch[batch.length - 1] ?? null;
      q.rows -= n;
      stats.queuedRows -= n;
      stats.inFlightRows += n;
      const payload =
        batch.length === 1 ? (batch[0] as Entry).payload : Buffer.concat(batch.map((e) => e.payload));
      stats.flushes++;
      // Entries are queued in sequence order (0 without a journal): the batch spans first to last.
      const seq = (batch[batch.length - 1] as Entry).seq;
      try {
        const how = await store(q, payload, n);
        if (how === 'stored') {
          stats.storedRows += n;
          const t = inserts.get(q.table);
          inserts.set(q.table, { count: (t?.count ?? 0) + 1, rows: (t?.rows ?? 0) + n });
        } else stats.spooledRows += n;
        if (seq > 0) opts.onStored?.(q.table, seq);
        settle(batch, undefined);
      } catch (err) {
        stats.failedBatches++;
        if (seq > 0) opts.onLost?.(q.table, (batch[0] as Entry).seq);
        settle(batch, err);
      } finally {
        q.inFlight = null;
        stats.inFlightRows -= n;
        for (const e of batch) {
          stats.pendingBytes -= e.bytes;
          shares.remove(e.sender, e.bytes, e.rows);
        }
        serveWaiting();
        for (const wake of [...barriers]) wake();
      }
    }
  }

  /** The last entry of the batch `q` is inserting (queues keep it until it settles). */
  function inFlightTail(q: TableQueue): Entry[] {
    return q.inFlight ? [q.inFlight] : [];
  }

  function scheduleFlush(q: TableQueue, now: boolean): void {
    if (q.flushing) return; // the running flush loop drains what arrives meanwhile
    if (now || q.rows >= maxBatchRows) {
      q.flushing = flushQueue(q).finally(() => {
        q.flushing = null;
        if (q.entries.length > 0) scheduleFlush(q, false);
      });
      return;
    }
    if (!q.timer) q.timer = setTimeout(() => scheduleFlush(q, true), flushIntervalMs);
  }

  /** Would the rows stay within the bounds? (An empty writer takes anything once.) */
  function fits(rows: number, bytes: number): boolean {
    const pending = stats.queuedRows + stats.inFlightRows + reservedRows;
    return (
      pending === 0 ||
      (pending + rows <= maxQueuedRows && stats.pendingBytes + reservedBytes + bytes <= maxQueuedBytes)
    );
  }
  const refusal = () =>
    new BackPressureError(
      stats.queuedRows + stats.inFlightRows + reservedRows,
      stats.pendingBytes + reservedBytes,
    );

  /** Grants room to callers waiting in line, in order, while it lasts. */
  const serveWaiting = () => waiting.serve(fits, closed ? () => new WriterClosedError() : undefined);

  function push(parts: readonly WriterPart[], seq: number, sender: string): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const ticket: Ticket = { remaining: parts.length, failed: false, resolve, reject };
      for (const p of parts) {
        const q = queue(p.table, p.format);
        const bytes = p.payload.byteLength;
        q.entries.push({ payload: p.payload, bytes, rows: p.rows, ticket, seq, settled: false, sender });
        stats.pendingBytes += bytes;
        shares.add(sender, bytes, p.rows);
        q.rows += p.rows;
        stats.queuedRows += p.rows;
        scheduleFlush(q, false);
      }
    });
  }

  const sizeOf = (parts: readonly WriterPart[]) => ({
    rows: parts.reduce((s, p) => s + p.rows, 0),
    bytes: parts.reduce((s, p) => s + p.payload.byteLength, 0),
  });

  return {
    /**
     * Queues rows for several tables as one unit; resolves once all of them are stored or spooled. Refused
     * (BackPressureError) when the queue is full, or when `sender` holds its share of it.
     */
    enqueue(parts: readonly WriterPart[], sender = ''): Promise<void> {
      const nonEmpty = parts.filter((p) => p.rows > 0);
      if (closed) return Promise.reject(new WriterClosedError());
      if (nonEmpty.length === 0) return Promise.resolve();
      const { rows, bytes } = sizeOf(nonEmpty);
      if (waiting.length > 0 || !fits(rows, bytes) || !shares.fits(sender, bytes, rows))
        return Promise.reject(refusal());
      return push(nonEmpty, 0, sender);
    },

    /**
     * Holds room for rows that are first made durable elsewhere (the journal), to be committed with their
     * sequence number. A full writer refuses at once (BackPressureError, as `enqueue`), or with `waitMs` keeps
     * the caller waiting in line (first come, first served) until room frees up, refusing after `waitMs`.
     * Rows committed after `close` began are refused (they stay in the journal for the next start). The
     * sender's share is not applied here: callers wait in line in the order they came.
     */
    reserve(parts: readonly WriterPart[], waitMs = 0, sender = ''): Promise<Reservation> {
      const nonEmpty = parts.filter((p) => p.rows > 0);
      const { rows, bytes } = sizeOf(nonEmpty);
      if (closed) return Promise.reject(new WriterClosedError());
      const grant = (): Reservation => {
        reservedRows += rows;
        reservedBytes += bytes;
        let open = true;
        const release = () => {
          if (!open) return false;
          open = false;
          reservedRows -= rows;
          reservedBytes -= bytes;
          return true;
        };
        return {
          commit(seq) {
            if (!release()) return Promise.reject(new Error('reservation already used'));
            if (closed) return Promise.reject(new WriterClosedError());
            return nonEmpty.length === 0 ? Promise.resolve() : push(nonEmpty, seq, sender);
          },
          cancel() {
            if (release()) serveWaiting();
          },
        };
      };
      if (waiting.length === 0 && fits(rows, bytes)) return Promise.resolve(grant());
      // Callers in line hold their prepared rows: at most another queue's worth of bytes may wait, or a flood
      // of requests prepared while the writer is full would hold memory the bounds above do not count.
      if (waitMs <= 0 || waiting.bytes + bytes > maxQueuedBytes) return Promise.reject(refusal());
      return waiting.join({ rows, bytes }, waitMs, grant, refusal, serveWaiting);
    },

    /**
     * Flushes what is queued now and resolves true once every row queued before the call is stored or spooled,
     * or false after `timeoutMs` (rows queued meanwhile are not waited for, so a busy writer cannot hold it).
     */
    barrier(timeoutMs: number): Promise<boolean> {
      const last: Entry[] = [];
      for (const q of queues.values()) {
        const e = q.entries[q.entries.length - 1];
        if (e) last.push(e);
        else if (q.flushing) last.push(...inFlightTail(q));
      }
      const done = () => last.every((e) => e.settled);
      if (done()) return Promise.resolve(true);
      for (const q of queues.values()) if (q.entries.length > 0) scheduleFlush(q, true);
      return whenReady(barriers, done, timeoutMs);
    },

    /** Flushes everything queued now and waits for it. */
    async flush(): Promise<void> {
      for (;;) {
        const pending: Promise<void>[] = [];
        for (const q of queues.values()) {
          if (q.entries.length > 0 && !q.flushing) scheduleFlush(q, true);
          if (q.flushing) pending.push(q.flushing);
        }
        if (pending.length === 0) return;
        await Promise.all(pending);
      }
    },

    /** Refuses new work, then flushes all queued rows. */
    async close(): Promise<void> {
      closed = true;
      serveWaiting();
      await this.flush();
    },

    stats(): Readonly<WriterStats> {
      return { ...stats, inserts: Object.fromEntries([...inserts].map(([t, v]) => [t, { ...v }])) };
    },
  };
}
export type BatchingWriter = ReturnType<typeof createBatchingWriter>;
