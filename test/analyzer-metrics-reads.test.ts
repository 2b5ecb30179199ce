import { afterEach, describe, expect, it, vi } from 'vitest';
import { createCommandAnalyzer } from '../analyzer/command-facts.js';
import { BASELINE_DETECTORS, createAnalyzerLoop, createEngine, streamDetectors } from '../analyzer/index.js';
import type { SessionMetrics, Store } from '../store/index.js';
import { makeEvent } from './helpers/events.js';
import { testStore } from './helpers/store.js';

/**
 * A session's whole-session metrics (the baselines' input) are one ClickHouse aggregate over all its events. Read
 * again for every batch that touched the session, a session flooded in small batches made the analyzer re-read it
 * whole each time: the rows read grew with the square of its size (the attacker's flood held the analyzer back
 * twice: once with its events, once with their re-reads).
 */
describe("the baselines' session metrics under a flood", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  /** The store, counting the session rows the metrics reads covered (each read covers the session whole). */
  function counted(store: Store) {
    const reads: SessionMetrics[] = [];
    const watched = {
      ...store,
      analyzer: {
        ...store.analyzer,
        sessionMetrics: async (ids: readonly string[]) => {
          const got = await store.analyzer.sessionMetrics(ids);
          reads.push(...got);
          return got;
        },
      },
    };
    return { watched, reads };
  }

  /** The analyzer scoring `store`'s events, its engine reading through `reads`. */
  async function scoring(
    store: Store,
    reads: Pick<Store, 'analyzer' | 'alerts'>,
    name: string,
    maxSessions?: number,
  ) {
    const engine = createEngine({
      store: reads,
      analyzer: await createCommandAnalyzer({ run: 'inline' }),
      detectors: streamDetectors(),
      baselines: BASELINE_DETECTORS,
      ...(maxSessions ? { maxSessions } : {}),
    });
    return createAnalyzerLoop({ store, engine, lease: false, name });
  }

  const at = (i: number) => new Date(Date.now() - 3_000_000 + i * 10).toISOString();
  const cmd = (session: string, i: number, command = `ls dir${i % 7}`) =>
    makeEvent({ session_id: session, agent: 'codex', call_id: `${session}-${i}`, command, time: at(i) });

  it('rows read for metrics grow with the session, not with its square', async () => {
    const store = await testStore('ward_analyzer_metrics_reads');
    const { watched, reads } = counted(store);
    const loop = await scoring(store, watched, 'metrics-flood');
    const BATCHES = 30;
    const PER_BATCH = 60;
    for (let b = 0; b < BATCHES; b++) {
      await store.events.insert(Array.from({ length: PER_BATCH }, (_, k) => cmd('flood', b * PER_BATCH + k)));
      while ((await loop.runOnce()) > 0) {}
    }
    const total = BATCHES * PER_BATCH;
    const mine = reads.filter((m) => m.session_id === 'flood');
    // Each read covered the session whole: the sum of its command counts at each read is the rows re-read.
    const reread = mine.reduce((n, m) => n + m.commands, 0);
    // Re-read on every batch that would be ~ total² / (2 × PER_BATCH) = 27,900 rows; growth by a quarter, ~5 ×.
    expect(reread).toBeLessThanOrEqual(6 * total);
    expect(mine.length).toBeLessThanOrEqual(20);
    // The last read is recent: it saw at least four fifths of the session.
    expect(mine.at(-1)?.commands ?? 0).toBeGreaterThanOrEqual(0.8 * total);
  }, 120_000);

  it("a grown session's last few events reach its metrics a while later, though it sends nothing more", async () => {
    const store = await testStore('ward_analyzer_metrics_reads');
    const { watched, reads } = counted(store);
    const loop = await scoring(store, watched, 'metrics-age');
    const readsOf = () => reads.filter((m) => m.session_id === 'big');
    await store.events.insert(Array.from({ length: 400 }, (_, i) => cmd('big', i)));
    while ((await loop.runOnce()) > 0) {}
    expect(readsOf().length).toBe(1);
    // One more event (an agent's last step: a large upload, say): too few to read the whole session again now.
    await store.events.insert([cmd('big', 400)]);
    while ((await loop.runOnce()) > 0) {}
    expect(readsOf().length).toBe(1);
    // The session sends nothing more. Later (the engine's clock only), the analyzer's next turn finds nothing new,
    // and reads the session again all the same: the event it left out is in.
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + 60_000 });
    expect(await loop.runOnce()).toBe(0);
    expect(readsOf().length).toBe(2);
    expect(readsOf().at(-1)?.commands).toBe(401);
    // Read, it is not read again while nothing new comes.
    vi.setSystemTime(Date.now() + 60_000);
    await loop.runOnce();
    expect(readsOf().length).toBe(2);
  });

  it('a session forgotten before its last events reached its metrics is read again all the same', async () => {
    const store = await testStore('ward_analyzer_metrics_reads');
    const { watched, reads } = counted(store);
    // Two sessions held: the agent's other sessions push its first one out of memory.
    const loop = await scoring(store, watched, 'metrics-evicted', 2);
    const readsOf = () => reads.filter((m) => m.session_id === 'grown');
    await store.events.insert(Array.from({ length: 400 }, (_, i) => cmd('grown', i)));
    while ((await loop.runOnce()) > 0) {}
    await store.events.insert([cmd('grown', 400)]);
    while ((await loop.runOnce()) > 0) {}
    expect(readsOf().length).toBe(1);
    for (const other of ['o1', 'o2', 'o3']) {
      await store.events.insert([cmd(other, 0)]);
      while ((await loop.runOnce()) > 0) {}
    }
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + 60_000 });
    await loop.runOnce();
    expect(readsOf().length).toBe(2);
    expect(readsOf().at(-1)?.commands).toBe(401);
  });

  // Attacker's next step: the last small step, then `ward serve` killed (the agent runs as the same user in local
  // mode) before the 15 s pass. The analyzer that starts again holds no session; its first turn looks back over
  // what was stored just before its watermark (analyzer/loop.ts), so the session is rebuilt and read whole.
  it('a restart right after the last step does not keep that step from the metrics', async () => {
    const store = await testStore('ward_analyzer_metrics_reads');
    const { watched, reads } = counted(store);
    const readsOf = () => reads.filter((m) => m.session_id === 'restarted');
    const before = await scoring(store, watched, 'metrics-restart');
    await store.events.insert(Array.from({ length: 400 }, (_, i) => cmd('restarted', i)));
    while ((await before.runOnce()) > 0) {}
    await store.events.insert([cmd('restarted', 400)]);
    while ((await before.runOnce()) > 0) {}
    expect(readsOf().length).toBe(1);
    // Killed; a new analyzer with the same name (watermark) starts later.
    const after = await scoring(store, watched, 'metrics-restart');
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + 60_000 });
    await after.runOnce();
    expect(readsOf().at(-1)?.commands).toBe(401);
  });

  // Its next step: the last small step, then other sessions' traffic for longer than the loop looks back, then the
  // restart. The look-back no longer reaches the step, so the new analyzer must find the session another way.
  it('a restart after the last step and a while of other traffic still reads that step into the metrics', async () => {
    const store = await testStore('ward_analyzer_metrics_reads');
    const { watched, reads } = counted(store);
    const readsOf = () => reads.filter((m) => m.session_id === 'quiet');
    const scoringShort = async () => {
      const engine = createEngine({
        store: watched,
        analyzer: await createCommandAnalyzer({ run: 'inline' }),
        detectors: streamDetectors(),
        baselines: BASELINE_DETECTORS,
      });
      return createAnalyzerLoop({
        store,
        engine,
        lease: false,
        name: 'metrics-restart-late',
        overlapMs: 100,
      });
    };
    const before = await scoringShort();
    await store.events.insert(Array.from({ length: 400 }, (_, i) => cmd('quiet', i)));
    while ((await before.runOnce()) > 0) {}
    await store.events.insert([cmd('quiet', 400)]);
    while ((await before.runOnce()) > 0) {}
    expect(readsOf().length).toBe(1);
    // Other sessions go on until the engine's clock (the one that stamps ingest times) is past the look-back: its
    // overlap and the slack before what the last check could not see.
    const stepAt = Date.now();
    for (let i = 0; Date.now() - stepAt < 1_500 || i < 3; i++) {
      await store.events.insert([cmd(`other-${i}`, 0)]);
      while ((await before.runOnce()) > 0) {}
    }
    const after = await scoringShort();
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + 60_000 });
    await after.runOnce();
    expect(readsOf().at(-1)?.commands).toBe(401);
  });

  // A backlog scored late: by ingest time the last step may be well before the watermark, so the restart reads from
  // where the watermark stood the metrics' longest wait before it stopped, kept with the watermark.
  it('the watermark keeps where it stood 15 s before, and a restart reads the sessions received since', async () => {
    const store = await testStore('ward_analyzer_metrics_reads');
    const asked: string[] = [];
    const spied = {
      ...store,
      analyzer: {
        ...store.analyzer,
        sessionsReceived: async (after: string, upTo: string, limit: number) => {
          asked.push(after);
          return store.analyzer.sessionsReceived(after, upTo, limit);
        },
      },
    };
    const before = await scoring(store, spied, 'metrics-trail');
    await store.events.insert(Array.from({ length: 400 }, (_, i) => cmd('backlog', i)));
    while ((await before.runOnce()) > 0) {}
    const scoredTo = await store.analyzer.watermark('metrics-trail');
    await store.events.insert([cmd('backlog', 400)]);
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + 20_000 });
    while ((await before.runOnce()) > 0) {}
    expect(await store.analyzer.watermarkMetricsFrom('metrics-trail')).toBe(scoredTo?.ingestedAt);
    const after = await scoring(store, spied, 'metrics-trail');
    await after.runOnce();
    expect(asked).toEqual([scoredTo?.ingestedAt]);
    expect(await store.analyzer.sessionsReceived(asked[0] as string, new Date().toISOString(), 10)).toContain(
      'backlog',
    );
  });

  it('the fleet-wide reads are made again only after 20 times as long as they took', async () => {
    const store = await testStore('ward_analyzer_metrics_reads');
    let samples = 0;
    let counts = 0;
    const slow = {
      ...store,
      analyzer: {
        ...store.analyzer,
        baselineSamples: async (n: number) => {
          samples++;
          // A large store: the read over every session of the last 30 days takes a second.
          await new Promise((r) => setTimeout(r, 1_000));
          return store.analyzer.baselineSamples(n);
        },
        fleetSize: async () => {
          counts++;
          await new Promise((r) => setTimeout(r, 1_000));
          return store.analyzer.fleetSize();
        },
      },
    };
    const loop = await scoring(store, slow, 'baseline-pace');
    const start = Date.now();
    const step = async (session: string, laterMs: number) => {
      vi.useFakeTimers({ toFake: ['Date'], now: start + laterMs });
      await store.events.insert([cmd(session, 0)]);
      while ((await loop.runOnce()) > 0) {}
    };
    await step('pace-1', 0);
    expect([samples, counts]).toEqual([1, 1]);
    // Past the small fleet's 5 s, within 20 × 1 s: the samples read a moment ago are used.
    await step('pace-2', 10_000);
    expect([samples, counts]).toEqual([1, 1]);
    await step('pace-3', 60_000);
    expect([samples, counts]).toEqual([2, 2]);
  });
});
