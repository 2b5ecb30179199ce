import { percentile } from '../../bench/lib/stats.js';
import type { Alert } from '../../schema/index.js';

/** What the eval knows about one sent session. */
export interface SentSession {
  sessionId: string;
  family: string;
  split: 'tune' | 'heldout';
  attack: boolean;
  agent: string;
  sentAtMs: number;
}

export interface EvalReport {
  sessions: { benign: number; attack: number };
  bySplit: Record<
    string,
    { attackRecall: number; attacks: number; benign: number; falseAlertsPer100: number }
  >;
  session: { precision: number; recall: number; falseAlertsPer100Benign: number };
  detectors: { id: string; alerts: number; onAttack: number; precision: number; attackCoverage: number }[];
  families: { family: string; split: string; attack: boolean; sessions: number; alerted: number }[];
  missed: { family: string; agent: string; sessionId: string }[];
  falseAlerts: { family: string; agent: string; detector: string; text: string }[];
  latency: { p50: number; p95: number; max: number; n: number };
}

/** Session-level and per-detector precision/recall, false alerts per 100 benign sessions, latency. */
export function scoreEval(
  sent: readonly SentSession[],
  alerts: readonly Alert[],
  firstAlertAtMs: ReadonlyMap<string, number>,
): EvalReport {
  const bySession = new Map<string, Alert[]>();
  for (const a of alerts) bySession.set(a.session_id, [...(bySession.get(a.session_id) ?? []), a]);
  const attacks = sent.filter((s) => s.attack);
  const benign = sent.filter((s) => !s.attack);
  const alerted = (s: SentSession) => (bySession.get(s.sessionId)?.length ?? 0) > 0;
  const tp = attacks.filter(alerted).length;
  const fpSessions = benign.filter(alerted).length;
  const falseAlerts = benign.flatMap((s) =>
    (bySession.get(s.sessionId) ?? []).map((a) => ({
      family: s.family,
      agent: s.agent,
      detector: a.rule_id,
      text: a.explanation[0]?.text ?? '',
    })),
  );
  const label = new Map(sent.map((s) => [s.sessionId, s]));
  const ids = [...new Set(alerts.map((a) => a.rule_id))].sort();
  const detectors = ids.map((id) => {
    const mine = alerts.filter((a) => a.rule_id === id && label.has(a.session_id));
    const onAttack = mine.filter((a) => label.get(a.session_id)?.attack).length;
    return {
      id,
      alerts: mine.length,
      onAttack,
      precision: mine.length ? onAttack / mine.length : 0,
      attackCoverage: attacks.length ? onAttack / attacks.length : 0,
    };
  });
  const bySplit: EvalReport['bySplit'] = {};
  for (const split of ['tune', 'heldout'] as const) {
    const a = attacks.filter((s) => s.split === split);
    const b = benign.filter((s) => s.split === split);
    bySplit[split] = {
      attacks: a.length,
      benign: b.length,
      attackRecall: a.length ? a.filter(alerted).length / a.length : 0,
      falseAlertsPer100: b.length
        ? (100 * b.reduce((n, s) => n + (bySession.get(s.sessionId)?.length ?? 0), 0)) / b.length
        : 0,
    };
  }
  const families = [...new Set(sent.map((s) => s.family))].map((family) => {
    const mine = sent.filter((s) => s.family === family);
    return {
      family,
      split: mine[0]?.split ?? '',
      attack: mine[0]?.attack ?? false,
      sessions: mine.length,
      alerted: mine.filter(alerted).length,
    };
  });
  const latencies = attacks
    .filter((s) => firstAlertAtMs.has(s.sessionId))
    .map((s) => Math.max(0, (firstAlertAtMs.get(s.sessionId) as number) - s.sentAtMs));
  return {
    sessions: { benign: benign.length, attack: attacks.length },
    bySplit,
    session: {
      precision: tp + fpSessions ? tp / (tp + fpSessions) : 0,
      recall: attacks.length ? tp / attacks.length : 0,
      falseAlertsPer100Benign: benign.length ? (100 * falseAlerts.length) / benign.length : 0,
    },
    detectors,
    families,
    missed: attacks
      .filter((s) => !alerted(s))
      .map((s) => ({ family: s.family, agent: s.agent, sessionId: s.sessionId })),
    falseAlerts,
    latency: {
      p50: percentile(latencies, 50),
      p95: percentile(latencies, 95),
      max: Math.max(0, ...latencies),
      n: latencies.length,
    },
  };
}
