import { GEN_AI } from '../../schema/index.js';
import type { Draft } from './build.js';
import { normalizeDecision } from './decision.js';
import type { LogInput, SpanInput } from './inputs.js';
import { classifyTool } from './tools.js';
import { bool, type JsonObject, num, obj, objectValue, str, toNumber } from './values.js';

/**
 * Gemini CLI. Everything about a tool call is one log event `gemini_cli.tool_call` (decision, success,
 * duration, arguments) — also for refused calls. `decision` is accept/reject, or absent with
 * `error_type=policy_violation` when a policy denies. `success` says whether the tool ran; the exit code
 * is `metadata.exitCode` when exported. The call id is only on spans (`gen_ai.tool.call_id`).
 */

/** metadata.exitCode as a flattened attribute, a kvlist or a JSON string. */
function exitCode(attrs: LogInput['attrs']): number | null {
  const flat = num(attrs, 'metadata.exitCode', 'metadata.exit_code', 'exit_code');
  if (flat !== null) return Number.isInteger(flat) ? flat : null;
  const meta = obj(attrs, 'metadata');
  const n = meta ? toNumber(meta.exitCode ?? meta.exit_code) : null;
  return n !== null && Number.isInteger(n) ? n : null;
}

function toolCall(name: string, { attrs }: LogInput): Draft {
  const tool = str(attrs, 'function_name');
  const facts = classifyTool(tool, obj(attrs, 'function_args'));
  const raw = str(attrs, 'decision');
  const errorType = str(attrs, 'error_type');
  let decision = normalizeDecision(raw);
  let source = raw;
  if (raw === '' && errorType === 'policy_violation') {
    decision = 'deny';
    source = errorType;
  }
  const exit = exitCode(attrs);
  const missing = [...facts.missing, 'call_id'];
  if (facts.kind === 'command' && exit === null && decision !== 'deny') missing.push('exit_code');
  return {
    // A refused call never ran: it is a decision, like Codex's and Claude Code's refusals, not a command.
    kind: decision === 'deny' ? 'tool_decision' : (facts.kind ?? 'tool_result'),
    event_name: name,
    tool,
    command: facts.command,
    target: facts.target,
    decision,
    decision_source: source,
    exit_code: exit,
    duration_ms: num(attrs, 'duration_ms'),
    success: bool(attrs, 'success'),
    missing,
    consumed: ['function_name', 'duration_ms', 'success'],
  };
}

function fileOperation(name: string, { attrs }: LogInput): Draft {
  const op = str(attrs, 'operation').toLowerCase();
  const target = str(attrs, 'path', 'file_path');
  return {
    kind: op === 'read' ? 'file_read' : op === '' ? 'other' : 'file_write',
    event_name: name,
    tool: str(attrs, 'tool_name'),
    target,
    missing: target === '' ? ['target'] : [],
    consumed: ['tool_name'],
  };
}

export function normalizeGeminiLog(input: LogInput): Draft[] | null {
  const name = input.eventName;
  const { attrs } = input;
  switch (name) {
    case 'gemini_cli.config':
      return [{ kind: 'session_start', event_name: name }];
    case 'gemini_cli.user_prompt':
      return [{ kind: 'prompt', event_name: name }];
    // The response carries status, duration and tokens: it is the llm_request; the request event is `other`.
    case 'gemini_cli.api_response': {
      const status = num(attrs, 'status_code', 'http.status_code');
      const failed = status !== null && status >= 400;
      return [
        {
          kind: failed ? 'llm_error' : 'llm_request',
          event_name: name,
          duration_ms: num(attrs, 'duration_ms'),
          success: status === null ? null : !failed,
          consumed: ['duration_ms'],
        },
      ];
    }
    case 'gemini_cli.api_error':
      return [
        {
          kind: 'llm_error',
          event_name: name,
          duration_ms: num(attrs, 'duration_ms'),
          success: false,
          consumed: ['duration_ms'],
        },
      ];
    case 'gemini_cli.tool_call':
      return [toolCall(name, input)];
    case 'gemini_cli.file_operation':
      return [fileOperation(name, input)];
    default:
      return null;
  }
}

function parseJson(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return null;
  }
}

/** The `args` of the tool call in `gen_ai.input.messages` (`{callId, name, args, …}`). */
function spanToolArgs(attrs: SpanInput['attrs']): JsonObject | null {
  const raw = attrs['gen_ai.input.messages'];
  const msg = typeof raw === 'string' ? parseJson(raw) : raw;
  const first = Array.isArray(msg) ? msg[0] : msg;
  return first && typeof first === 'object' ? objectValue((first as JsonObject).args) : null;
}

/**
 * Gemini spans: `tool_call` (the only place with the call id) becomes a tool_call; llm_call, user_prompt,
 * schedule_tool_calls and the like repeat the logs and stay `other`.
 */
export function normalizeGeminiSpan({ span, attrs }: SpanInput): Draft[] | null {
  const op = str(attrs, GEN_AI.operationName);
  const tool = str(attrs, GEN_AI.toolName);
  if (op === 'tool_call' || op === 'execute_tool') {
    const args = spanToolArgs(attrs);
    const facts = classifyTool(tool, args);
    return [
      {
        kind: 'tool_call',
        event_name: span.name,
        tool,
        call_id: str(attrs, GEN_AI.toolCallIdOld, GEN_AI.toolCallId),
        command: facts.command,
        target: facts.target,
        missing: facts.missing,
        consumed: [GEN_AI.toolName, GEN_AI.toolCallIdOld, GEN_AI.toolCallId],
      },
    ];
  }
  return op === '' ? null : [{ kind: 'other', event_name: span.name }];
}
