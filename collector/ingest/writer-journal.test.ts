import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { toJsonEachRow } from './prepare.js';
import { BackPressureError, createBatchingWriter, type Sink, type WriterPart } from './writer.js';

// The writer's side of the journal: room reserved before rows are durable, rows committed with their
// sequence number, per-table marks of what is stored, and the barrier API reads wait on.

const part = (table: string, n: number): WriterPart => ({
  table,
  format: 'JSONEachRow',
  payload: toJsonEachRow(Array.from({ length: n }, (_, i) => ({ i }))),
  rows: n,
});

/** A sink whose inserts wait until released, one release per insert. */
function heldSink() {
  const waiting: (() => void)[] = [];
  const sink: Sink = () => new Promise<void>((r) => waiting.push(r));
  const releaseAll = () => {
    for (const r of waiting.splice(0)) r();
  };
  return { sink, waiting, releaseAll };
}

describe('batching writer with a journal', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('reports per table the highest committed sequence number stored, batch by batch', async () => {
    const marks: string[] = [];
    const w = createBatchingWriter({
      sink: async () => {},
      flushIntervalMs: 5,
      onStored: (t, seq) => marks.push(`${t}@${seq}`),
    });
    const a = await w.reserve([part('logs', 2), part('events', 1)]);
    const b = await w.reserve([part('logs', 1)]);
    const stored = Promise.all([a.commit(1), b.commit(2)]);
    await vi.advanceTimersByTimeAsync(5);
    await stored;
    expect(marks.sort()).toEqual(['events@1', 'logs@2']);
  });

  it('a full writer keeps callers in line and serves them in order as room frees up', async () => {
    const held = heldSink();
    const w = createBatchingWriter({ sink: held.sink, flushIntervalMs: 1, maxQueuedRows: 10 });
    const first = await w.reserve([part('logs', 8)]);
    void first.commit(1);
    const order: string[] = [];
    const second = w.reserve([part('logs', 6)], 10_000).then(() => order.push('second'));
    const third = w.reserve([part('logs', 1)], 10_000).then(() => order.push('third'));
    // Without a wait, a full writer refuses at once (and so does a caller that would jump the line).
    await expect(w.reserve([part('logs', 1)])).rejects.toBeInstanceOf(BackPressureError);
    await vi.advanceTimersByTimeAsync(5);
    expect(order).toEqual([]);
    held.releaseAll();
    await vi.advanceTimersByTimeAsync(1);
    await Promise.all([second, third]);
    expect(order).toEqual(['second', 'third']);
  });

  it("attack: requests prepared while the writer is full hold at most a queue's worth of bytes in line", async () => {
    // A flood of large requests, each prepared and then kept waiting with its rows in memory, would hold
    // memory outside every bound; beyond one queue's worth of waiting bytes the answer is at once a 503.
    const held = heldSink();
    const big = (n: number): WriterPart => ({
      table: 'logs',
      format: 'RowBinary',
      payload: new Uint8Array(n),
      rows: 1,
    });
    const w = createBatchingWriter({ sink: held.sink, flushIntervalMs: 1, maxQueuedBytes: 1000 });
    void (await w.reserve([big(1000)])).commit(1); // the writer is full
    const inLine = [w.reserve([big(600)], 10_000), w.reserve([big(400)], 10_000)];
    let refused: unknown;
    w.reserve([big(1)], 10_000).catch((err: unknown) => {
      refused = err;
    });
    await vi.advanceTimersByTimeAsync(0);
    expect(refused).toBeInstanceOf(BackPressureError); // at once, not after its wait
    await vi.advanceTimersByTimeAsync(1); // the full batch is being inserted
    held.releaseAll();
    await vi.advanceTimersByTimeAsync(5);
    await Promise.all(inLine); // the two in line were served once room came
  });

  it('refuses a caller still in line after its wait, and a cancelled reservation gives its room back', async () => {
    const held = heldSink();
    const w = createBatchingWriter({ sink: held.sink, flushIntervalMs: 1, maxQueuedRows: 10 });
    const big = await w.reserve([part('logs', 9)]);
    const late = w.reserve([part('logs', 5)], 100);
    const caught = expect(late).rejects.toBeInstanceOf(BackPressureError);
    await vi.advanceTimersByTimeAsync(100);
    await caught;
    big.cancel(); // never made durable: the room is free again
    expect(w.stats()).toMatchObject({ queuedRows: 0, inFlightRows: 0 });
    await expect(w.reserve([part('logs', 9)])).resolves.toBeDefined();
  });

  it('a barrier waits for the rows queued before it, not for those queued after', async () => {
    const held = heldSink();
    const w = createBatchingWriter({ sink: held.sink, flushIntervalMs: 3_600_000 });
    const r1 = await w.reserve([part('logs', 3)]);
    void r1.commit(1);
    let passed: boolean | undefined;
    const barrier = w.barrier(10_000).then((ok) => (passed = ok));
    await vi.advanceTimersByTimeAsync(0);
    expect(held.waiting).toHaveLength(1); // the barrier flushed at once, not after the hour
    const r2 = await w.reserve([part('logs', 2)]);
    void r2.commit(2);
    held.waiting.shift()?.();
    await vi.advanceTimersByTimeAsync(0);
    await barrier;
    expect(passed).toBe(true);
    expect(w.stats().queuedRows + w.stats().inFlightRows).toBe(2); // the later rows are still pending
  });

  it('a barrier gives up after its time when the store does not answer', async () => {
    const held = heldSink();
    const w = createBatchingWriter({ sink: held.sink, flushIntervalMs: 1 });
    void (await w.reserve([part('logs', 1)])).commit(1);
    const barrier = w.barrier(250);
    await vi.advanceTimersByTimeAsync(250);
    expect(await barrier).toBe(false);
    held.releaseAll();
  });

  it('rows lost to both the store and the spool are reported from their first sequence number', async () => {
    const lost: string[] = [];
    const w = createBatchingWriter({
      sink: async () => {
        throw new Error('down');
      },
      spool: {
        write: async () => {
          throw new Error('disk full');
        },
      },
      attempts: 1,
      flushIntervalMs: 1,
      onLost: (t, seq) => lost.push(`${t}@${seq}`),
    });
    const a = await w.reserve([part('logs', 1)]);
    const b = await w.reserve([part('logs', 1)]);
    const both = Promise.allSettled([a.commit(7), b.commit(8)]);
    await vi.advanceTimersByTimeAsync(5);
    expect((await both).map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(lost).toEqual(['logs@7']);
  });
});
