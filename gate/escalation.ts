/** What the analyzer says of a session, as the gate takes it. */
export interface SessionSignals {
  /** Live session anomaly score 0..1. */
  sessionScore?: number;
  /** The analyzer's fused session risk 0..1. */
  sessionRisk?: number;
  /** Why the session's risk cannot be trusted now (the analyzer has not scored its latest events). */
  riskUnknown?: string;
}

const round = (n: number) => Math.round(n * 100) / 100;

/**
 * Why an allow becomes an ask for this session, or null: its score (the higher of the two) above the
 * policy's threshold, or a risk the analyzer has not caught up with. Never turns anything into an allow.
 */
export function sessionEscalation(
  s: SessionSignals,
  threshold: number,
): { rule_id: string; detail: string } | null {
  // A score that is not a number (a corrupted or hostile value read back from the store) is not a low score:
  // Math.max would pass NaN through and `NaN > threshold` is false, so it counts as unknown.
  const odd = [s.sessionScore, s.sessionRisk].some((x) => x !== undefined && !Number.isFinite(x));
  if (odd) return { rule_id: 'policy.risk-unknown', detail: "the session's risk is not a number" };
  const score = Math.max(s.sessionScore ?? 0, s.sessionRisk ?? 0);
  if (score > threshold)
    return {
      rule_id: 'policy.escalated',
      detail: `session anomaly score ${round(score)} is above ${threshold}`,
    };
  if (s.riskUnknown) return { rule_id: 'policy.risk-unknown', detail: s.riskUnknown };
  return null;
}
