import type { Draft } from './build.js';
import { normalizeDecision } from './decision.js';
import type { LogInput, SpanInput } from './inputs.js';
import { classifyTool, toolArgs } from './tools.js';
import { bool, num, str } from './values.js';

/**
 * Codex CLI. Event name in the `event.name` attribute, `timeUnixNano` is 0 (the builder falls back to the
 * observed time), numbers and booleans arrive as strings, session = `conversation.id`. The exit code is
 * only in the tool output text ("Process exited with code N").
 */

const EXIT_CODE = /Process exited with code (-?\d+)/;

export function codexExitCode(output: string): number | null {
  const m = EXIT_CODE.exec(output);
  return m ? Number(m[1]) : null;
}

function toolResult(name: string, { attrs }: LogInput): Draft {
  const tool = str(attrs, 'tool_name');
  const rawArgs = attrs.arguments;
  const facts = classifyTool(tool, toolArgs(rawArgs));
  const output = str(attrs, 'output');
  const exit = codexExitCode(output);
  const missing = [...facts.missing];
  if (facts.kind === 'command' && exit === null) missing.push('exit_code');
  return {
    kind: facts.kind ?? 'tool_result',
    event_name: name,
    tool,
    call_id: str(attrs, 'call_id'),
    command: facts.command,
    target: facts.target,
    exit_code: exit,
    duration_ms: num(attrs, 'duration_ms'),
    success: bool(attrs, 'success'),
    missing,
    consumed: ['tool_name', 'call_id', 'duration_ms', 'success'],
  };
}

function toolDecision(name: string, { attrs }: LogInput): Draft {
  const raw = str(attrs, 'decision');
  return {
    kind: 'tool_decision',
    event_name: name,
    tool: str(attrs, 'tool_name'),
    call_id: str(attrs, 'call_id'),
    decision: normalizeDecision(raw),
    decision_source: str(attrs, 'source') || raw,
    consumed: ['tool_name', 'call_id'],
  };
}

function apiRequest(name: string, { attrs }: LogInput): Draft {
  const status = num(attrs, 'http.response.status_code');
  const error = str(attrs, 'error.message', 'error');
  const failed = error !== '' || (status !== null && status >= 400);
  return {
    kind: failed ? 'llm_error' : 'llm_request',
    event_name: name,
    duration_ms: num(attrs, 'duration_ms'),
    success: status === null && error === '' ? null : !failed,
    consumed: ['duration_ms'],
  };
}

/**
 * Codex logs every server-sent event of a model response (created, deltas, item added/done…). Only the end
 * of a response is an agent action: `response.completed` (with token counts) and failures. The fragments
 * stay in otel_logs (raw) but make no agent_events row, so a session's timeline shows what the agent did.
 */
function sseEvent(name: string, { attrs }: LogInput): Draft[] {
  const kind = str(attrs, 'event.kind');
  if (kind === 'response.completed') {
    return [{ kind: 'llm_request', event_name: name, duration_ms: num(attrs, 'duration_ms'), success: true }];
  }
  if (/(failed|error|incomplete)$/.test(kind))
    return [{ kind: 'llm_error', event_name: name, success: false }];
  return [];
}

export function normalizeCodexLog(input: LogInput): Draft[] | null {
  const name = input.eventName;
  switch (name) {
    case 'codex.conversation_starts':
      return [{ kind: 'session_start', event_name: name }];
    case 'codex.user_prompt':
      return [{ kind: 'prompt', event_name: name }];
    case 'codex.api_request':
      return [apiRequest(name, input)];
    case 'codex.tool_decision':
      return [toolDecision(name, input)];
    case 'codex.tool_result':
      return [toolResult(name, input)];
    case 'codex.sse_event':
      return sseEvent(name, input);
    default:
      return null;
  }
}

/**
 * Codex's traces are mostly internal spans (hundreds per turn); only the tool dispatch span says
 * something the logs do not: a call cancelled at the approval prompt leaves no log event, only this span
 * with `aborted=true`. Dispatch spans become tool_call (or a tool_decision deny when aborted); the rest
 * are left to the raw table.
 */
export function normalizeCodexSpan({ span, attrs }: SpanInput): Draft[] | null {
  const tool = str(attrs, 'tool_name');
  const callId = str(attrs, 'call_id');
  if (tool === '' || callId === '' || str(attrs, 'codex.tool.phase') !== 'dispatch') return [];
  const common = {
    event_name: span.name,
    tool,
    call_id: callId,
    consumed: ['tool_name', 'call_id'],
  };
  const facts = classifyTool(tool, null);
  if (bool(attrs, 'aborted') === true) {
    return [
      {
        ...common,
        kind: 'tool_decision',
        decision: 'deny',
        decision_source: 'aborted',
        // Codex exports the command of a cancelled call nowhere.
        missing: facts.kind === 'command' ? ['command'] : [],
      },
    ];
  }
  return [{ ...common, kind: 'tool_call', missing: facts.kind === 'command' ? ['command'] : [] }];
}
