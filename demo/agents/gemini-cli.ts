import type { Approval, Attrs, LogSpec, SessionPlan, SessionTelemetry } from '../types.js';
import { deploymentAttrs, iso, patchOf, ran, usage } from './common.js';

/**
 * Gemini CLI 0.61 as captured (shared/fixtures/agents/gemini-*): OTLP/JSON, everything about a tool call
 * in one `gemini_cli.tool_call` log (refused calls too) with `function_args` JSON, `decision`
 * accept/reject, `success` = the tool ran; `service.version` is the Node version; session.id on the
 * resource and on every record.
 */

const MODEL = 'gemini-2.5-pro';

/** Gemini's own tool for a Claude Code tool name, and its argument shape. */
const GEMINI_TOOL: Record<string, { name: string; args: (i: Record<string, string>) => Attrs }> = {
  WebFetch: {
    name: 'web_fetch',
    args: (i) => ({ prompt: `${i.prompt ?? 'Summarise'} ${i.url ?? ''}`.trim() }),
  },
  Grep: {
    name: 'search_file_content',
    args: (i) => ({ pattern: i.pattern ?? '', ...(i.path ? { path: i.path } : {}) }),
  },
  Glob: { name: 'glob', args: (i) => ({ pattern: i.pattern ?? '', ...(i.path ? { path: i.path } : {}) }) },
  Write: { name: 'write_file', args: (i) => ({ file_path: i.file_path ?? '', content: i.content ?? '' }) },
};

export function geminiCliTelemetry(plan: SessionPlan): SessionTelemetry {
  const { rng } = plan;
  const logs: LogSpec[] = [];
  const installationId = rng.uuid4();
  let turn = 0;
  const log = (atMs: number, name: string, body: string, attrs: Attrs) =>
    logs.push({
      scope: 'gemini-cli',
      timeMs: atMs,
      observedMs: atMs,
      body,
      attributes: {
        'session.id': plan.sessionId,
        'installation.id': installationId,
        interactive: true,
        auth_type: 'gemini-api-key',
        'event.name': name,
        'event.timestamp': iso(atMs),
        ...attrs,
      },
      trace: name === 'gemini_cli.tool_call' ? { traceId: rng.hex(32), spanId: rng.hex(16) } : undefined,
    });
  const modelCall = (atMs: number) => {
    const promptId = `${plan.sessionId}########${turn}`;
    const u = usage(plan, turn++);
    const ms = rng.int(800, 7_000);
    log(atMs, 'gemini_cli.api_request', `API request to ${MODEL}.`, { model: MODEL, prompt_id: promptId });
    log(atMs + ms, 'gemini_cli.api_response', `API response from ${MODEL}. Status: 200. Duration: ${ms}ms.`, {
      model: MODEL,
      status_code: 200,
      duration_ms: ms,
      input_token_count: u.input,
      output_token_count: u.output,
      total_token_count: u.input + u.output,
      prompt_id: promptId,
      auth_type: 'gemini-api-key',
    });
  };

  log(plan.startMs, 'gemini_cli.config', 'CLI configuration loaded.', {
    model: 'auto',
    sandbox_enabled: false,
    approval_mode: 'default',
    log_user_prompts_enabled: true,
    output_format: 'text',
  });
  for (const ps of plan.steps) {
    const { step, atMs, durationMs } = ps;
    if (step.do === 'prompt') {
      log(atMs, 'gemini_cli.user_prompt', `User prompt. Length: ${step.text.length}.`, {
        prompt_length: step.text.length,
        prompt_id: `${plan.sessionId}########${turn}`,
        prompt: step.text,
      });
      modelCall(atMs + 60);
      continue;
    }
    let name: string;
    let args: Attrs;
    let approval: Approval = step.do === 'read' ? 'auto' : (step.approval ?? 'auto');
    const own = step.do === 'tool' ? GEMINI_TOOL[step.name] : undefined;
    let success: boolean;
    if (step.do === 'shell') {
      name = 'run_shell_command';
      args = { command: step.cmd, description: `Run ${step.cmd.split(' ')[0]}` };
      success = ran(approval);
    } else if (step.do === 'tool') {
      name = own?.name ?? step.name.toLowerCase();
      args = own ? own.args(step.input) : step.input;
      success = ran(approval);
    } else if (step.do === 'read') {
      name = 'read_file';
      args = { file_path: step.path };
      success = true;
    } else {
      const { oldText, newText } = patchOf(step.path);
      name = 'replace';
      args = { file_path: step.path, old_string: oldText, new_string: newText };
      approval = step.approval ?? 'approved';
      success = ran(approval);
    }
    const decision = ran(approval) ? 'accept' : 'reject';
    log(
      atMs + durationMs,
      'gemini_cli.tool_call',
      `Tool call: ${name}. Decision: ${decision}. Success: ${success}. Duration: ${durationMs}ms.`,
      {
        function_name: name,
        duration_ms: durationMs,
        success,
        decision,
        prompt_id: `${plan.sessionId}########${turn}`,
        tool_type: 'native',
        content_length: step.do === 'shell' ? (step.output ?? '').length : 1_200,
        function_args: JSON.stringify(args, null, 2),
      },
    );
    if (decision === 'accept') modelCall(atMs + durationMs + 40);
  }
  return {
    plan,
    encoding: 'json',
    resource: {
      'host.arch': 'amd64',
      'process.pid': rng.int(2_000, 60_000),
      'process.executable.name': '/usr/bin/node',
      'process.runtime.version': '20.20.2',
      'process.runtime.name': 'nodejs',
      'process.command': '/usr/lib/node_modules/@google/gemini-cli/bundle/gemini.js',
      'process.owner': plan.person.user,
      'service.name': 'gemini-cli',
      'service.version': 'v20.20.2',
      'session.id': plan.sessionId,
      ...deploymentAttrs(plan),
    },
    logs,
    spans: [],
  };
}
