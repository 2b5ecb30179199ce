import { GEN_AI, GEN_AI_OPERATIONS, OTEL, WARD, WARD_SPAN_EVENTS } from '../../schema/fast.js';
import type { GateOutcome } from '../approvals/ask-human.js';
import type { RunResult } from '../runner.js';

export type AttrValue = string | number | boolean | string[];

/** The approval gate's part of the span: what was decided, by whom, on which findings. */
export interface SpanDecision {
  /** allow: the gate allowed it; approved: the gate asked and a human approved; deny: nothing ran. */
  decision?: 'allow' | 'approved' | 'deny';
  /** policy (a policy rule decided) | gate (the risk analysis) | user:<name> | timeout | error. */
  decisionSource?: string;
  ruleIds?: string[];
  risk?: number;
  approvalId?: string;
}

/** Who ran the command and why it was allowed (from the CLI or the approval gate). */
export interface SpanContext extends SpanDecision {
  sessionId: string;
  agent: string;
  /** 'execute_tool' for one command (ward exec), 'invoke_agent' for a whole agent (ward run). */
  operation: 'execute_tool' | 'invoke_agent';
}

/** The span's decision attributes for one gate outcome. */
export function spanDecision(o: GateOutcome): SpanDecision {
  const ruleIds = [...new Set(o.verdict.reasons.map((r) => r.rule_id))];
  // A policy rule decided when one matched with the gate's final word (the gate words it `<decision>: why`).
  const byPolicy = o.verdict.reasons.some(
    (r) =>
      /^policy\.(org|user|project|inline|default)\./.test(r.rule_id) &&
      r.detail.startsWith(`${o.verdict.decision}:`),
  );
  const source =
    o.source === 'user'
      ? `user:${o.decidedBy || 'unknown'}`
      : o.source === 'gate'
        ? byPolicy
          ? 'policy'
          : 'gate'
        : o.source;
  return {
    decision: o.run ? (o.source === 'user' ? 'approved' : 'allow') : 'deny',
    decisionSource: source,
    ruleIds,
    risk: o.verdict.risk,
    ...(o.approvalId ? { approvalId: o.approvalId } : {}),
  };
}

function decisionAttributes(ctx: SpanDecision, attributes: Record<string, AttrValue>): void {
  if (ctx.decision) attributes[WARD.decision] = ctx.decision;
  if (ctx.decisionSource) attributes[WARD.decisionSource] = ctx.decisionSource;
  if (ctx.ruleIds?.length) attributes[WARD.ruleIds] = ctx.ruleIds;
  if (ctx.risk !== undefined) attributes[WARD.risk] = ctx.risk;
  if (ctx.approvalId) attributes[WARD.approvalId] = ctx.approvalId;
}

function commonAttributes(
  ctx: SpanContext,
  cmd: { command: string; argv: string[]; cwd: string },
): Record<string, AttrValue> {
  return {
    [GEN_AI.operationName]:
      GEN_AI_OPERATIONS[ctx.operation === 'execute_tool' ? 'executeTool' : 'invokeAgent'],
    [GEN_AI.toolName]: 'shell',
    [GEN_AI.agentName]: ctx.agent,
    [GEN_AI.conversationId]: ctx.sessionId,
    [OTEL.sessionId]: ctx.sessionId,
    [OTEL.processCwd]: cmd.cwd,
    [WARD.sessionId]: ctx.sessionId,
    [WARD.agent]: ctx.agent,
    [WARD.command]: cmd.command,
    [WARD.argv]: cmd.argv,
    [WARD.cwd]: cmd.cwd,
  };
}

/** A command the gate (or a human) refused: the span says what was asked, the decision, and that nothing ran. */
export function refusedSpanRecord(
  cmd: {
    command: string;
    argv: string[];
    cwd: string;
    exitCode: number;
    startTimeMs: number;
    endTimeMs: number;
  },
  ctx: SpanContext,
): CommandSpanRecord {
  const attributes = commonAttributes(ctx, cmd);
  attributes[WARD.exitCode] = cmd.exitCode;
  attributes[WARD.durationMs] = 0;
  attributes[WARD.ran] = false;
  decisionAttributes(ctx, attributes);
  return { startTimeMs: cmd.startTimeMs, endTimeMs: cmd.endTimeMs, attributes, events: [], error: true };
}

