import { type AgentEvent, type Alert, type Suppression, senderOf } from '../schema/index.js';
import type { IngestedEvent, SenderRisk, SightingRow, Store, Watermark } from '../store/index.js';
import { buildAlert, detectionChanged } from './alert-build.js';
import { createBaselineScoring } from './baseline-scoring.js';
import type { AnalysisWanted, CommandAnalyzer } from './command-facts.js';
import type { DetectContext, DetectorMeta, Hit, StreamDetector } from './detector.js';
import type { BaselineDetector } from './detectors/baseline-activity.js';
import { metricsDue } from './metrics-schedule.js';
import { type Observation, observe, wantedAnalyses } from './observation.js';
import { readAgain } from './read-pace.js';
import { fuseRisk } from './risk.js';
import { partsBatch, partsStore, tokenSenders } from './sender-risk.js';
import { readStoredPast, restoreEvidence } from './session-restore.js';
import type { SessionState } from './session-state.js';
import { MAX_FORGOTTEN_DUE, SessionStates } from './session-states.js';
import { stepsKeptFrom, writeSteps } from './session-steps.js';
import { createSightings } from './sightings.js';

export interface EngineOptions {
  store: Pick<Store, 'analyzer' | 'alerts'>;
  analyzer: CommandAnalyzer;
  detectors: readonly StreamDetector[];
  baselines: readonly BaselineDetector[];
  /** Sessions kept in memory; others are rebuilt from the store when they get new events. */
  maxSessions?: number;
  /** Characters the sessions' marks may hold in all (default 32 Mi); beyond, the oldest sessions are forgotten. */
  maxMarkChars?: number;
  /**
   * Characters the sessions' key sets (event ids scored, values sighted and noted) may hold in all (default 32 Mi,
   * ~80 MB at most); beyond, the oldest sessions are forgotten.
   */
  maxKeyChars?: number;
  /** Events replayed per session when its state is rebuilt. */
  historyCap?: number;
  log?: (msg: string) => void;
}

/** What one batch changed. */
export interface BatchResult {
  alerts: Alert[];
  risks: { session_id: string; risk: number }[];
  sessions: number;
}

/** Sessions read again per turn for overdue metrics alone (the rest on the next turns). */
const MAX_OVERDUE_PER_TURN = 500;
/** Of those, sessions forgotten from memory (each rebuilt from the store first). */
const MAX_FORGOTTEN_PER_TURN = 50;
const NO_KEYS: string[] = [];
const ACTION_KINDS = new Set<AgentEvent['kind']>([
  'tool_call',
  'tool_decision',
  'tool_result',
  'command',
  'file_read',
  'file_write',
  'network',
  'approval',
  'sandbox_violation',
]);

/**
 * The scorer: enriches events, runs detectors with per-session state, fuses risk, and writes alerts that changed.
 * Deterministic for the events it is given, so re-running a batch writes nothing new.
 */
