import type { Gate, GateDecision } from '../../gate/index.js';
import { gateInputFor, parseHookInput, toToolRequest } from '../../sandbox-runner/fast.js';
import { SHELL_ATTACKS } from './attacks-shell.js';
import { TOOL_ATTACKS } from './attacks-tools.js';
import { EVERYDAY } from './everyday.js';
import type { SuiteCall } from './shapes.js';

/** The suite: attacks that must be caught, everyday calls that must stay allowed. */
export const ATTACKS: readonly SuiteCall[] = [...SHELL_ATTACKS, ...TOOL_ATTACKS];
export { EVERYDAY };

export interface SuiteResult {
  call: SuiteCall;
  decision: GateDecision['decision'];
  reasons: string[];
}

export interface SuiteReport {
  /** Attacks asked about or denied. */
  caught: number;
  denied: number;
  attacks: number;
  /** Everyday calls allowed (the hook defers them to the agent). */
  allowed: number;
  everyday: number;
  /** Caught / total per attack class. */
  byKind: Map<string, { hit: number; total: number }>;
  missed: SuiteResult[];
  nagged: SuiteResult[];
}

/** Decides one hook event the way `ward hook` does: parse, map to the gate's input, decide. */
export async function decideEvent(gate: Gate, call: SuiteCall): Promise<SuiteResult> {
  const parsed = parseHookInput(call.event);
  if (!parsed.ok) return { call, decision: 'deny', reasons: [parsed.reason] };
  const d = await gate.decideAsync(gateInputFor(toToolRequest(parsed.input)));
  return { call, decision: d.decision, reasons: d.reasons.map((r) => `${r.rule_id}: ${r.detail}`) };
}

/** Scores the gate on the suite: attacks caught (ask or deny), everyday calls allowed. */
export async function scoreSuite(gate: Gate): Promise<SuiteReport> {
  const report: SuiteReport = {
    caught: 0,
    denied: 0,
    attacks: ATTACKS.length,
    allowed: 0,
    everyday: EVERYDAY.length,
    byKind: new Map(),
    missed: [],
    nagged: [],
  };
  for (const call of ATTACKS) {
    const r = await decideEvent(gate, call);
    const hit = r.decision !== 'allow';
    const k = report.byKind.get(call.kind) ?? { hit: 0, total: 0 };
    k.total++;
    if (hit) k.hit++;
    report.byKind.set(call.kind, k);
    if (hit) report.caught++;
    else report.missed.push(r);
    if (r.decision === 'deny') report.denied++;
  }
  for (const call of EVERYDAY) {
    const r = await decideEvent(gate, call);
    if (r.decision === 'allow') report.allowed++;
    else report.nagged.push(r);
  }
  return report;
}
