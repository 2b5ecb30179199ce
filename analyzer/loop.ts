import { randomUUID } from 'node:crypto';
import { performance as perfHooks } from 'node:perf_hooks';
import {
  type IngestedEvent,
  type IngestGroup,
  idFingerprint,
  type Store,
  type Watermark,
} from '../store/index.js';
import type { BatchResult, Engine } from './engine.js';
import { METRICS_MAX_AGE_MS } from './metrics-schedule.js';
import { MetricsTrail } from './metrics-trail.js';

export interface LoopOptions {
  store: Pick<Store, 'analyzer'>;
  engine: Engine;
  /** Watermark and lease name: workers sharing a name share the work (one active at a time). */
  name?: string;
  batchSize?: number;
  /**
   * About the most text one batch may hold, in characters (default 32 Mi): after a batch, the next one reads
   * fewer events when these were large. Commands near the store's 8 KiB cut, 2,000 to a batch with the one read
   * ahead, took `ward serve` ~250 MiB over its bound under a flood of them.
   */
  batchChars?: number;
  pollMs?: number;
  /**
   * How far back before the watermark a late insert can land (its ingest time is set when it starts, it becomes
   * visible when it commits). Each poll compares row counts per ingest time in this window with what it read and
   * re-reads from the first that grew; after a restart the whole window is re-read (scored events are skipped).
   * The window also reaches back to what the previous check could not see yet (the start of any insert running
   * then, or the engine's time then), kept in the analyzer's state so that a restart or another worker looks back
   * as far. While batches keep coming (a flood) the loop stops reading for a due check once its watermark has
   * reached that point; behind it, nothing can be missing and the check only moves the point on.
   */
  overlapMs?: number;
  /** Take a lease so that of several workers only one scores (default true). */
  lease?: boolean;
  leaseMs?: number;
  /**
   * The share of wall time scoring may take right now, in (0, 1] (default: always 1). Checked after each batch:
   * a batch that took `t` ms is followed by a pause of `t × (1 − share) / share` ms. `ward serve` lowers it
   * while ingest is busy, so scoring (on the thread that also answers approvals) takes a bounded part of the
   * machine and catches up when ingest quiets down; it never stops, so a flood of telemetry delays alerts by a
   * bounded factor rather than starving them.
   */
  share?: () => number;
  /**
   * The share of this thread's own time scoring may take right now, in (0, 1] (default: always 1): a batch that
   * kept the event loop busy for `a` ms is followed by a pause of `a × (1 − share) / share` ms (the longer of this
   * pause and the one `share` asks). The command analysis runs on its own thread and does not count here.
   * `ward serve` lowers it while analysts use the API: their answers wait on this thread, not on the machine.
   */
  mainThreadShare?: () => number;
  /** Milliseconds this thread's event loop has been busy so far (tests; default: its event-loop utilization). */
  mainThreadBusyMs?: () => number;
  onBatch?: (r: BatchResult) => void;
  /** Called after each batch with the number of events it read (progress, benchmarks). */
  onRead?: (events: number) => void;
  log?: (msg: string) => void;
}

/** The least share of wall time scoring gets, however busy ingest is: alerts are delayed, never starved. */
const MIN_SHARE = 0.1;
/** The longest pause between two batches. */
const MAX_PAUSE_MS = 5_000;

/** The fewest events a batch reads, however large they are. */
const MIN_BATCH = 16;
/** What an event holds besides its text fields (object, times, small fields), in characters' worth. */
const EVENT_OVERHEAD_CHARS = 200;

/** The characters an event's text holds in memory, about. */
function eventChars({ event: e }: IngestedEvent): number {
  let n = EVENT_OVERHEAD_CHARS;
  for (const s of [e.command, e.target, e.cwd, e.repo, e.session_id, e.event_id, e.call_id, e.user_id])
    n += s?.length ?? 0;
  return n;
}

/** Looked back this much before a running insert's start (its start is derived from a rounded elapsed time). */
const INSERT_START_SLACK_MS = 1_000;

/** ISO text `ms` earlier. */
const earlier = (iso: string, ms: number) => new Date(Date.parse(iso) - ms).toISOString();

/**
 * The analyzer loop: reads events stored after the watermark, scores them, writes alerts, then moves the
 * watermark (so a crash replays, never skips). Restart-safe and idempotent: replays update the same alerts.
 */
