import type { RiskReason } from '../schema/index.js';
import { TAXONOMY } from './taxonomy/rules.js';

/** What the analyzer says of a session, as the gate takes it. */
export interface SessionSignals {
  /** Live session anomaly score 0..1. */
  sessionScore?: number;
  /** The analyzer's fused session risk 0..1. */
  sessionRisk?: number;
  /** Why the session's risk cannot be trusted now (the analyzer has not scored its latest events). */
  riskUnknown?: string;
  /**
   * The caller may not read the session's whole risk (other tokens sent into the session; it reads its own part):
   * an escalation says the risk is above the threshold, not what it is.
   */
  riskWithheld?: boolean;
  /**
   * A secret this session read a moment ago, as its caller remembers it (`cat .env`, 12 s ago): a call that
   * sends anything out is asked for, though the analyzer may not have scored the read yet.
   */
  readEarlier?: string;
}

const round = (n: number) => Math.round(n * 100) / 100;

/**
 * Why an allow becomes an ask for this session, or null: its score (the higher of the two) above the
 * policy's threshold, or a risk the analyzer has not caught up with. Never turns anything into an allow.
 */
export function sessionEscalation(
  s: SessionSignals,
  threshold: number,
  /** What this call sends out (sendOf), or null. */
  sends: string | null = null,
): { rule_id: string; detail: string } | null {
  // A score that is not a number (a corrupted or hostile value read back from the store) is not a low score:
  // Math.max would pass NaN through and `NaN > threshold` is false, so it counts as unknown.
  const odd = [s.sessionScore, s.sessionRisk].some((x) => x !== undefined && !Number.isFinite(x));
  if (odd) return { rule_id: 'policy.risk-unknown', detail: "the session's risk is not a number" };
  const score = Math.max(s.sessionScore ?? 0, s.sessionRisk ?? 0);
  if (score > threshold)
    return {
      rule_id: 'policy.escalated',
      detail: s.riskWithheld
        ? `the risk of this session, with what other tokens sent into it, is above ${threshold}`
        : `session anomaly score ${round(score)} is above ${threshold}`,
    };
  if (s.readEarlier && sends)
    return {
      rule_id: 'policy.read-then-send',
      detail: `this session ${s.readEarlier}, and this call ${sends}`,
    };
  if (s.riskUnknown) return { rule_id: 'policy.risk-unknown', detail: s.riskUnknown };
  return null;
}

/** sessionEscalation as the reason the gate adds to an allow it turns into an ask. */
export function escalationReason(
  s: SessionSignals,
  threshold: number,
  sends: string | null,
): RiskReason | null {
  const e = sessionEscalation(s, threshold, sends);
  if (!e) return null;
  const sequence = e.rule_id === 'policy.read-then-send';
  return {
    rule_id: e.rule_id,
    category: sequence ? TAXONOMY['policy.read-then-send'].category : 'policy',
    attack_id: sequence ? TAXONOMY['policy.read-then-send'].attack : '',
    detail: `${e.detail}: asking instead of allowing`,
  };
}
