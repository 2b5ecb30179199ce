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
      watermarkMetricsFrom: async () => null,
      setWatermark: async () => {},
      ingestCounts: async () => new Map(),
      unseenFrom: async () => new Date().toISOString(),
      getState: async () => null,
      setState: async () => {},
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
      mainThreadShare: 1,
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

describe('analyzer loop pacing (share of this thread)', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  /** Batches of WORK_MS wall time, `activeMs` of it on this thread (the rest waits on the analysis thread). */
  function loopWith(o: { share: number; mainShare: number; activeMs: number }, started: number[]) {
    let active = 0;
    const engine = {
      processBatch: async () => {
        started.push(performance.now());
        vi.advanceTimersByTime(WORK_MS);
        active += o.activeMs;
        return { alerts: [], risks: [], sessions: 0 };
      },
    } as unknown as Engine;
    return createAnalyzerLoop({
      store: memoryStore(events(2 * BATCH)),
      engine,
      batchSize: BATCH,
      lease: false,
      share: () => o.share,
      mainThreadShare: () => o.mainShare,
      mainThreadBusyMs: () => active,
    });
  }
  async function gap(o: { share: number; mainShare: number; activeMs: number }): Promise<number> {
    const started: number[] = [];
    const run = loopWith(o, started).runOnce();
    await settle();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(await run).toBe(2 * BATCH);
    return started[1]! - started[0]! - WORK_MS;
  }

  it('while analysts read, pauses for what the batch took of this thread, not for the analysis thread', async () => {
    // 100 ms of wall time, 10 of them on this thread, at a quarter of this thread: 30 ms of pause (not 300).
    expect(await gap({ share: 1, mainShare: 0.25, activeMs: 10 })).toBe(30);
    // A batch that keeps this thread busy the whole time is held to the quarter as before.
    expect(await gap({ share: 1, mainShare: 0.25, activeMs: WORK_MS })).toBe(300);
  });

  it('takes the longer of the two pauses when ingest is busy too', async () => {
    expect(await gap({ share: 0.5, mainShare: 0.25, activeMs: 10 })).toBe(WORK_MS);
    expect(await gap({ share: 1, mainShare: 1, activeMs: WORK_MS })).toBe(0);
  });
});

describe('analyzer loop batch size', () => {
  /** The limits the loop asked the store for while it caught up with `all`. */
  async function limitsAsked(all: IngestedEvent[]): Promise<number[]> {
    const store = memoryStore(all);
    const asked: number[] = [];
    const read = store.analyzer.eventsAfter;
    store.analyzer.eventsAfter = (w, limit) => {
      asked.push(limit);
      return read(w, limit);
    };
    const scored: number[] = [];
    const loop = createAnalyzerLoop({
      store,
      engine: {
        processBatch: async (b: IngestedEvent[]) => {
          scored.push(b.length);
          return { alerts: [], risks: [], sessions: 0 };
        },
      } as unknown as Engine,
      batchSize: 100,
      batchChars: 100_000,
      lease: false,
    });
    expect(await loop.catchUp()).toBe(all.length);
    expect(scored.reduce((a, b) => a + b, 0)).toBe(all.length);
    return asked;
  }
  const withCommand = (n: number, command: string) =>
    events(n).map((e) => ({ ...e, event: { ...e.event, command } as AgentEvent }));

  it('reads fewer events at a time after a batch of large ones (a flood of long commands)', async () => {
    const asked = await limitsAsked(withCommand(500, '中'.repeat(10_000)));
    // The first read asks for the batch size; 100 events of ~10,000 characters are ten times the bound.
    expect(asked[0]).toBe(100);
    expect(asked.slice(1).every((n) => n === 16)).toBe(true);
  });

  it('keeps the batch size for ordinary events', async () => {
    const asked = await limitsAsked(withCommand(500, 'git status'));
    expect(asked.every((n) => n === 100)).toBe(true);
  });
});
