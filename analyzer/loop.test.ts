import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AgentEvent } from '../schema/index.js';
import type { IngestedEvent, Store, Watermark } from '../store/index.js';
import type { Engine } from './engine.js';
import { createAnalyzerLoop } from './loop.js';

// The pacing of the loop in `ward serve`: while ingest is busy scoring takes a bounded share of wall time, and
// it never stops. Time is the fake clock: a batch "takes" WORK_MS by moving it, so the pauses are exact.
const WORK_MS = 100;
const BATCH = 10;

function events(n: number): IngestedEvent[] {
  return Array.from({ length: n }, (_, i) => ({
    ingestedAt: `2026-12-05T00:00:00.${String(i).padStart(3, '0')}Z`,
    event: { event_id: `e${String(i).padStart(6, '0')}` } as AgentEvent,
  }));
}

/** An in-memory stand-in for the store's analyzer reads: events after a watermark, in order. */
function memoryStore(all: IngestedEvent[]): Pick<Store, 'analyzer'> {
  const after = (w: Watermark | null) =>
    all.filter(
      (e) =>
        !w || e.ingestedAt > w.ingestedAt || (e.ingestedAt === w.ingestedAt && e.event.event_id > w.eventId),
    );
  return {
    analyzer: {
      watermark: async () => null,
      setWatermark: async () => {},
      ingestCounts: async () => new Map(),
      eventsAfter: async (w: Watermark | null, limit: number) => after(w).slice(0, limit),
    },
  } as unknown as Pick<Store, 'analyzer'>;
}

function busyEngine(started: number[]): Engine {
  return {
    processBatch: async () => {
      started.push(performance.now());
      vi.advanceTimersByTime(WORK_MS);
      return { alerts: [], risks: [], sessions: 0 };
    },
  } as unknown as Engine;
}

/** A loop over `n` stored events whose batches each take WORK_MS; `started` gets each batch's start time. */
function pacedLoop(n: number, share: number, started: number[]) {
  return createAnalyzerLoop({
    store: memoryStore(events(n)),
    engine: busyEngine(started),
    batchSize: BATCH,
    lease: false,
    share: () => share,
  });
}

/** Lets the loop's promise chain run (no timers move). */
const settle = async () => {
  for (let i = 0; i < 20; i++) await Promise.resolve();
};

describe('analyzer loop pacing (share of wall time)', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('after a batch that took t ms, waits t × (1 − share) / share before the next one', async () => {
    const started: number[] = [];
    const loop = pacedLoop(3 * BATCH, 0.25, started);
    const run = loop.runOnce();
    await settle();
    expect(started).toHaveLength(1);
    // 100 ms of work at a quarter share: 300 ms of pause before the second batch.
    await vi.advanceTimersByTimeAsync(299);
    expect(started).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    await settle();
    expect(started).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(await run).toBe(3 * BATCH);
    expect(started[1]! - started[0]!).toBe(WORK_MS + 300);
    expect(started[2]! - started[1]!).toBe(WORK_MS + 300);
    // /healthz shows where scoring stands and the share it is held to.
    expect(loop.status()).toEqual({
      scoredUpTo: events(3 * BATCH).at(-1)?.ingestedAt,
      share: 0.25,
      analysisThreadsReplaced: 0,
    });
  });

  it('does not pause at a full share (ingest idle)', async () => {
    const started: number[] = [];
    const loop = pacedLoop(3 * BATCH, 1, started);
    const run = loop.runOnce();
    await settle();
    expect(await run).toBe(3 * BATCH);
    expect(started.map((t) => t - started[0]!)).toEqual([0, WORK_MS, 2 * WORK_MS]);
  });

  it('never starves: a share of 0 (or less) still scores at the floor of a tenth', async () => {
    const started: number[] = [];
    const loop = pacedLoop(2 * BATCH, 0, started);
    const run = loop.runOnce();
    await settle();
    await vi.advanceTimersByTimeAsync(900);
    await settle();
    expect(started).toHaveLength(2);
    expect(started[1]! - started[0]!).toBe(WORK_MS + 900);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(await run).toBe(2 * BATCH);
  });

  it('stop() ends a pause at once', async () => {
    const started: number[] = [];
    const loop = pacedLoop(3 * BATCH, 0.1, started);
    const run = loop.runOnce();
    await settle();
    expect(started).toHaveLength(1);
    const stopping = loop.stop();
    await settle();
    // The pause (900 ms) was cut short and no further batch was scored.
    expect(await run).toBe(BATCH);
    await stopping;
    expect(started).toHaveLength(1);
  });
});
