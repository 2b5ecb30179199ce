/**
 * What the gate answers for an action. One list for the gate's policy rules, its verdicts and the stored
 * events (which add '' for "no decision").
 */
export const GATE_DECISIONS = ['allow', 'ask', 'deny'] as const;
/** allow, ask or deny. */
export type GateAnswer = (typeof GATE_DECISIONS)[number];
