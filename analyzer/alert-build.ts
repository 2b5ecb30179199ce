import { createHash } from 'node:crypto';
import type { Alert } from '../schema/index.js';
import { toCanonicalIso } from '../schema/index.js';
import type { DetectorMeta } from './detector.js';
import type { Evidence } from './session-state.js';

/** One alert per (session, detector): the id is a hash of both, so re-runs and second workers collide. */
export function alertId(session: string, detector: string): string {
  return createHash('sha256').update(`${session}\0${detector}`).digest('hex').slice(0, 32);
}

const iso = (ms: number) => toCanonicalIso(new Date(Number.isFinite(ms) ? ms : Date.now()));

/** The alert for a detector's evidence, keeping what analysts did to the stored one (status, notes, history). */
export function buildAlert(
  meta: DetectorMeta,
  ev: Evidence,
  session: { id: string; agent: string; user: string; repo: string },
  risk: number,
  stored: Alert | undefined,
): Alert {
  return {
    alert_id: alertId(session.id, meta.id),
    // `time` is part of the partition key: it never changes once the alert exists.
    time: stored?.time ?? iso(ev.firstMs),
    rule_id: meta.id,
    title: meta.title,
    severity: ev.severity ?? meta.severity,
    attack_ids: meta.attack,
    session_id: session.id,
    agent: session.agent,
    user: session.user,
    repo: session.repo,
    detectors: [meta.id],
    event_ids: ev.eventIds,
    explanation: ev.factors,
    score: risk,
    status: stored?.status ?? 'open',
    assignee: stored?.assignee ?? '',
    notes: stored?.notes ?? [],
    history: stored?.history ?? [],
    first_seen: iso(ev.firstMs),
    last_seen: iso(ev.lastMs),
    evidence_count: ev.actions,
    updated_at: stored?.updated_at ?? iso(Date.now()),
  };
}

/** Whether the detection content differs from what is stored (analyst fields are not compared). */
export function detectionChanged(next: Alert, stored: Alert | undefined): boolean {
  if (!stored) return true;
  return (
    next.evidence_count !== stored.evidence_count ||
    next.event_ids.length !== stored.event_ids.length ||
    next.explanation.length !== stored.explanation.length ||
    next.severity !== stored.severity ||
    next.first_seen !== stored.first_seen ||
    next.last_seen !== stored.last_seen ||
    next.user !== stored.user ||
    next.repo !== stored.repo ||
    JSON.stringify(next.explanation) !== JSON.stringify(stored.explanation) ||
    Math.abs(next.score - stored.score) > 0.001
  );
}
