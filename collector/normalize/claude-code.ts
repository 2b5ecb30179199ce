import type { Draft } from './build.js';
import { normalizeDecision } from './decision.js';
import type { LogInput, SpanInput } from './inputs.js';
import { classifyTool, type ToolFacts } from './tools.js';
import { bool, type JsonObject, num, obj, str } from './values.js';

/**
 * Claude Code. The log body is `claude_code.<event>`, `event.name` the short name, session = `session.id`.
 * Command text only with OTEL_LOG_TOOL_DETAILS=1 (`tool_parameters.full_command`, `tool_input.command`);
 * no exit code anywhere. Spans (enhanced telemetry beta) mostly repeat the logs: the `claude_code.tool`
 * span becomes a tool_call, `tool.blocked_on_user` a tool_decision (in `-p` mode an automatic deny is
 * only there), the others stay `other` so that prompts, requests and results are not counted twice.
 */

export const CLAUDE_PREFIX = 'claude_code.';

/** Full event name: the body when it is `claude_code.<x>`, else `claude_code.` + the event.name attribute. */
export function claudeEventName(body: unknown, shortName: string): string {
  if (typeof body === 'string' && body.startsWith(CLAUDE_PREFIX)) return body;
  if (shortName === '') return '';
  return shortName.startsWith(CLAUDE_PREFIX) ? shortName : `${CLAUDE_PREFIX}${shortName}`;
}

function mergeArgs(a: JsonObject | null, b: JsonObject | null): JsonObject | null {
  if (!a) return b;
  if (!b) return a;
  return { ...b, ...a };
}

function toolFacts(attrs: LogInput['attrs']): { tool: string; facts: ToolFacts } {
  const tool = str(attrs, 'tool_name');
  // tool_parameters holds full_command for Bash; tool_input the raw input (command, file_path, url…).
  return {
    tool,
    facts: classifyTool(tool, mergeArgs(obj(attrs, 'tool_parameters'), obj(attrs, 'tool_input'))),
  };
}

function toolDecision(name: string, { attrs }: LogInput): Draft {
  const { tool, facts } = toolFacts(attrs);
  const raw = str(attrs, 'decision');
  return {
    kind: 'tool_decision',
    event_name: name,
    tool,
    call_id: str(attrs, 'tool_use_id'),
    command: facts.command,
    target: facts.target,
    decision: normalizeDecision(raw),
    decision_source: str(attrs, 'source') || raw,
    missing: facts.missing,
    consumed: ['tool_name', 'tool_use_id'],
  };
}

function toolResult(name: string, { attrs }: LogInput): Draft {
  const { tool, facts } = toolFacts(attrs);
  const missing = [...facts.missing];
  if (facts.kind === 'command') missing.push('exit_code');
  const raw = str(attrs, 'decision_type');
  return {
    kind: facts.kind ?? 'tool_result',
    event_name: name,
    tool,
    call_id: str(attrs, 'tool_use_id'),
    command: facts.command,
    target: facts.target,
    decision: normalizeDecision(raw),
    decision_source: raw === '' ? '' : str(attrs, 'decision_source') || raw,
    duration_ms: num(attrs, 'duration_ms'),
    success: bool(attrs, 'success'),
    missing,
    consumed: ['tool_name', 'tool_use_id', 'duration_ms', 'success'],
  };
}

export function normalizeClaudeLog(input: LogInput): Draft[] | null {
  const name = input.eventName;
  switch (name) {
    case 'claude_code.user_prompt':
      return [{ kind: 'prompt', event_name: name }];
    case 'claude_code.api_request':
      return [
        {
          kind: 'llm_request',
          event_name: name,
          duration_ms: num(input.attrs, 'duration_ms'),
          consumed: ['duration_ms'],
        },
      ];
    case 'claude_code.api_error':
      return [
        {
          kind: 'llm_error',
          event_name: name,
          duration_ms: num(input.attrs, 'duration_ms'),
          success: false,
          consumed: ['duration_ms'],
        },
      ];
    case 'claude_code.tool_decision':
      return [toolDecision(name, input)];
    case 'claude_code.tool_result':
      return [toolResult(name, input)];
    default:
      return null;
  }
}

/** The tool_use_id of the `claude_code.tool` span a child span hangs under (same request only). */
function parentCallId({ span, spansById }: SpanInput): string {
  const parent = spansById.get(span.parentSpanId);
  return parent ? str(parent.attributes, 'tool_use_id', 'gen_ai.tool.call.id') : '';
}

export function normalizeClaudeSpan(input: SpanInput): Draft[] | null {
  const { span, attrs } = input;
  const name = span.name;
  if (!name.startsWith(CLAUDE_PREFIX)) return null;
  if (name === 'claude_code.tool') {
    const tool = str(attrs, 'tool_name');
    const facts = classifyTool(tool, {
      full_command: str(attrs, 'full_command'),
      file_path: str(attrs, 'file_path'),
    });
    return [
      {
        kind: 'tool_call',
        event_name: name,
        tool,
        call_id: str(attrs, 'tool_use_id', 'gen_ai.tool.call.id'),
        command: facts.command,
        target: facts.target,
        duration_ms: num(attrs, 'duration_ms'),
        missing: facts.missing,
        consumed: ['tool_name', 'tool_use_id', 'gen_ai.tool.call.id', 'full_command', 'duration_ms'],
      },
    ];
  }
  if (name === 'claude_code.tool.blocked_on_user') {
    const raw = str(attrs, 'decision');
    const source = str(attrs, 'source');
    const callId = parentCallId(input);
    return [
      {
        kind: 'tool_decision',
        event_name: name,
        call_id: callId,
        tool: str(input.spansById.get(span.parentSpanId)?.attributes ?? {}, 'tool_name'),
        decision: normalizeDecision(raw),
        decision_source: source !== '' && source !== 'unknown' ? source : raw,
        duration_ms: num(attrs, 'duration_ms'),
        missing: callId === '' ? ['call_id'] : [],
        consumed: ['duration_ms'],
      },
    ];
  }
  return [
    {
      kind: 'other',
      event_name: name,
      call_id: str(attrs, 'tool_use_id', 'gen_ai.tool.call.id'),
      duration_ms: num(attrs, 'duration_ms'),
    },
  ];
}
