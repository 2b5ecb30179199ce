import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { toJsonEachRow } from './prepare.js';
import {
  BackPressureError,
  createBatchingWriter,
  type Sink,
  WriterClosedError,
  type WriterPart,
} from './writer.js';

/** A writer part from row objects. */
const part = (table: string, rows: object[]): WriterPart => ({
  table,
  format: 'JSONEachRow',
  payload: toJsonEachRow(rows),
  rows: rows.length,
});
const decode = (payload: Uint8Array): object[] =>
  new TextDecoder()
    .decode(payload)
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as object);

function recordingSink() {
  const calls: { table: string; rows: object[] }[] = [];
  const sink: Sink = async (table, payload, n) => {
    const rows = decode(payload);
    expect(rows).toHaveLength(n);
    calls.push({ table, rows });
  };
  return { calls, sink };
}

describe('batching writer', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('holds rows until the interval, then writes one insert per table', async () => {
    const { calls, sink } = recordingSink();
    const w = createBatchingWriter({ sink, flushIntervalMs: 50, maxBatchRows: 1000 });
    let done = 0;
    const a = w.enqueue([part('logs', [{ n: 1 }]), part('events', [{ e: 1 }])]).then(() => done++);
    const b = w.enqueue([part('logs', [{ n: 2 }, { n: 3 }])]).then(() => done++);
    await vi.advanceTimersByTimeAsync(49);
    expect(calls).toHaveLength(0);
    expect(done).toBe(0);
    await vi.advanceTimersByTimeAsync(1);
    await Promise.all([a, b]);
    expect(done).toBe(2);
    expect(calls.find((c) => c.table === 'logs')?.rows).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
    expect(calls.filter((c) => c.table === 'logs')).toHaveLength(1);
    expect(w.stats()).toMatchObject({ queuedRows: 0, inFlightRows: 0, storedRows: 4 });
  });

  it('counts the inserts and rows it stored per table', async () => {
    const { sink } = recordingSink();
    const w = createBatchingWriter({ sink, flushIntervalMs: 10 });
    const first = w.enqueue([part('logs', [{}, {}, {}]), part('events', [{}])]);
    await vi.advanceTimersByTimeAsync(10);
    await first;
    const second = w.enqueue([part('logs', [{}])]);
    await vi.advanceTimersByTimeAsync(10);
    await second;
    const stats = w.stats();
    expect(stats.inserts).toEqual({ logs: { count: 2, rows: 4 }, events: { count: 1, rows: 1 } });
    // A copy: the caller cannot change the writer's counts.
    (stats.inserts.logs as { count: number }).count = 99;
    expect(w.stats().inserts.logs?.count).toBe(2);
  });

  it('flushes as soon as a batch is full, without waiting for the timer', async () => {
    const { calls, sink } = recordingSink();
    const w = createBatchingWriter({ sink, flushIntervalMs: 10_000, maxBatchRows: 3 });
    const p = w.enqueue([part('t', [{}, {}, {}])]);
    await vi.advanceTimersByTimeAsync(0);
    await p;
    expect(calls).toHaveLength(1);
  });

  it('keeps each insert within its byte bound: large requests go one at a time, small ones together', async () => {
    const { calls, sink } = recordingSink();
    const w = createBatchingWriter({ sink, flushIntervalMs: 50, maxBatchRows: 1000, maxBatchBytes: 4096 });
    const big = (i: number) => part('logs', [{ i, pad: 'x'.repeat(3_000) }]);
    const small = (i: number) => part('logs', [{ i }]);
    const all = Promise.all([
      w.enqueue([big(1)]),
      w.enqueue([big(2)]),
      w.enqueue([small(3)]),
      w.enqueue([small(4)]),
    ]);
    await vi.advanceTimersByTimeAsync(50);
    await all;
    // Two 3 KiB requests never share a 4 KiB insert; the small ones join the last.
    expect(calls.map((c) => c.rows.map((r) => (r as { i: number }).i))).toEqual([[1], [2, 3, 4]]);
    // A request over the bound on its own is still stored (alone), not refused.
    const over = w.enqueue([part('logs', [{ i: 5, pad: 'x'.repeat(10_000) }])]);
    await vi.advanceTimersByTimeAsync(50);
    await over;
    expect(calls.at(-1)?.rows).toHaveLength(1);
  });

  it('acknowledges a request only when all of its tables are stored', async () => {
    let releaseEvents: () => void = () => {};
    const sink: Sink = (table) =>
      table === 'events' ? new Promise<void>((r) => (releaseEvents = r)) : Promise.resolve();
    const w = createBatchingWriter({ sink, flushIntervalMs: 1 });
    let acked = false;
    const p = w.enqueue([part('logs', [{}]), part('events', [{}])]).then(() => (acked = true));
    await vi.advanceTimersByTimeAsync(5);
    expect(acked).toBe(false);
    releaseEvents();
    await p;
    expect(acked).toBe(true);
  });

  it('retries a failing table alone, then spools it: acknowledged rows are never lost or doubled', async () => {
    const inserted: Record<string, number> = {};
    const spooled: object[] = [];
    let eventsFailures = 0;
    const sink: Sink = async (table, _payload, rows) => {
      if (table === 'events') {
        eventsFailures++;
        throw new Error('engine down');
      }
      inserted[table] = (inserted[table] ?? 0) + rows;
    };
    const w = createBatchingWriter({
      sink,
      flushIntervalMs: 1,
      attempts: 3,
      spool: { write: async (_t, payload) => void spooled.push(...decode(payload)) },
    });
    const p = w.enqueue([part('logs', [{ a: 1 }]), part('events', [{ e: 1 }, { e: 2 }])]);
    await vi.advanceTimersByTimeAsync(1000);
    await p;
    expect(eventsFailures).toBe(3);
    expect(inserted.logs).toBe(1);
    expect(spooled).toEqual([{ e: 1 }, { e: 2 }]);
    expect(w.stats()).toMatchObject({ storedRows: 1, spooledRows: 2 });
  });

  it('rejects the request when neither the store nor the spool takes the rows', async () => {
    const w = createBatchingWriter({
      sink: async () => {
        throw new Error('engine down');
      },
      attempts: 1,
      flushIntervalMs: 1,
      spool: {
        write: async () => {
          throw new Error('disk full');
        },
      },
    });
    const p = w.enqueue([part('t', [{}])]);
    const check = expect(p).rejects.toThrow('disk full');
    await vi.advanceTimersByTimeAsync(10);
    await check;
    expect(w.stats().failedBatches).toBe(1);
  });

  it('refuses work beyond the queue bound with a back-pressure error', async () => {
    const w = createBatchingWriter({
      sink: () => new Promise(() => {}),
      maxQueuedRows: 10,
      flushIntervalMs: 10_000,
      maxBatchRows: 100,
    });
    void w.enqueue([
      part(
        't',
        Array.from({ length: 8 }, () => ({})),
      ),
    ]);
    await expect(w.enqueue([part('t', [{}, {}, {}])])).rejects.toBeInstanceOf(BackPressureError);
  });

  it('keeps the rest of the queue for others while one sender holds its share, and gives it back once stored', async () => {
    let store: () => void = () => {};
    const w = createBatchingWriter({
      sink: () =>
        new Promise<void>((r) => {
          store = r;
        }),
      maxQueuedBytes: 1000,
      maxSenderQueuedBytes: 600,
      flushIntervalMs: 10_000,
      maxBatchRows: 1000,
    });
    const bytesPart = (n: number) => ({ ...part('t', [{}]), payload: new Uint8Array(n) });
    const first = w.enqueue([bytesPart(500)], 'flooder');
    // Its next request would pass its share (500 + 200 > 600), though the queue (700 of 1000) has room.
    await expect(w.enqueue([bytesPart(200)], 'flooder')).rejects.toBeInstanceOf(BackPressureError);
    // Another sender still gets in, up to the queue's own bound.
    const other = w.enqueue([bytesPart(400)], 'victim');
    await expect(w.enqueue([bytesPart(200)], 'third')).rejects.toBeInstanceOf(BackPressureError);
    // Stored, the flooder's share is free again.
    await vi.advanceTimersByTimeAsync(10_000);
    store();
    await first;
    await vi.advanceTimersByTimeAsync(10_000);
    store();
    await other;
    const again = w.enqueue([bytesPart(600)], 'flooder');
    await vi.advanceTimersByTimeAsync(10_000);
    store();
    await again;
  });

  it("counts a sender's rows against its share too: small rows fill the row bound before the byte bound", async () => {
    const w = createBatchingWriter({
      sink: () => new Promise<void>(() => {}),
      maxQueuedRows: 1000,
      maxSenderQueuedRows: 750,
      flushIntervalMs: 10_000,
      maxBatchRows: 10_000,
    });
    const rowsPart = (n: number) => ({ ...part('t', [{}]), rows: n, payload: new Uint8Array(n) });
    void w.enqueue([rowsPart(700)], 'flooder');
    await expect(w.enqueue([rowsPart(100)], 'flooder')).rejects.toBeInstanceOf(BackPressureError);
    void w.enqueue([rowsPart(250)], 'victim');
    expect(w.stats().queuedRows).toBe(950);
  });

  it('flushes everything on close and refuses work afterwards', async () => {
    const { calls, sink } = recordingSink();
    const w = createBatchingWriter({ sink, flushIntervalMs: 60_000 });
    const p = w.enqueue([part('t', [{ x: 1 }])]);
    await w.close();
    await p;
    expect(calls).toHaveLength(1);
    await expect(w.enqueue([part('t', [{}])])).rejects.toBeInstanceOf(WriterClosedError);
  });

  it('never mixes formats in one insert: one queue per table and format, spooled with its format', async () => {
    const calls: { table: string; format: string; bytes: number[]; rows: number }[] = [];
    const sink: Sink = async (table, payload, rows, format) => {
      calls.push({ table, format, bytes: [...payload], rows });
    };
    const w = createBatchingWriter({ sink, flushIntervalMs: 10, maxBatchRows: 1000 });
    const rb = (bytes: number[], rows: number): WriterPart => ({
      table: 'logs',
      format: 'RowBinary',
      payload: Uint8Array.from(bytes),
      rows,
    });
    const done = Promise.all([
      w.enqueue([rb([1, 2], 1), part('logs', [{ n: 1 }])]),
      w.enqueue([rb([3], 2), part('logs', [{ n: 2 }])]),
    ]);
    await vi.advanceTimersByTimeAsync(10);
    await done;
    expect(calls).toHaveLength(2);
    expect(calls.find((c) => c.format === 'RowBinary')).toEqual({
      table: 'logs',
      format: 'RowBinary',
      bytes: [1, 2, 3],
      rows: 3,
    });
    const json = calls.find((c) => c.format === 'JSONEachRow');
    expect(json && decode(Uint8Array.from(json.bytes))).toEqual([{ n: 1 }, { n: 2 }]);

    const spooled: { format: string; rows: number }[] = [];
    const failing = createBatchingWriter({
      sink: async () => {
        throw new Error('down');
      },
      spool: { write: async (_t, _p, format, rows) => void spooled.push({ format, rows }) },
      attempts: 1,
      flushIntervalMs: 10,
    });
    const stored = failing.enqueue([rb([9], 4)]);
    await vi.advanceTimersByTimeAsync(10);
    await stored;
    expect(spooled).toEqual([{ format: 'RowBinary', rows: 4 }]);
  });
});
