import { Alert, AlertFactor, AlertNote, AlertTransition } from '../../schema/index.js';
import { clickhouseTimeToIso } from './common.js';

/**
 * An alert's row as Ward reads it: what the analyzer wrote, its first triage under `base_*` names (the analysts'
 * changes are rows of their own, `../alert-triage.ts`).
 */
export interface AlertRow {
  alert_id: string;
  time: string;
  rule_id: string;
  title: string;
  severity: string;
  attack_ids: string[];
  session_id: string;
  agent: string;
  user_id: string;
  repo: string;
  detectors: string[];
  event_ids: string[];
  explanation: string;
  score: number | string;
  base_status: string;
  base_assignee: string;
  notes: string;
  history: string;
  first_seen: string;
  last_seen: string;
  evidence_count: number | string;
  base_updated_at: string;
  raised_at: string;
}

const SHARED = `alert_id, time, rule_id, title, severity, attack_ids, session_id, agent, user_id, repo, detectors,
  event_ids, explanation, score, notes, history, first_seen, last_seen, evidence_count, raised_at`;

/** AlertRow's columns from the `alerts` table itself. */
export const ALERT_ROW_COLUMNS = `${SHARED}, status AS base_status, assignee AS base_assignee,
  updated_at AS base_updated_at`;

/** AlertRow's columns from a subquery that names them so (`alertsWithTriage`). */
export const ALERT_ROW_NAMES = `${SHARED}, base_status, base_assignee, base_updated_at`;

function jsonArray<T>(text: string, item: { safeParse(v: unknown): { success: boolean; data?: T } }): T[] {
  try {
    const v: unknown = JSON.parse(text);
    if (!Array.isArray(v)) return [];
    return v.flatMap((x) => {
      const p = item.safeParse(x);
      return p.success ? [p.data as T] : [];
    });
  } catch {
    // written by something else (or a pre-analyzer row with plain text): keep it readable as one factor
    return [];
  }
}

/** The alert as its row holds it, before the analysts' changes. */
export function rowToBaseAlert(r: AlertRow): Alert {
  const explanation = jsonArray(r.explanation, AlertFactor);
  return Alert.parse({
    alert_id: r.alert_id,
    time: clickhouseTimeToIso(r.time),
    rule_id: r.rule_id,
    title: r.title,
    severity: r.severity,
    attack_ids: r.attack_ids,
    session_id: r.session_id,
    agent: r.agent,
    user: r.user_id,
    repo: r.repo,
    detectors: r.detectors,
    event_ids: r.event_ids,
    explanation: explanation.length || !r.explanation ? explanation : [{ text: r.explanation }],
    score: Number(r.score),
    status: r.base_status,
    assignee: r.base_assignee,
    notes: jsonArray(r.notes, AlertNote),
    history: jsonArray(r.history, AlertTransition),
    first_seen: clickhouseTimeToIso(r.first_seen),
    last_seen: clickhouseTimeToIso(r.last_seen),
    evidence_count: Number(r.evidence_count),
    updated_at: clickhouseTimeToIso(r.base_updated_at),
    raised_at: clickhouseTimeToIso(r.raised_at),
  });
}

export function alertToRow(a: Alert): Record<string, unknown> {
  const { user, explanation, notes, history, ...rest } = a;
  return {
    ...rest,
    user_id: user,
    explanation: JSON.stringify(explanation),
    notes: JSON.stringify(notes),
    history: JSON.stringify(history),
  };
}
