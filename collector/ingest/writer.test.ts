import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { BackPressureError, createBatchingWriter, type Sink, WriterClosedError } from './writer.js';

function recordingSink() {
  const calls: { table: string; rows: object[] }[] = [];
  const sink: Sink = async (table, rows) => {
    calls.push({ table, rows: [...rows] });
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
    const a = w.enqueue([{ table: 'logs', rows: [{ n: 1 }] }, { table: 'events', rows: [{ e: 1 }] }]).then(() => done++);
    const b = w.enqueue([{ table: 'logs', rows: [{ n: 2 }, { n: 3 }] }]).then(() => done++);
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

  it('flushes as soon as a batch is full, without waiting for the timer', async () => {
    const { calls, sink } = recordingSink();
    const w = createBatchingWriter({ sink, flushIntervalMs: 10_000, maxBatchRows: 3 });
    const p = w.enqueue([{ table: 't', rows: [{}, {}, {}] }]);
    await vi.advanceTimersByTimeAsync(0);
    await p;
    expect(calls).toHaveLength(1);
  });

  it('acknowledges a request only when all of its tables are stored', async () => {
    let releaseEvents: () => void = () => {};
    const sink: Sink = (table) =>
      table === 'events' ? new Promise<void>((r) => (releaseEvents = r)) : Promise.resolve();
    const w = createBatchingWriter({ sink, flushIntervalMs: 1 });
    let acked = false;
    const p = w.enqueue([{ table: 'logs', rows: [{}] }, { table: 'events', rows: [{}] }]).then(() => (acked = true));
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
    const sink: Sink = async (table, rows) => {
      if (table === 'events') {
        eventsFailures++;
        throw new Error('engine down');
      }
      inserted[table] = (inserted[table] ?? 0) + rows.length;
    };
    const w = createBatchingWriter({
      sink,
      flushIntervalMs: 1,
      attempts: 3,
      spool: { write: async (_t, rows) => void spooled.push(...rows) },
    });
    const p = w.enqueue([{ table: 'logs', rows: [{ a: 1 }] }, { table: 'events', rows: [{ e: 1 }, { e: 2 }] }]);
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
    const p = w.enqueue([{ table: 't', rows: [{}] }]);
    const check = expect(p).rejects.toThrow('disk full');
    await vi.advanceTimersByTimeAsync(10);
    await check;
    expect(w.stats().failedBatches).toBe(1);
  });

  it('refuses work beyond the queue bound with a back-pressure error', async () => {
    const w = createBatchingWriter({ sink: () => new Promise(() => {}), maxQueuedRows: 10, flushIntervalMs: 10_000, maxBatchRows: 100 });
    void w.enqueue([{ table: 't', rows: Array.from({ length: 8 }, () => ({})) }]);
    await expect(w.enqueue([{ table: 't', rows: [{}, {}, {}] }])).rejects.toBeInstanceOf(BackPressureError);
  });

  it('flushes everything on close and refuses work afterwards', async () => {
    const { calls, sink } = recordingSink();
    const w = createBatchingWriter({ sink, flushIntervalMs: 60_000 });
    const p = w.enqueue([{ table: 't', rows: [{ x: 1 }] }]);
    await w.close();
    await p;
    expect(calls).toHaveLength(1);
    await expect(w.enqueue([{ table: 't', rows: [{}] }])).rejects.toBeInstanceOf(WriterClosedError);
  });
});
