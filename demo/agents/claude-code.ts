import { createHash } from 'node:crypto';
import type { Approval, Attrs, LogSpec, SessionPlan, SessionTelemetry } from '../types.js';
import { deploymentAttrs, iso, patchOf, ran, usage } from './common.js';

/**
 * Claude Code 2.1 as captured (shared/fixtures/agents/claude-*): OTLP/JSON, body `claude_code.<event>`,
 * `event.name` the short name, session = `session.id`, `user.id` a hash, command text in
 * `tool_parameters.full_command` (OTEL_LOG_TOOL_DETAILS=1), no exit code; a rejected call has no result.
 */

const VERSION = '2.1.197';

function decisionOf(approval: Approval): { decision: string; source: string } {
  if (approval === 'auto') return { decision: 'accept', source: 'config' };
  if (approval === 'approved') return { decision: 'accept', source: 'user_temporary' };
  return { decision: 'reject', source: 'user_reject' };
}

interface ToolCall {
  tool: string;
  approval: Approval;
  parameters?: Attrs;
  input: Attrs;
  success: boolean;
  resultBytes: number;
}

function toolCallOf(plan: SessionPlan, ps: SessionPlan['steps'][number]): ToolCall | null {
  const s = ps.step;
  const abs = (p: string) => (p.startsWith('/') ? p : `${plan.cwd}/${p}`);
  if (s.do === 'shell') {
    const description = `Run ${s.cmd.split(' ')[0]}`;
    return {
      tool: 'Bash',
      approval: s.approval ?? 'auto',
      parameters: { bash_command: s.cmd.split(' ')[0] ?? '', full_command: s.cmd, description },
      input: { command: s.cmd, description },
      success: (s.exit ?? 0) === 0,
      resultBytes: (s.output ?? '').length,
    };
  }
  if (s.do === 'read')
    return {
      tool: 'Read',
      approval: 'auto',
      input: { file_path: abs(s.path) },
      success: true,
      resultBytes: 2_400,
    };
  if (s.do === 'tool')
    return {
      tool: s.name,
      approval: s.approval ?? 'auto',
      input: s.input,
      success: true,
      resultBytes: 1_600,
    };
  if (s.do === 'edit') {
    const { oldText, newText } = patchOf(s.path);
    return {
      tool: 'Edit',
      approval: s.approval ?? 'auto',
      input: { file_path: abs(s.path), old_string: oldText, new_string: newText },
      success: true,
      resultBytes: 180,
    };
  }
  return null;
}

export function claudeCodeTelemetry(plan: SessionPlan): SessionTelemetry {
  const { rng } = plan;
  const logs: LogSpec[] = [];
  const userId = createHash('sha256').update(plan.person.email).digest('hex');
  let sequence = 0;
  let promptId = rng.uuid4();
  let turn = 0;
  const log = (atMs: number, name: string, attrs: Attrs, traced = false) =>
    logs.push({
      scope: 'com.anthropic.claude_code.events',
      scopeVersion: VERSION,
      timeMs: atMs,
      observedMs: atMs,
      body: `claude_code.${name}`,
      attributes: {
        'user.id': userId,
        'session.id': plan.sessionId,
        'terminal.type': 'xterm-256color',
        'event.name': name,
        'event.timestamp': iso(atMs),
        'event.sequence': sequence++,
        'prompt.id': promptId,
        ...attrs,
      },
      trace: traced ? { traceId: rng.hex(32), spanId: rng.hex(16) } : undefined,
    });
  const modelCall = (atMs: number) => {
    const u = usage(plan, turn++);
    log(atMs, 'api_request', {
      model: 'claude-sonnet-4-5',
      input_tokens: u.input,
      output_tokens: u.output,
      cache_read_tokens: 0,
      cache_creation_tokens: 0,
      cost_usd: u.costMicros / 1e6,
      cost_usd_micros: u.costMicros,
      duration_ms: rng.int(600, 6_000),
      request_id: `req_${rng.base36(20)}`,
      speed: 'normal',
      query_source: 'repl_main_thread',
    });
  };

  for (const ps of plan.steps) {
    const { step, atMs, durationMs } = ps;
    if (step.do === 'prompt') {
      promptId = rng.uuid4();
      log(atMs, 'user_prompt', { prompt_length: String(step.text.length), prompt: step.text });
      modelCall(atMs + 80);
      continue;
    }
    const call = toolCallOf(plan, ps);
    if (!call) continue;
    const toolUseId = `toolu_${ps.callId}`;
    const { decision, source } = decisionOf(call.approval);
    const params: Attrs = call.parameters ? { tool_parameters: JSON.stringify(call.parameters) } : {};
    log(
      atMs,
      'tool_decision',
      { decision, source, tool_name: call.tool, tool_use_id: toolUseId, ...params },
      true,
    );
    if (!ran(call.approval)) continue;
    const input = JSON.stringify(call.input);
    log(atMs + durationMs, 'tool_result', {
      tool_name: call.tool,
      tool_use_id: toolUseId,
      success: String(call.success),
      duration_ms: String(durationMs),
      ...params,
      tool_input: input,
      tool_input_size_bytes: String(input.length),
      tool_result_size_bytes: String(call.resultBytes),
      decision_source: source,
      decision_type: decision,
    });
    modelCall(atMs + durationMs + 30);
  }
  return {
    plan,
    encoding: 'json',
    resource: {
      'service.name': 'claude-code',
      'service.version': VERSION,
      'host.arch': 'amd64',
      'os.type': 'linux',
      'os.version': '6.8.0-49-generic',
      ...deploymentAttrs(plan),
    },
    logs,
    spans: [],
  };
}
