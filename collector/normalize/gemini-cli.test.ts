import { describe, expect, it } from 'vitest';
import { normalizeLogs, normalizeTraces } from './normalize.js';
import { GEMINI_RESOURCE, logRecord, logsRequest, span, tracesRequest } from './test-support.js';

const common = { 'session.id': 'gem-session', 'installation.id': 'i1', interactive: true };
const toolCall = (attrs: Record<string, string | number | boolean | null | Record<string, number>>) =>
  logRecord(
    { ...common, 'event.name': 'gemini_cli.tool_call', function_name: 'run_shell_command', ...attrs },
    { body: 'Tool call: run_shell_command.' },
  );

describe('Gemini CLI logs', () => {
  it('accepted shell call: command from function_args, no call id, exit code missing', () => {
    const [e] = normalizeLogs(
      logsRequest(GEMINI_RESOURCE, [
        toolCall({
          decision: 'accept',
          success: true,
          duration_ms: 241,
          function_args: '{\n  "command": "ls -la",\n  "description": "x"\n}',
          mcp_server_name: null,
        }),
      ]),
    );
    expect(e).toMatchObject({
      agent: 'gemini-cli',
      // service.version is the Node version: not the agent's.
      agent_version: '',
      session_id: 'gem-session',
      kind: 'command',
      tool: 'run_shell_command',
      command: 'ls -la',
      decision: 'allow',
      decision_source: 'accept',
      success: true,
      duration_ms: 241,
      exit_code: null,
      missing: ['call_id', 'exit_code', 'agent_version'],
    });
    expect(e?.attributes).not.toHaveProperty('mcp_server_name');
  });

  it('metadata.exitCode as a kvlist, a flattened key or JSON', () => {
    const evs = normalizeLogs(
      logsRequest(GEMINI_RESOURCE, [
        toolCall({ decision: 'accept', function_args: '{"command":"false"}', metadata: { exitCode: 1 } }),
        toolCall({ decision: 'accept', function_args: '{"command":"true"}', 'metadata.exitCode': 0 }),
        toolCall({ decision: 'accept', function_args: '{"command":"x"}', metadata: '{"exitCode":127}' }),
      ]),
    );
    expect(evs.map((e) => [e.exit_code, e.missing.includes('exit_code')])).toEqual([
      [1, false],
      [0, false],
      [127, false],
    ]);
  });

  it('reject by the person, and a policy deny (decision absent, error_type=policy_violation)', () => {
    const [r, p] = normalizeLogs(
      logsRequest(GEMINI_RESOURCE, [
        toolCall({
          decision: 'reject',
          success: false,
          function_args: '{"command":"git push --force origin main"}',
        }),
        toolCall({ success: false, error_type: 'policy_violation', function_args: '{"command":"rm -rf /"}' }),
      ]),
    );
    expect(r).toMatchObject({
      command: 'git push --force origin main',
      decision: 'deny',
      decision_source: 'reject',
      success: false,
      missing: ['call_id', 'agent_version'],
    });
    expect(p).toMatchObject({ command: 'rm -rf /', decision: 'deny', decision_source: 'policy_violation' });
  });

  it('file tools, file_operation, config, prompt, api response/error, unknown', () => {
    const ev = (name: string, attrs: Record<string, string | number> = {}) =>
      logRecord({ ...common, 'event.name': name, ...attrs });
    const evs = normalizeLogs(
      logsRequest(GEMINI_RESOURCE, [
        toolCall({
          function_name: 'read_file',
          decision: 'accept',
          function_args: '{"absolute_path":"/w/a"}',
        }),
        toolCall({
          function_name: 'write_file',
          decision: 'accept',
          function_args: '{"file_path":"/w/b","content":"x"}',
        }),
        ev('gemini_cli.file_operation', { tool_name: 'write_file', operation: 'create', lines: 3 }),
        ev('gemini_cli.config', { approval_mode: 'default' }),
        ev('gemini_cli.user_prompt', { prompt: 'hi' }),
        ev('gemini_cli.api_request', { model: 'm' }),
        ev('gemini_cli.api_response', { status_code: 200, duration_ms: 66 }),
        ev('gemini_cli.api_response', { status_code: 500, duration_ms: 6 }),
        ev('gemini_cli.api_error', { error: 'x' }),
        ev('gemini_cli.slash_command', { command: 'quit' }),
      ]),
    );
    expect(evs.map((e) => [e.kind, e.target])).toEqual([
      ['file_read', '/w/a'],
      ['file_write', '/w/b'],
      ['file_write', ''],
      ['session_start', ''],
      ['prompt', ''],
      ['other', ''],
      ['llm_request', ''],
      ['llm_error', ''],
      ['llm_error', ''],
      ['other', ''],
    ]);
    expect(evs[2]?.missing).toContain('target');
  });
});

describe('Gemini CLI spans', () => {
  it('tool_call span gives the call id and command; other gen_ai spans are other', () => {
    const input = JSON.stringify({ callId: 'run_1', name: 'run_shell_command', args: { command: 'ls -la' } });
    const evs = normalizeTraces(
      tracesRequest(GEMINI_RESOURCE, [
        span('tool_call', {
          'gen_ai.tool.name': 'run_shell_command',
          'gen_ai.tool.call_id': 'run_1',
          'gen_ai.conversation.id': 'gem-session',
          'gen_ai.input.messages': input,
          'gen_ai.operation.name': 'tool_call',
        }),
        span('llm_call', { 'gen_ai.operation.name': 'llm_call', 'gen_ai.request.model': 'm' }),
      ]),
    );
    expect(evs.map((e) => [e.kind, e.call_id, e.command, e.session_id])).toEqual([
      ['tool_call', 'run_1', 'ls -la', 'gem-session'],
      ['other', '', '', 'gem-session'],
    ]);
  });
});