export function createEngine(o: EngineOptions) {
  const { store } = o;
  const historyCap = o.historyCap ?? 5000;
  const sessions = new SessionStates(
    o.maxSessions ?? 5000,
    o.maxMarkChars ?? 32 * 2 ** 20,
    o.maxKeyChars ?? 32 * 2 ** 20,
    new Set(o.detectors.flatMap((d) => d.storedMarks ?? [])),
  );
  const stepsFrom = stepsKeptFrom(store.analyzer);
  const sightings = createSightings(store.analyzer);
  const baselineScoring = createBaselineScoring(store, o.baselines);
  const meta = new Map<string, DetectorMeta>([...o.detectors, ...o.baselines].map((d) => [d.id, d]));
  let suppressions: Suppression[] = [];
  let suppressionsAt = 0;
  let fleet = { n: 0, at: 0, tookMs: 0 };
  // Tokens novelty has sightings from: the store's, and those of the events scored since it was read.
  let fleetSenders = new Set<string>();

  const ctx: DetectContext = {
    sighting: (key, session) => sightings.view(key, session),
    fleetSessions: 0,
    fleetSenders: 0,
  };

  function suppressed(hit: Hit, s: SessionState): boolean {
    return suppressions.some(
      (x) =>
        x.detector === hit.detector &&
        (x.value === '' || x.value === (hit.value ?? '')) &&
        (x.scope === 'agent' ? s.agent : x.scope === 'user' ? s.user : s.repo) === x.scope_value,
    );
  }

  async function refresh(now: number): Promise<void> {
    if (now - suppressionsAt > 10_000) {
      suppressions = await store.analyzer.suppressions();
      suppressionsAt = now;
    }
    if (readAgain(fleet.at, fleet.tookMs, 5_000, now)) {
      const started = performance.now();
      const size = await store.analyzer.fleetSize();
      fleet = { n: size.sessions, at: now, tookMs: performance.now() - started };
      fleetSenders = new Set(size.senders);
    }
    ctx.fleetSessions = fleet.n;
    ctx.fleetSenders = fleetSenders.size;
  }

  /** Scores each token's events of contested sessions apart (sender-risk.ts); made when one first is. */
  let parts: Engine | undefined;

  /** Scores one batch of newly stored events; `before` is the watermark the batch starts after. */
  async function processBatch(
    batch: readonly IngestedEvent[],
    before: Watermark | null,
  ): Promise<BatchResult> {
    const result = await scoreBatch(batch, before);
    const partEvents = partsBatch(batch, (id) => sessions.get(id));
    if (partEvents.length > 0) {
      parts ??= createEngine({ ...o, store: partsStore(store), baselines: [] });
      await parts.processBatch(partEvents, before);
    }
    return result;
  }

  /** `overdue`: held sessions scored with the batch though it has none of their events (their metrics are due). */
  async function scoreBatch(
    batch: readonly IngestedEvent[],
    before: Watermark | null,
    overdue: readonly string[] = [],
  ): Promise<BatchResult> {
    const now = Date.now();
    await refresh(now);
    const keptFrom = await stepsFrom(before === null);
    const bySession = new Map<string, AgentEvent[]>();
    // When the store received each event: a session's own tokens' sightings count only from well before its first.
    const receivedAt = new Map<AgentEvent, string>();
    const firstReceived = new Map<string, string>();
    for (const { event, ingestedAt } of batch) {
      if (!event.session_id) continue;
      receivedAt.set(event, ingestedAt);
      const l = bySession.get(event.session_id);
      if (l) l.push(event);
      else bySession.set(event.session_id, [event]);
    }
    const touched: SessionState[] = [];
    const cold: SessionState[] = [];
    // Sessions in order of their first event: novelty's "seen before" follows time, not the batch's row order.
    const firstTime = new Map<string, string>();
    for (const [id, events] of bySession) {
      let first = '\uffff';
      for (const e of events) if (e.time < first) first = e.time;
      firstTime.set(id, first);
    }
    const order = [...bySession.keys()].sort((a, b) => {
      const x = firstTime.get(a) as string;
      const y = firstTime.get(b) as string;
      return x < y ? -1 : x > y ? 1 : 0;
    });
    for (const id of order) {
      const { state, cold: isCold } = sessions.take(id);
      touched.push(state);
      if (isCold) cold.push(state);
    }
    for (const id of overdue) {
      if (bySession.has(id)) continue;
      const held = sessions.get(id);
      if (held) touched.push(held);
      else {
        // Forgotten meanwhile: rebuilt from the store like any session that comes back.
        const { state } = sessions.take(id);
        touched.push(state);
        cold.push(state);
      }
    }
    // A session new to this process replays what the store already has of it (restart, eviction, another worker):
    // its newest events, the first steps it kept, and what its stored alerts say it found before them (folded in
    // after scoring). The replayed events' first steps were kept when they were scored first.
    const withHistory = new Set<string>();
    const replayed = new Set<AgentEvent>();
    let storedFindings = new Map<string, Alert[]>();
    if (cold.length > 0 && before) {
      const past = await readStoredPast(store, cold, before, historyCap, keptFrom);
      for (const { event: e, ingestedAt } of past.events) {
        bySession.get(e.session_id)?.unshift(e);
        receivedAt.set(e, ingestedAt);
        withHistory.add(e.session_id);
        replayed.add(e);
      }
      for (const [id, at] of past.firstReceived) firstReceived.set(id, at);
      storedFindings = past.findings;
    }
    // Brand-new sessions grow the fleet now (the periodic count catches up with everything else).
    fleet.n += cold.filter((s) => !withHistory.has(s.id)).length;
    ctx.fleetSessions = fleet.n;

    // Store reads that do not depend on this batch's scoring start now: the store works on its own threads while
    // the detectors run here. (The batch's events are already stored.) Not the stored alerts: an analyst may
    // triage one while the batch is scored, and the alert written back carries the status it was read with.
    // Only sessions whose metrics are due (analyzer/metrics-schedule.ts): each read goes over the session whole.
    const metricsIds =
      o.baselines.length > 0
        ? touched.filter((s) => metricsDue(s.metrics, bySession.get(s.id)?.length ?? 0, now)).map((s) => s.id)
        : [];
    const metricsRead = metricsIds.length > 0 ? store.analyzer.sessionMetrics(metricsIds) : undefined;
    // Not awaited on every path: keep a failure from being an unhandled rejection (it surfaces where awaited).
    metricsRead?.catch(() => {});

    // The batch's command analyses, made together before scoring (on the analysis thread: hostile shell text
    // then never holds this thread). Replayed history is mostly cached already.
    const wanted: AnalysisWanted[] = [];
    for (const events of bySession.values())
      for (const e of events) {
        if (!ACTION_KINDS.has(e.kind)) continue;
        wanted.push(...wantedAnalyses(e));
      }
    await o.analyzer.prepare(wanted);

    // Pass 1: enrich, and collect novelty keys for one lookup.
    const work: { state: SessionState; obs: Observation[]; keys: string[][][] }[] = [];
    const keys = new Set<string>();
    const keyed = o.detectors.filter((d) => d.keys);
    for (const state of touched) {
      const events = (bySession.get(state.id) ?? []).filter((e) => !state.seen.has(e.event_id));
      events.sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : a.event_id < b.event_id ? -1 : 1));
      const obs: Observation[] = [];
      const obsKeys: string[][][] = [];
      state.noteReceived(firstReceived.get(state.id) ?? '');
      for (const e of events) {
        state.noteReceived(receivedAt.get(e) ?? '');
        if (!state.seen.add(e.event_id)) continue;
        state.agent ||= e.agent;
        state.user ||= e.user_id;
        state.repo ||= e.repo;
        const sender = senderOf(e);
        state.senders.add(sender);
        fleetSenders.add(sender);
        // Model calls, prompts and other non-actions carry nothing a detector reads.
        if (!ACTION_KINDS.has(e.kind)) continue;
        const ob = observe(e, o.analyzer);
        obs.push(ob);
        const ks = keyed.map((d) => d.keys?.(ob) ?? NO_KEYS);
        obsKeys.push(ks);
        for (const l of ks) for (const k of l) keys.add(k);
      }
      work.push({ state, obs, keys: obsKeys });
    }
    ctx.fleetSenders = fleetSenders.size;
    await sightings.preload(keys);

    // Pass 2: detectors, in event-time order per session.
    const following = o.detectors.filter((d) => d.followKeys);
    const newSightings: SightingRow[] = [];
    for (const { state, obs, keys: obsKeys } of work) {
      for (let i = 0; i < obs.length; i++) {
        const ob = obs[i] as Observation;
        state.replaying = replayed.has(ob.event);
        for (const d of o.detectors) {
          for (const hit of d.observe(ob, state, ctx)) {
            if (!suppressed(hit, state)) state.record(hit.detector, hit.evidence, hit.factors, hit.value);
          }
        }
        // After the detectors: a value counts as seen by this session from its next action on.
        for (const l of obsKeys[i] as string[][]) {
          for (const k of l) {
            if (!state.sighted.add(k)) continue;
            const row: SightingRow = {
              key: k,
              session_id: state.id,
              sender: senderOf(ob.event),
              agent: state.agent,
              user_id: state.user,
              repo: state.repo,
              time: ob.event.time,
              // Never earlier than it was: an event whose arrival is not known counts as arriving now.
              received: receivedAt.get(ob.event) ?? new Date(now).toISOString(),
            };
            sightings.add(row);
            newSightings.push(row);
          }
        }
        for (const d of following) for (const k of d.followKeys?.(ob, state) ?? NO_KEYS) state.sighted.add(k);
      }
      state.replaying = false;
    }
    const sightingsWrite = Promise.all([
      newSightings.length > 0 ? store.analyzer.addSightings(newSightings) : undefined,
      writeSteps(store.analyzer, touched),
    ]);
    sightingsWrite.catch(() => {});

    // Baselines: whole-session metrics from ClickHouse against their scope and peer group.
    if (metricsRead)
      await baselineScoring.score(await metricsRead, {
        now,
        fleetSessions: ctx.fleetSessions,
        session: (id) => sessions.get(id),
        suppressed,
      });

    for (const s of touched) restoreEvidence(s, storedFindings.get(s.id) ?? [], meta);

    // Alerts and risk for sessions whose evidence changed.
    const changed = touched.filter((s) => s.touched);
    const result: BatchResult = { alerts: [], risks: [], sessions: touched.length };
    if (changed.length === 0) {
      await sightingsWrite;
      return result;
    }
    // Read late, to tell what changed; the write itself keeps the triage stored when it is made
    // (store.alerts.putDetections), so an analyst's acknowledgement made meanwhile is never written over.
    const stored = new Map(
      (await store.alerts.bySessions(changed.map((s) => s.id))).map((a) => [a.alert_id, a]),
    );
    const toWrite: Alert[] = [];
    const risks: Parameters<Store['analyzer']['putRisk']>[0][number][] = [];
    // A session's only token reads its whole risk; those of a session two tokens sent into, their parts' (above).
    const senderRisks: SenderRisk[] = [];
    for (const s of changed) {
      const findings = [...s.evidence.values()].flatMap((ev) => {
        const m = meta.get(ev.detector);
        return m
          ? [
              {
                detector: m.id,
                title: m.title,
                severity: ev.severity ?? m.severity,
                evidence: Math.max(1, ev.actions),
              },
            ]
          : [];
      });
      const { risk, factors } = fuseRisk(findings);
      risks.push({ session_id: s.id, agent: s.agent, user_id: s.user, repo: s.repo, risk, factors });
      const tokens = tokenSenders(s);
      if (tokens.length === 1) senderRisks.push({ session_id: s.id, sender: tokens[0] as string, risk });
      for (const ev of s.evidence.values()) {
        const m = meta.get(ev.detector);
        if (!m) continue;
        const prev = stored.get(buildAlert(m, ev, s, risk, undefined).alert_id);
        const next = buildAlert(m, ev, s, risk, prev);
        if (detectionChanged(next, prev)) toWrite.push(next);
        ev.changed = false;
      }
      s.touched = false;
    }
    const [written] = await Promise.all([
      toWrite.length > 0 ? store.alerts.putDetections(toWrite) : [],
      store.analyzer.putRisk(risks),
      store.analyzer.putSenderRisk(senderRisks),
      sightingsWrite,
    ]);
    result.alerts = written;
    result.risks = risks.map((r) => ({ session_id: r.session_id, risk: r.risk }));
    return result;
  }

  return {
    processBatch,
    /**
     * Scores the held sessions whose metrics are overdue without new events (the loop's turn found nothing new, or
     * ended): reads their metrics again and writes what the baselines then find.
     */
    async processOverdue(before: Watermark | null): Promise<BatchResult> {
      const due =
        o.baselines.length > 0
          ? sessions.metricsOverdue(Date.now(), MAX_OVERDUE_PER_TURN, MAX_FORGOTTEN_PER_TURN)
          : [];
      return due.length > 0 ? scoreBatch([], before, due) : { alerts: [], risks: [], sessions: 0 };
    },
    /**
     * An analyzer starting again: the sessions received after `after` up to the watermark it starts from may have
     * metrics that left their last events out (held in memory by the run that stopped); each is read on a later
     * turn, as a session forgotten is.
     */
    async resume(after: string, upTo: Watermark): Promise<void> {
      if (o.baselines.length === 0) return;
      const ids = await store.analyzer.sessionsReceived(after, upTo.ingestedAt, MAX_FORGOTTEN_DUE);
      for (const id of ids.reverse()) sessions.noteDue(id);
    },
    /** Ends a batch's command analysis in progress (its processBatch rejects) and the analysis thread. */
    stop: () => o.analyzer.stop(),
    /** Analysis threads replaced so far (hostile text past its deadline, or a grammar that failed). */
    analysisReplaced: () => o.analyzer.replaced(),
    /** Detector metadata by id. */
    meta,
    /** Sessions held in memory (bounded by maxSessions). */
    sessionsInMemory: () => sessions.size,
  };
}
export type Engine = ReturnType<typeof createEngine>;
