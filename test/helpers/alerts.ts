import type { Alert } from '../../schema/index.js';

/** An open alert as the analyzer writes it, raised now, with one event; `over` sets any field. */
export function makeAlert(id: string, over: Partial<Alert> = {}): Alert {
  const now = new Date().toISOString();
  return {
    alert_id: id,
    time: now,
    rule_id: 'cred-read',
    title: 'credential file read',
    severity: 'high',
    attack_ids: ['T1552.001'],
    session_id: `s-${id}`,
    agent: 'claude-code',
    user: 'alice',
    repo: 'acme/app',
    detectors: ['cred-read'],
    event_ids: ['e1'],
    explanation: [],
    score: 0.7,
    status: 'open',
    assignee: '',
    notes: [],
    history: [],
    first_seen: now,
    last_seen: now,
    evidence_count: 1,
    updated_at: now,
    ...over,
  };
}
