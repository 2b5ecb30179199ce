import { type AgentEvent, type Alert, SEVERITIES, type Severity } from '../schema/index.js';
import type { IngestedEvent, StepRow, Store, Watermark } from '../store/index.js';
import type { DetectorMeta } from './detector.js';
import type { SessionState } from './session-state.js';
import { MAX_STEPS } from './session-steps.js';

/** Event ids an alert links, as SessionState keeps them: the first half and the latest half. */
const HALF = 100;
const MAX_FACTORS = 20;
const rank = (s: Severity | undefined) => (s ? SEVERITIES.indexOf(s) : -1);

/**
 * Folds a forgotten session's stored alerts into the state it was rebuilt with. A session the engine forgot
 * (more sessions than it holds, a restart) is rebuilt from its newest events only, so what it found earlier is
 * not found again: an agent that sent thousands of harmless calls after a credential read, then made the engine
 * forget its session with a flood of decoy sessions, had its risk rewritten from 0.98 to 0.6 and its alert
 * relinked to the later events. What was found stays found: each finding is at least what its alert says (its
 * actions, first events, first time, severity, factors). Nothing is marked changed: an alert is written again
 * only when the batch's own findings grow it.
 */
export function restoreEvidence(
  state: SessionState,
  alerts: readonly Alert[],
  meta: ReadonlyMap<string, DetectorMeta>,
): void {
  for (const a of alerts) {
    const m = meta.get(a.rule_id);
    if (!m || a.session_id !== state.id) continue;
    const firstMs = Date.parse(a.first_seen);
    const lastMs = Date.parse(a.last_seen);
    const ev = state.evidence.get(a.rule_id);
    if (!ev) {
      state.evidence.set(a.rule_id, {
        detector: a.rule_id,
        actionKeys: new Set(),
        recentKeys: [],
        actions: a.evidence_count,
        eventIds: a.event_ids.slice(0, 2 * HALF),
        factors: a.explanation.slice(0, MAX_FACTORS),
        firstMs: Number.isFinite(firstMs) ? firstMs : Number.POSITIVE_INFINITY,
        lastMs: Number.isFinite(lastMs) ? lastMs : 0,
        severity: a.severity,
        value: '',
        changed: false,
      });
      continue;
    }
    ev.actions = Math.max(ev.actions, a.evidence_count);
    if (firstMs < ev.firstMs) {
      ev.firstMs = firstMs;
      ev.eventIds = [...new Set([...a.event_ids.slice(0, HALF), ...ev.eventIds.slice(-HALF)])];
    }
    if (lastMs > ev.lastMs) ev.lastMs = lastMs;
    if (rank(a.severity) > rank(ev.severity ?? m.severity)) ev.severity = a.severity;
    for (const f of a.explanation)
      if (ev.factors.length < MAX_FACTORS && !ev.factors.some((x) => x.text === f.text)) ev.factors.push(f);
  }
}

/**
 * Sessions rebuilt from their newest `cap` events only (`events`: the replayed history): what each sighted before
 * them (a folder it filled from outside) is unknown, and so are the first steps of its sequences; an agent can send
 * that many events to push them out.
 */
export function markCappedReplays(
  events: readonly { event: AgentEvent }[],
  sessions: readonly SessionState[],
  cap: number,
): void {
  const replayed = new Map<string, number>();
  const oldest = new Map<string, number>();
  for (const { event: e } of events) {
    replayed.set(e.session_id, (replayed.get(e.session_id) ?? 0) + 1);
    const ms = Date.parse(e.time);
    if (ms < (oldest.get(e.session_id) ?? Number.POSITIVE_INFINITY)) oldest.set(e.session_id, ms);
  }
  for (const s of sessions)
    if ((replayed.get(s.id) ?? -1) >= cap) {
      s.sighted.markIncomplete();
      s.lost.rebuiltFrom(oldest.get(s.id) ?? Number.POSITIVE_INFINITY, s.steps.whole);
    }
}

/**
 * Holds again the first steps sessions kept in the store (`rows`) as they are rebuilt. A session's steps are whole
 * when the store received all of it after the analyzer began keeping them (`stepsFrom`), or none of it before.
 */
export function restoreSteps(
  sessions: readonly SessionState[],
  rows: readonly StepRow[],
  firstReceived: ReadonlyMap<string, string>,
  stepsFrom: string,
): void {
  const from = Date.parse(stepsFrom);
  const bySession = new Map<string, StepRow[]>();
  for (const r of rows) bySession.set(r.session_id, [...(bySession.get(r.session_id) ?? []), r]);
  for (const s of sessions) {
    const first = firstReceived.get(s.id);
    s.restoreSteps(bySession.get(s.id) ?? [], first === undefined || Date.parse(first) > from);
  }
}

/** What the store holds of sessions an engine rebuilds. */
export interface StoredPast {
  /** Their newest events (each session's last `cap`), oldest first. */
  events: IngestedEvent[];
  /** When the store received each one's first event. */
  firstReceived: Map<string, string>;
  /** Their stored alerts. */
  findings: Map<string, Alert[]>;
}

/**
 * Reads what the store holds of sessions new to this engine (`states`, rebuilt with it) up to `upTo`: their newest
 * `cap` events, when each was first received, their stored alerts, and the first steps each kept (held again at
 * once; `stepsFrom`: when the analyzer began keeping them). A session whose replay is cut notes what it may lack.
 */
export async function readStoredPast(
  store: Pick<Store, 'analyzer' | 'alerts'>,
  states: readonly SessionState[],
  upTo: Watermark,
  cap: number,
  stepsFrom: string,
): Promise<StoredPast> {
  const out: StoredPast = { events: [], firstReceived: new Map(), findings: new Map() };
  for (let i = 0; i < states.length; i += 500) {
    const chunk = states.slice(i, i + 500);
    const ids = chunk.map((s) => s.id);
    const [history, found] = await Promise.all([
      store.analyzer.sessionHistory(ids, upTo, cap),
      store.alerts.bySessions(ids),
    ]);
    // Only a session the store had events of can have kept steps (most new to the engine are new to the store).
    const known = ids.filter((id) => history.firstReceived.has(id));
    const steps = known.length > 0 ? await store.analyzer.sessionSteps(known, MAX_STEPS + 1) : [];
    restoreSteps(chunk, steps, history.firstReceived, stepsFrom);
    markCappedReplays(history.events, chunk, cap);
    for (const e of history.events) out.events.push(e);
    for (const [id, at] of history.firstReceived) out.firstReceived.set(id, at);
    for (const a of found) out.findings.set(a.session_id, [...(out.findings.get(a.session_id) ?? []), a]);
  }
  return out;
}
