import type { OtlpAttributes, OtlpSpan } from '../../schema/index.js';
import { GEN_AI, GEN_AI_OPERATIONS, OTEL } from '../../schema/index.js';
import type { Draft } from './build.js';
import type { SpanInput } from './inputs.js';
import { nanosDiffMs } from './time.js';
import { classifyTool, toolArgs } from './tools.js';
import { str } from './values.js';

/**
 * Spans following the OpenTelemetry GenAI semantic conventions, from any service (the fallback for
 * spans no agent-specific normalizer claims). A span becomes an event only when it carries gen_ai.*
 * attributes or an event.name: plain spans of ordinary services stay in the raw table only.
 */

const LLM_OPERATIONS = new Set<string>([
  GEN_AI_OPERATIONS.chat,
  GEN_AI_OPERATIONS.textCompletion,
  GEN_AI_OPERATIONS.generateContent,
]);
const TOOL_OPERATIONS = new Set<string>([GEN_AI_OPERATIONS.executeTool, 'tool_call']);

export function hasGenAiAttributes(attrs: OtlpAttributes): boolean {
  for (const key in attrs) if (key.startsWith('gen_ai.')) return true;
  return false;
}

/** Span status → success: Ok true, Error false, Unset unknown. */
export function spanSuccess(span: OtlpSpan): boolean | null {
  if (span.status.code === 2) return false;
  if (span.status.code === 1) return true;
  return null;
}

export function normalizeGenAiSpan({ span, attrs }: SpanInput): Draft[] {
  const op = str(attrs, GEN_AI.operationName);
  const tool = str(attrs, GEN_AI.toolName);
  if (!hasGenAiAttributes(attrs) && str(attrs, OTEL.eventName) === '') return [];
  const duration = nanosDiffMs(span.startTimeUnixNano, span.endTimeUnixNano);
  const success = spanSuccess(span);
  if (TOOL_OPERATIONS.has(op) || (op === '' && tool !== '')) {
    const hasArgs = attrs[GEN_AI.toolCallArguments] !== undefined;
    const facts = classifyTool(tool, toolArgs(attrs[GEN_AI.toolCallArguments]));
    return [
      {
        kind: facts.kind ?? 'tool_call',
        event_name: span.name,
        tool,
        call_id: str(attrs, GEN_AI.toolCallId, GEN_AI.toolCallIdOld),
        command: facts.command,
        target: facts.target,
        duration_ms: duration,
        success,
        // GenAI spans carry no exit code.
        missing: [
          ...facts.missing,
          ...(hasArgs ? [] : ['arguments']),
          ...(facts.kind === 'command' ? ['exit_code'] : []),
        ],
        consumed: [GEN_AI.toolName, GEN_AI.toolCallId, GEN_AI.toolCallIdOld],
      },
    ];
  }
  if (LLM_OPERATIONS.has(op)) {
    const failed = success === false || str(attrs, 'error.type') !== '';
    return [
      {
        kind: failed ? 'llm_error' : 'llm_request',
        event_name: span.name,
        duration_ms: duration,
        success: failed ? false : success,
      },
    ];
  }
  return [{ kind: 'other', event_name: span.name || op, duration_ms: duration, success }];
}