/** A finished command as one span: plain data, turned into an OTel span by the exporter. */
export interface CommandSpanRecord {
  startTimeMs: number;
  endTimeMs: number;
  attributes: Record<string, AttrValue>;
  events: { name: string; timeMs: number; attributes: Record<string, AttrValue> }[];
  error: boolean;
}

/** File changes listed in a span; the rest are counted (ward.file_changes.omitted). */
export const MAX_LISTED_FILE_CHANGES = 5_000;
/** Violation events in a span; one more event says how many were left out. */
export const MAX_LISTED_VIOLATIONS = 500;

/**
 * Maps a run result to the ward.exec span: GenAI semconv where it fits, ward.* for the rest. Bounded whatever
 * the command did: a span over the server's body limit (200,000 files written, say) is refused whole, and the
 * command goes unrecorded.
 */
export function commandSpanRecord(result: RunResult, ctx: SpanContext): CommandSpanRecord {
  const endTimeMs = result.startTimeMs + result.durationMs;
  const attributes: Record<string, AttrValue> = {
    ...commonAttributes(ctx, result),
    [WARD.workspace]: result.workspace,
    [WARD.exitCode]: result.exitCode,
    [WARD.durationMs]: Math.round(result.durationMs * 1000) / 1000,
    [WARD.sandboxed]: result.sandboxed,
    [WARD.networkAttempts]: JSON.stringify(result.networkAttempts),
    [WARD.fileChanges]: JSON.stringify(result.fileChanges.slice(0, MAX_LISTED_FILE_CHANGES)),
  };
  if (result.fileChanges.length > MAX_LISTED_FILE_CHANGES)
    attributes[WARD.fileChangesOmitted] = result.fileChanges.length - MAX_LISTED_FILE_CHANGES;
  if (result.signal) attributes[WARD.signal] = result.signal;
  if (result.killedBy) attributes[WARD.killedBy] = result.killedBy;
  if (result.sandboxed) attributes[WARD.limitsBy] = result.limitsBy;
  if (result.memoryPeakBytes !== undefined) attributes[WARD.memoryPeakBytes] = result.memoryPeakBytes;
  attributes[WARD.ran] = true;
  decisionAttributes(ctx, attributes);

  const violation = (kind: string, detail: string): CommandSpanRecord['events'][number] => ({
    name: WARD_SPAN_EVENTS.violation,
    timeMs: endTimeMs,
    attributes: { [WARD.violationKind]: kind, [WARD.violationDetail]: detail },
  });
  const events = result.violations.slice(0, MAX_LISTED_VIOLATIONS).map((v) => violation(v.kind, v.detail));
  const omitted = result.violations.slice(MAX_LISTED_VIOLATIONS);
  if (omitted[0]) {
    const kinds = [...new Set(omitted.map((v) => v.kind))].join(', ');
    events.push(violation(omitted[0].kind, `${omitted.length} more violations not listed (${kinds})`));
  }
  if (!result.sandboxed) {
    events.push({
      name: WARD_SPAN_EVENTS.violation,
      timeMs: result.startTimeMs,
      attributes: { [WARD.violationKind]: 'unsandboxed', [WARD.violationDetail]: 'run with --unsandboxed' },
    });
  }
  for (const a of result.networkAttempts) {
    events.push({
      name: WARD_SPAN_EVENTS.network,
      timeMs: Date.parse(a.time) || endTimeMs,
      attributes: {
        [WARD.netHost]: a.host,
        [WARD.netPort]: a.port,
        [WARD.netDecision]: a.decision,
        [WARD.netBytesIn]: a.bytes_in,
        [WARD.netBytesOut]: a.bytes_out,
      },
    });
  }
  return { startTimeMs: result.startTimeMs, endTimeMs, attributes, events, error: result.exitCode !== 0 };
}
