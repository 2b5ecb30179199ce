import { GEN_AI, GEN_AI_OPERATIONS, OTEL, WARD, WARD_SPAN_EVENTS } from '../../schema/attributes.js';
import type { RunResult } from '../runner.js';

type AttrValue = string | number | boolean | string[];

/** Who ran the command and why it was allowed (from the CLI or the approval gate). */
export interface SpanContext {
  sessionId: string;
  agent: string;
  /** 'execute_tool' for one command (ward exec), 'invoke_agent' for a whole agent (ward run). */
  operation: 'execute_tool' | 'invoke_agent';
  decision?: 'allow' | 'deny' | 'ask';
  decisionSource?: string;
  ruleIds?: string[];
}

/** A finished command as one span: plain data, turned into an OTel span by the exporter. */
export interface CommandSpanRecord {
  startTimeMs: number;
  endTimeMs: number;
  attributes: Record<string, AttrValue>;
  events: { name: string; timeMs: number; attributes: Record<string, AttrValue> }[];
  error: boolean;
}

/** Maps a run result to the ward.exec span: GenAI semconv where it fits, ward.* for the rest. */
export function commandSpanRecord(result: RunResult, ctx: SpanContext): CommandSpanRecord {
  const endTimeMs = result.startTimeMs + result.durationMs;
  const attributes: Record<string, AttrValue> = {
    [GEN_AI.operationName]:
      GEN_AI_OPERATIONS[ctx.operation === 'execute_tool' ? 'executeTool' : 'invokeAgent'],
    [GEN_AI.toolName]: 'shell',
    [GEN_AI.agentName]: ctx.agent,
    [GEN_AI.conversationId]: ctx.sessionId,
    [OTEL.sessionId]: ctx.sessionId,
    [OTEL.processCwd]: result.cwd,
    [WARD.sessionId]: ctx.sessionId,
    [WARD.agent]: ctx.agent,
    [WARD.command]: result.command,
    [WARD.argv]: result.argv,
    [WARD.cwd]: result.cwd,
    [WARD.workspace]: result.workspace,
    [WARD.exitCode]: result.exitCode,
    [WARD.durationMs]: Math.round(result.durationMs * 1000) / 1000,
    [WARD.sandboxed]: result.sandboxed,
    [WARD.networkAttempts]: JSON.stringify(result.networkAttempts),
    [WARD.fileChanges]: JSON.stringify(result.fileChanges),
  };
  if (result.signal) attributes[WARD.signal] = result.signal;
  if (result.killedBy) attributes[WARD.killedBy] = result.killedBy;
  if (ctx.decision) attributes[WARD.decision] = ctx.decision;
  if (ctx.decisionSource) attributes[WARD.decisionSource] = ctx.decisionSource;
  if (ctx.ruleIds?.length) attributes[WARD.ruleIds] = ctx.ruleIds;

  const events: CommandSpanRecord['events'] = result.violations.map((v) => ({
    name: WARD_SPAN_EVENTS.violation,
    timeMs: endTimeMs,
    attributes: { [WARD.violationKind]: v.kind, [WARD.violationDetail]: v.detail },
  }));
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
