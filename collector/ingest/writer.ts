/**
 * Batching writer: typed per-table queues flushed on size or interval, bounded, flushed on close. A caller's
 * promise resolves only once every row it enqueued is durably stored (or durably spooled), so the HTTP layer
 * can acknowledge with a clear conscience.
 */

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
  /** Longest a row waits for company before it is flushed. */
  flushIntervalMs?: number;
  /** Rows waiting or being inserted above which new work is refused (503 + Retry-After). */
  maxQueuedRows?: number;
  /** Payload bytes waiting or being inserted above which new work is refused (rows vary in size). */
  maxQueuedBytes?: number;
  /** Attempts per batch before it goes to the spool. */
  attempts?: number;
  onError?: (err: unknown, table: string) => void;
}

export class BackPressureError extends Error {
  constructor(
    readonly queuedRows: number,
    queuedBytes = 0,
  ) {
    super(
      `ingest queue full (${queuedRows} rows, ${Math.round(queuedBytes / 2 ** 20)} MiB pending): retry later`,
    );
  }
}

export class WriterClosedError extends Error {
  constructor() {
    super('writer is shutting down');
  }
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
}

/** One queue per table and format: payloads are concatenated per insert, so formats never mix. */
interface TableQueue {
  table: string;
  format: PayloadFormat;
  entries: Entry[];
  rows: number;
  flushing: Promise<void> | null;
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
}

export function createBatchingWriter(opts: WriterOptions) {
  const maxBatchRows = opts.maxBatchRows ?? 20_000;
  const flushIntervalMs = opts.flushIntervalMs ?? 25;
  const maxQueuedRows = opts.maxQueuedRows ?? 400_000;
  const maxQueuedBytes = opts.maxQueuedBytes ?? 64 * 2 ** 20;
  const attempts = opts.attempts ?? 3;
  const queues = new Map<string, TableQueue>();
  const stats: WriterStats = {
    queuedRows: 0,
    inFlightRows: 0,
    pendingBytes: 0,
    storedRows: 0,
    spooledRows: 0,
    failedBatches: 0,
    flushes: 0,
  };
  let closed = false;

  function queue(table: string, format: PayloadFormat): TableQueue {
    const key = `${format}:${table}`;
    let q = queues.get(key);
    if (!q) {
      q = { table, format, entries: [], rows: 0, flushing: null, timer: null };
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
      while (q.entries.length > 0 && (n === 0 || n + (q.entries[0]?.rows ?? 0) <= maxBatchRows)) {
        const e = q.entries.shift() as Entry;
        batch.push(e);
        n += e.rows;
      }
      q.rows -= n;
      stats.queuedRows -= n;
      stats.inFlightRows += n;
      const payload =
        batch.length === 1 ? (batch[0] as Entry).payload : Buffer.concat(batch.map((e) => e.payload));
      stats.flushes++;
      try {
        const how = await store(q, payload, n);
        if (how === 'stored') stats.storedRows += n;
        else stats.spooledRows += n;
        settle(batch, undefined);
      } catch (err) {
        stats.failedBatches++;
        settle(batch, err);
      } finally {
        stats.inFlightRows -= n;
        for (const e of batch) stats.pendingBytes -= e.bytes;
      }
    }
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

  return {
    /** Queues rows for several tables as one unit; resolves once all of them are stored or spooled. */
    enqueue(parts: readonly WriterPart[]): Promise<void> {
      if (closed) return Promise.reject(new WriterClosedError());
      const nonEmpty = parts.filter((p) => p.rows > 0);
      if (nonEmpty.length === 0) return Promise.resolve();
      const total = nonEmpty.reduce((s, p) => s + p.rows, 0);
      const pending = stats.queuedRows + stats.inFlightRows;
      const bytes = nonEmpty.reduce((s, p) => s + p.payload.byteLength, 0);
      if (pending > 0 && (pending + total > maxQueuedRows || stats.pendingBytes + bytes > maxQueuedBytes))
        return Promise.reject(new BackPressureError(pending, stats.pendingBytes));
      return new Promise<void>((resolve, reject) => {
        const ticket: Ticket = { remaining: nonEmpty.length, failed: false, resolve, reject };
        for (const p of nonEmpty) {
          const q = queue(p.table, p.format);
          q.entries.push({ payload: p.payload, bytes: p.payload.byteLength, rows: p.rows, ticket });
          stats.pendingBytes += p.payload.byteLength;
          q.rows += p.rows;
          stats.queuedRows += p.rows;
          scheduleFlush(q, false);
        }
      });
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
      await this.flush();
    },

    stats(): Readonly<WriterStats> {
      return { ...stats };
    },
  };
}
export type BatchingWriter = ReturnType<typeof createBatchingWriter>;
