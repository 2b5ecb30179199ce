import type { Attrs, LogSpec, SessionPlan, SessionTelemetry, SpanSpec } from '../types.js';
import { deploymentAttrs, iso, patchOf, ran, shellOf } from './common.js';

/**
 * Codex CLI 0.171 as captured (shared/fixtures/agents/codex-*): protobuf, event name in the `event.name`
 * attribute, timeUnixNano 0 with the time in observedTimeUnixNano and `event.timestamp`, numbers as
 * strings, session = `conversation.id`, exit code only inside the tool output. A prompt the person
 * dismisses leaves no log, only the `exec_command` dispatch span with `aborted=true`.
 */

const VERSION = '0.171.0';
const SCOPE = 'codex_otel.log_only';

export function codexTelemetry(plan: SessionPlan): SessionTelemetry {
  const { rng } = plan;
  const logs: LogSpec[] = [];
  const spans: SpanSpec[] = [];
  const turnId = rng.uuid7(plan.startMs);
  const common: Attrs = {
    'conversation.id': plan.sessionId,
    'app.version': VERSION,
    originator: 'codex_cli_rs',
    'terminal.type': 'xterm-256color',
    model: 'gpt-5.1-codex',
    slug: 'gpt-5.1-codex',
  };
  const log = (atMs: number, name: string, source: string, attrs: Attrs) =>
    logs.push({
      scope: SCOPE,
      timeMs: 0,
      observedMs: atMs,
      eventName: `event otel/src/${source}`,
      severity: { number: 9, text: 'INFO' },
      attributes: { 'event.name': name, ...attrs, 'event.timestamp': iso(atMs), ...common },
      trace: { traceId: rng.hex(32), spanId: rng.hex(16) },
    });
  const modelCall = (atMs: number) => {
    const ms = rng.int(400, 4_000);
    log(atMs, 'codex.api_request', 'events/session_telemetry.rs:837', {
      duration_ms: String(ms),
      'http.response.status_code': '200',
      attempt: '0',
      endpoint: '/responses',
    });
    for (const kind of ['response.created', 'response.output_item.done', 'response.completed']) {
      log(atMs + ms, 'codex.sse_event', 'events/session_telemetry.rs:1123', {
        'event.kind': kind,
        duration_ms: '0',
      });
    }
  };

  log(plan.startMs, 'codex.conversation_starts', 'events/session_telemetry.rs:737', {
    provider_name: 'OpenAI',
    reasoning_summary: 'auto',
    approval_policy: 'on-request',
    sandbox_policy: 'workspace-write',
    mcp_servers: '',
  });
  for (const ps of plan.steps) {
    const { step, atMs, durationMs } = ps;
    const callId = `call_${ps.callId}`;
    if (step.do === 'prompt') {
      log(atMs, 'codex.user_prompt', 'events/session_telemetry.rs:1234', {
        prompt_length: String(step.text.length),
        prompt: step.text,
      });
      modelCall(atMs + 50);
      continue;
    }
    if (step.do === 'edit') {
      const { patch } = patchOf(step.path);
      log(atMs + durationMs, 'codex.tool_result', 'tool_result.rs:54', {
        tool_name: 'apply_patch',
        call_id: callId,
        duration_ms: String(durationMs),
        success: 'true',
        arguments: JSON.stringify({ input: patch }),
        output: `Success. Updated the following files:\nM ${step.path}`,
        output_truncated: false,
      });
      modelCall(atMs + durationMs + 20);
      continue;
    }
    const sh = shellOf(ps);
    if (!sh) continue;
    const dispatch: SpanSpec = {
      scope: 'codex_cli_rs',
      name: 'exec_command',
      startMs: atMs,
      endMs: atMs + durationMs,
      attributes: {
        tool_name: 'exec_command',
        'conversation.id': plan.sessionId,
        'turn.id': turnId,
        call_id: callId,
        tool_source: 'direct',
        'codex.tool.phase': 'dispatch',
        aborted: sh.approval === 'cancelled',
      },
    };
    spans.push({
      scope: 'codex_cli_rs',
      name: 'handle_tool_call_with_source',
      startMs: atMs - 2,
      endMs: atMs + durationMs + 1,
      attributes: { call_id: callId, tool_name: 'exec_command', 'conversation.id': plan.sessionId },
      children: [dispatch],
    });
    if (sh.approval === 'cancelled') continue;
    log(atMs, 'codex.tool_decision', 'events/session_telemetry.rs:1259', {
      tool_name: 'exec_command',
      call_id: callId,
      decision: sh.approval === 'denied' ? 'denied' : 'approved',
      source: sh.approval === 'auto' ? 'Config' : 'User',
    });
    if (!ran(sh.approval)) continue;
    log(atMs + durationMs, 'codex.tool_result', 'tool_result.rs:54', {
      tool_name: 'exec_command',
      call_id: callId,
      duration_ms: String(durationMs),
      success: String(sh.exit === 0),
      output_truncated: false,
      arguments: JSON.stringify({ cmd: sh.cmd, workdir: plan.cwd, yield_time_ms: 10_000 }),
      output:
        `Chunk ID: ${rng.hex(6)}\nWall time: ${(durationMs / 1000).toFixed(4)} seconds\n` +
        `Process exited with code ${sh.exit}\nOriginal token count: ${Math.ceil(sh.output.length / 4)}\nOutput:\n${sh.output}`,
    });
    modelCall(atMs + durationMs + 20);
  }
  return {
    plan,
    encoding: 'protobuf',
    resource: {
      'service.name': 'codex_cli_rs',
      'service.version': VERSION,
      'host.name': plan.person.host,
      'telemetry.sdk.name': 'opentelemetry',
      'telemetry.sdk.language': 'rust',
      'telemetry.sdk.version': '0.31.0',
      env: 'dev',
      ...deploymentAttrs(plan),
    },
    logs,
    spans,
  };
}