export function createAnalyzerLoop(o: LoopOptions) {
  const name = o.name ?? 'default';
  const batchSize = o.batchSize ?? 50_000;
  const batchChars = o.batchChars ?? 32 * 2 ** 20;
  /** Events the next read asks for: `batchSize`, fewer after a batch of large events. */
  let limit = batchSize;
  const nextLimit = (batch: readonly IngestedEvent[]) => {
    let chars = 0;
    for (const b of batch) chars += eventChars(b);
    const perEvent = chars / Math.max(1, batch.length);
    return Math.min(batchSize, Math.max(MIN_BATCH, Math.floor(batchChars / perEvent)));
  };
  const pollMs = o.pollMs ?? 500;
  const overlapMs = o.overlapMs ?? 3_000;
  const leaseMs = o.leaseMs ?? 15_000;
  const owner = randomUUID();
  let watermark: Watermark | null | undefined;
  /** What was read per ingest time within the window: rows, and the fingerprint of their ids. */
  const recent = new Map<string, IngestGroup>();
  const lateCheckMs = Math.min(2_000, overlapMs);
  // The first check comes one interval after the start: it looks back to what the last run could not see.
  let lastLateCheck = Date.now();
  /** From the last check: rows it could not see carry this ingest time or a later one (undefined: not read yet). */
  let unseenFrom: string | null | undefined;
  /** The last run stopped reading because a check fell due: run again at once. */
  let checkDue = false;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> = Promise.resolve();
  let wake: (() => void) | undefined;
  /** Resolves a pause between batches early (stop). */
  let cutPause: (() => void) | undefined;

  /** The share of wall time scoring may take now, within [MIN_SHARE, 1]. */
  const currentShare = () => Math.min(1, Math.max(MIN_SHARE, o.share?.() ?? 1));
  const currentMainShare = () => Math.min(1, Math.max(MIN_SHARE, o.mainThreadShare?.() ?? 1));
  // From perf_hooks itself: the global `performance` may be a test's fake clock.
  const mainBusyMs = o.mainThreadBusyMs ?? (() => perfHooks.eventLoopUtilization().active);

  /**
   * Waits so that scoring stays within its shares, given that the last batch took `wallMs`, `activeMs` of them on
   * this thread's event loop.
   */
  async function pace(wallMs: number, activeMs: number): Promise<void> {
    const share = currentShare();
    const mainShare = currentMainShare();
    if ((share >= 1 && mainShare >= 1) || stopped) return;
    const pause = (ms: number, s: number) => (ms * (1 - s)) / s;
    const ms = Math.min(MAX_PAUSE_MS, Math.max(pause(wallMs, share), pause(activeMs, mainShare)));
    await new Promise<void>((resolve) => {
      const t = setTimeout(resolve, ms);
      cutPause = () => {
        clearTimeout(t);
        resolve();
      };
    });
    cutPause = undefined;
  }

  /** Until when this worker's lease is known to run (renewed once a third of it has passed: fewer round trips). */
  let heldUntil = 0;

  /** True when this worker holds (or just took) the lease. */
  async function holdLease(): Promise<boolean> {
    if (o.lease === false) return true;
    const now = Date.now();
    if (heldUntil - now > (2 * leaseMs) / 3) return true;
    const key = `lease:${name}`;
    const current = await o.store.analyzer.getState(key);
    let holder: { owner?: string; until?: number } = {};
    try {
      holder = current ? (JSON.parse(current) as typeof holder) : {};
    } catch {
      holder = {};
    }
    if (holder.owner && holder.owner !== owner && (holder.until ?? 0) > now) return false;
    const until = now + leaseMs;
    await o.store.analyzer.setState(key, JSON.stringify({ owner, until }));
    // Two workers may write at once: the row ClickHouse keeps (latest version) decides; re-read it.
    const after = await o.store.analyzer.getState(key);
    try {
      const mine = (JSON.parse(after ?? '{}') as { owner?: string }).owner === owner;
      heldUntil = mine ? until : 0;
      return mine;
    } catch {
      heldUntil = 0;
      return false;
    }
  }

  const unseenKey = `unseen-from:${name}`;
  /** Where rows the last check could not see may be, less the slack (null: not known, look back the overlap). */
  const lookBack = () => (unseenFrom ? earlier(unseenFrom, INSERT_START_SLACK_MS) : null);
  /** Takes the engine's `unseenFrom` as the next check's bound (once what is behind the watermark is settled). */
  async function noteUnseen(next: string, w: Watermark): Promise<void> {
    const keep = earlier(w.ingestedAt, overlapMs);
    const floor = earlier(next, INSERT_START_SLACK_MS);
    for (const t of recent.keys()) if (t < keep && t < floor) recent.delete(t);
    unseenFrom = next;
    await o.store.analyzer.setState(unseenKey, next);
  }

  /**
   * The late check: where to read again from (null when nothing is missing). Rows the previous check could not see
   * carry its `unseenFrom` or later; while the watermark is behind that, none of them can be behind it and the
   * counts are not read.
   */
  async function lateCheck(w: Watermark): Promise<Watermark | null> {
    lastLateCheck = Date.now();
    if (unseenFrom === undefined) {
      const kept = await o.store.analyzer.getState(unseenKey);
      // An unreadable mark counts as none: the check then looks back the overlap (and writes a good one).
      unseenFrom = kept && !Number.isNaN(Date.parse(kept)) ? kept : null;
    }
    // Read before the counts: whatever they miss is of an insert running now or begun after this.
    const next = await o.store.analyzer.unseenFrom();
    const back = lookBack();
    let reread: Watermark | null = null;
    if (back === null || back <= w.ingestedAt) {
      const lo =
        back !== null && back < earlier(w.ingestedAt, overlapMs) ? back : earlier(w.ingestedAt, overlapMs);
      const counts = await o.store.analyzer.ingestCounts(lo, w);
      let late: string | undefined;
      for (const [t, stored] of counts) {
        const read = recent.get(t);
        const same = read !== undefined && read.n === stored.n && read.x === stored.x;
        if (!same && (late === undefined || t < late)) late = t;
      }
      if (late !== undefined) {
        for (const t of recent.keys()) if (t >= late) recent.delete(t);
        reread = { ingestedAt: earlier(late, 1), eventId: '\uffff' };
      }
    }
    // Only now that these counts were compared (or had nothing to compare) may the next check look back less far.
    await noteUnseen(next, w);
    return reread;
  }

  /** Where the watermark stood a while ago: kept with it, for the metrics a restart would leave behind. */
  let trail: MetricsTrail | undefined;
  /**
   * The first turn: the watermark, and the sessions whose metrics the run before may have left behind (received
   * after the mark kept with its watermark, else the metrics' longest wait before the watermark by ingest time).
   */
  async function begin(): Promise<Watermark | null> {
    const w = await o.store.analyzer.watermark(name);
    const from = await o.store.analyzer.watermarkMetricsFrom(name);
    trail = new MetricsTrail(from);
    if (w && o.engine.resume) await o.engine.resume(from ?? earlier(w.ingestedAt, METRICS_MAX_AGE_MS), w);
    return w;
  }

  /** Scores everything stored so far; returns the number of events past the previous watermark. */
  async function runOnce(): Promise<number> {
    if (!(await holdLease())) return 0;
    if (watermark === undefined) watermark = await begin();
    let from: Watermark | null = watermark;
    if (watermark && Date.now() - lastLateCheck >= lateCheckMs) from = (await lateCheck(watermark)) ?? from;
    const start = watermark;
    const isNew = (t: string, id: string) =>
      !start || t > start.ingestedAt || (t === start.ingestedAt && id > start.eventId);
    let total = 0;
    // The next batch is read while this one is scored (the store works on its own threads meanwhile); it starts
    // after this batch's last event, so the watermark still only moves past events that were scored.
    let asked = limit;
    let next: Promise<IngestedEvent[]> | undefined = o.store.analyzer.eventsAfter(from, asked);
    try {
      while (next) {
        const batch: IngestedEvent[] = await next;
        next = undefined;
        if (batch.length === 0) break;
        const last = batch[batch.length - 1] as IngestedEvent;
        const upTo: Watermark = { ingestedAt: last.ingestedAt, eventId: last.event.event_id };
        const full = batch.length >= asked;
        limit = nextLimit(batch);
        if (full && !stopped) {
          asked = limit;
          next = o.store.analyzer.eventsAfter(upTo, asked);
          // Kept for the next turn; a failure surfaces there (or is dropped with the batch on an earlier error).
          next.catch(() => {});
        }
        const began = performance.now();
        const activeBefore = mainBusyMs();
        const result = await o.engine.processBatch(batch, from);
        from = upTo;
        if (
          !watermark ||
          from.ingestedAt > watermark.ingestedAt ||
          (from.ingestedAt === watermark.ingestedAt && from.eventId > watermark.eventId)
        ) {
          watermark = from;
          trail?.note(watermark.ingestedAt, Date.now());
          await o.store.analyzer.setWatermark(name, watermark, trail?.metricsFrom(Date.now()) ?? undefined);
        }
        for (const b of batch) {
          if (isNew(b.ingestedAt, b.event.event_id)) total++;
          const group = recent.get(b.ingestedAt) ?? { n: 0, x: 0n };
          group.n++;
          group.x ^= idFingerprint(b.event.event_id);
          recent.set(b.ingestedAt, group);
        }
        if (result.alerts.length > 0 || result.risks.length > 0) o.onBatch?.(result);
        o.onRead?.(batch.length);
        await pace(performance.now() - began, mainBusyMs() - activeBefore);
        if (stopped) break; // the batch read ahead is dropped: the watermark has not moved past it
        if (next && watermark && Date.now() - lastLateCheck >= lateCheckMs) {
          const back = lookBack();
          if (back !== null && back > watermark.ingestedAt) {
            // Far behind what may still be missing: nothing to compare, only the bound to move on (cheap).
            lastLateCheck = Date.now();
            await noteUnseen(await o.store.analyzer.unseenFrom(), watermark);
          } else if (isNew(upTo.ingestedAt, upTo.eventId)) {
            // A flood keeps batches full: stop here (the read ahead is dropped) so the check runs, then go on.
            // Not while re-reading behind the watermark: a check would find that re-read unfinished and start
            // it over.
            checkDue = true;
            break;
          }
        }
      }
    } finally {
      // A batch read ahead but not scored (stop, or an error): its read is simply dropped.
      next?.catch(() => {});
    }
    // Sessions whose metrics left out their last events, now due though they sent nothing more.
    if (!stopped && o.engine.processOverdue) {
      const result = await o.engine.processOverdue(watermark);
      if (result.alerts.length > 0 || result.risks.length > 0) o.onBatch?.(result);
    }
    return total;
  }

  function schedule(): void {
    if (stopped) return;
    const delay = checkDue ? 0 : pollMs;
    checkDue = false;
    timer = setTimeout(() => {
      running = runOnce()
        .catch((err: unknown) => o.log?.(`analyzer: ${err instanceof Error ? err.message : String(err)}`))
        .finally(schedule);
    }, delay);
    wake = () => {
      if (timer) clearTimeout(timer);
      timer = undefined;
      wake = undefined;
      running = runOnce()
        .catch((err: unknown) => o.log?.(`analyzer: ${err instanceof Error ? err.message : String(err)}`))
        .finally(schedule);
    };
  }

  /**
   * Scores everything stored, waiting for the lease when another worker holds it (or held it and died: a
   * lease runs out after leaseMs). Returns the number of events scored.
   */
  async function catchUp(): Promise<number> {
    const deadline = Date.now() + 2 * leaseMs + 5_000;
    while (!(await holdLease())) {
      if (Date.now() > deadline) throw new Error(`another analyzer worker holds the lease '${name}'`);
      await new Promise((r) => setTimeout(r, 500));
    }
    let n = 0;
    for (let read = await runOnce(); read > 0 || checkDue; read = await runOnce()) {
      checkDue = false;
      n += read;
    }
    return n;
  }

  return {
    runOnce,
    catchUp,
    /** Polls until stopped. */
    start(): void {
      stopped = false;
      schedule();
    },
    /**
     * Where scoring stands: the ingest time of the last event scored, the shares of wall time and of this thread's
     * time it may take, and how many times its command analysis thread was replaced (hostile text past its
     * deadline, or its grammar failed).
     */
    status(): {
      scoredUpTo: string | null;
      share: number;
      mainThreadShare: number;
      analysisThreadsReplaced: number;
    } {
      return {
        scoredUpTo: watermark?.ingestedAt ?? null,
        share: currentShare(),
        mainThreadShare: currentMainShare(),
        analysisThreadsReplaced: o.engine.analysisReplaced?.() ?? 0,
      };
    },
    /** Scores soon (e.g. right after an ingest) instead of at the next poll. */
    poke(): void {
      wake?.();
    },
    async stop(): Promise<void> {
      stopped = true;
      cutPause?.();
      if (timer) clearTimeout(timer);
      // A batch waiting on its command analyses (hostile text can take minutes) is cut short, not waited for.
      await o.engine.stop?.();
      await running;
    },
  };
}
export type AnalyzerLoop = ReturnType<typeof createAnalyzerLoop>;
