import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { toJsonEachRow } from './prepare.js';
import { createBatchingWriter, type Sink, type WriterPart } from './writer.js';

// Rows the journal already holds wait for company after an insert, so that a busy writer inserts full
// batches; nothing that waits on the writer (barrier, flush, close, a sender in line) waits for that.

const part = (table: string, n: number): WriterPart => ({
  table,
  format: 'JSONEachRow',
  payload: toJsonEachRow(Array.from({ length: n }, (_, i) => ({ i }))),
  rows: n,
});

/** A sink that records each insert's row count and holds it until released. */
function recordingSink() {
  const inserts: number[] = [];
  const held: (() => void)[] = [];
  const sink: Sink = (_t, _p, rows) => {
    inserts.push(rows);
    return new Promise<void>((r) => held.push(r));
  };
  const release = async () => {
    for (const r of held.splice(0)) r();
    await vi.advanceTimersByTimeAsync(0);
  };
  return { sink, inserts, release };
}

describe('batching writer lingering for full batches (journal)', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  async function busyWriter(lingerMs: number) {
    const s = recordingSink();
    const w = createBatchingWriter({ sink: s.sink, maxBatchRows: 100, flushIntervalMs: 5, lingerMs });
    let seq = 0;
    const commit = async (rows: number) => (await w.reserve([part('logs', rows)])).commit(++seq);
    // A full batch goes at once; what queues while it is inserted is a partial batch.
    const stored = [commit(100), commit(30), commit(30)];
    await vi.advanceTimersByTimeAsync(0);
    expect(s.inserts).toEqual([100]);
    return { ...s, w, commit, stored };
  }

  it('without lingering, the next insert takes whatever queued meanwhile at once', async () => {
    const b = await busyWriter(0);
    await b.release();
    expect(b.inserts).toEqual([100, 60]);
  });

  it('lingering, a partial batch waits after an insert and goes full once enough rows arrive', async () => {
    const b = await busyWriter(1_000);
    await b.release();
    expect(b.inserts).toEqual([100]);
    await vi.advanceTimersByTimeAsync(900);
    expect(b.inserts).toEqual([100]);
    void b.commit(40);
    await vi.advanceTimersByTimeAsync(0);
    expect(b.inserts).toEqual([100, 100]);
  });

  it('lingering is bounded: the timer inserts a partial batch', async () => {
    const b = await busyWriter(1_000);
    await b.release();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(b.inserts).toEqual([100, 60]);
    await b.release();
    await Promise.all(b.stored);
  });

  it('a read barrier does not wait for the linger', async () => {
    const b = await busyWriter(60_000);
    await b.release();
    const done = b.w.barrier(5_000);
    await vi.advanceTimersByTimeAsync(0);
    expect(b.inserts).toEqual([100, 60]);
    await b.release();
    await expect(done).resolves.toBe(true);
  });

  it('a sender waiting for room makes lingering rows go at once', async () => {
    const s = recordingSink();
    const w = createBatchingWriter({
      sink: s.sink,
      maxBatchRows: 100,
      maxQueuedRows: 120,
      flushIntervalMs: 5,
      lingerMs: 60_000,
    });
    void (await w.reserve([part('logs', 100)])).commit(1);
    await vi.advanceTimersByTimeAsync(0);
    void (await w.reserve([part('logs', 10)])).commit(2);
    await s.release();
    expect(s.inserts).toEqual([100]);
    // 10 rows linger; a request of 115 does not fit beside them: it waits in line, and they are inserted.
    const room = w.reserve([part('logs', 115)], 10_000);
    await vi.advanceTimersByTimeAsync(0);
    expect(s.inserts).toEqual([100, 10]);
    await s.release();
    await expect(room).resolves.toBeDefined();
  });

  it('close stores lingering rows', async () => {
    const b = await busyWriter(60_000);
    await b.release();
    const closed = b.w.close();
    await vi.advanceTimersByTimeAsync(0);
    expect(b.inserts).toEqual([100, 60]);
    await b.release();
    await closed;
    await Promise.all(b.stored);
  });
});
