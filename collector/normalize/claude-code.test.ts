import { describe, expect, it } from 'vitest';
import { normalizeLogs, normalizeTraces } from './normalize.js';
import { CLAUDE_RESOURCE, logRecord, logsRequest, span, tracesRequest } from './test-support.js';

const common = { 'session.id': 'sess-1', 'user.id': 'u-hash', 'terminal.type': 'xterm' };
const claudeLog = (event: string, attrs: Record<string, string | number | boolean>) =>
  logRecord({ ...common, 'event.name': event, ...attrs }, { body: `claude_code.${event}` });

describe('Claude Code logs', () => {
  it('tool_decision with details: command from tool_parameters, accept by config', () => {
    const [e] = normalizeLogs(
      logsRequest(CLAUDE_RESOURCE, [
        claudeLog('tool_decision', {
          decision: 'accept',
          source: 'config',
          tool_name: 'Bash',
          tool_use_id: 'toolu_1',
          tool_parameters: '{"bash_command":"ls","full_command":"ls -la","description":"Run step 1"}',
        }),
      ]),
    );
    expect(e).toMatchObject({
      agent: 'claude-code',
      agent_version: '2.1.197',
      session_id: 'sess-1',
      user_id: 'u-hash',
      kind: 'tool_decision',
      event_name: 'claude_code.tool_decision',
      tool: 'Bash',
      call_id: 'toolu_1',
      command: 'ls -la',
      decision: 'allow',
      decision_source: 'config',
      missing: [],
      time: '2026-11-26T22:20:49.706526730Z',
    });
  });

  it('reject by the user; without OTEL_LOG_TOOL_DETAILS the command is named missing', () => {
    const [e] = normalizeLogs(
      logsRequest(CLAUDE_RESOURCE, [
        claudeLog('tool_decision', {
          decision: 'reject',
          source: 'user_reject',
          tool_name: 'Bash',
          tool_use_id: 'toolu_2',
        }),
      ]),
    );
    expect(e).toMatchObject({
      decision: 'deny',
      decision_source: 'user_reject',
      command: '',
      missing: ['command'],
    });
  });

  it('tool_result: command kind, no exit code (named missing), success and duration from strings', () => {
    const [e] = normalizeLogs(
      logsRequest(CLAUDE_RESOURCE, [
        claudeLog('tool_result', {
          tool_name: 'Bash',
          tool_use_id: 'toolu_1',
          success: 'true',
          duration_ms: '54',
          tool_input: '{"command":"ls -la","description":"Run step 1"}',
          decision_type: 'accept',
          decision_source: 'user_temporary',
        }),
      ]),
    );
    expect(e).toMatchObject({
      kind: 'command',
      command: 'ls -la',
      exit_code: null,
      success: true,
      duration_ms: 54,
      decision: 'allow',
      decision_source: 'user_temporary',
      missing: ['exit_code'],
    });
  });

  it('file and web tools map to file_read / file_write / network', () => {
    const evs = normalizeLogs(
      logsRequest(CLAUDE_RESOURCE, [
        claudeLog('tool_result', { tool_name: 'Read', tool_input: '{"file_path":"/w/a.ts"}' }),
        claudeLog('tool_result', {
          tool_name: 'Edit',
          tool_input: '{"file_path":"/w/b.ts","old_string":"x"}',
        }),
        claudeLog('tool_result', {
          tool_name: 'WebFetch',
          tool_input: '{"url":"https://example.com/doc","prompt":"x"}',
        }),
        claudeLog('tool_result', { tool_name: 'Grep', tool_input: '{"pattern":"x"}' }),
        claudeLog('tool_result', { tool_name: 'Write' }),
      ]),
    );
    expect(evs.map((e) => [e.kind, e.target, e.missing])).toEqual([
      ['file_read', '/w/a.ts', []],
      ['file_write', '/w/b.ts', []],
      ['network', 'example.com:443', []],
      ['tool_result', '', []],
      ['file_write', '', ['target']],
    ]);
  });

  it("MCP and other tools given a file's path read it, or write it when their name says so; listing reads nothing", () => {
    const call = (tool_name: string, input: Record<string, string>) =>
      claudeLog('tool_result', { tool_name, tool_input: JSON.stringify(input) });
    const evs = normalizeLogs(
      logsRequest(CLAUDE_RESOURCE, [
        call('mcp__filesystem__read_text_file', { path: '/home/u/.config/gh/hosts.yml' }),
        call('mcp__github__get_file_contents', { owner: 'acme', repo: 'x', path: 'src/a.ts' }),
        call('mcp__filesystem__write_file', { path: '/w/notes.md', content: 'x' }),
        call('mcp__filesystem__list_directory', { path: '/home/u/.ssh' }),
        call('mcp__github__create_issue', { owner: 'acme', repo: 'x', title: 't', body: 'b' }),
        claudeLog('tool_result', {
          tool_name: 'mcp_tool',
          tool_parameters: '{"mcp_server_name":"fs","mcp_tool_name":"edit_file"}',
          tool_input: '{"path":"/w/c.ts"}',
        }),
      ]),
    );
    expect(evs.map((e) => [e.kind, e.target])).toEqual([
      ['file_read', '/home/u/.config/gh/hosts.yml'],
      ['file_read', 'src/a.ts'],
      ['file_write', '/w/notes.md'],
      ['tool_result', ''],
      ['tool_result', ''],
      ['file_write', '/w/c.ts'],
    ]);
  });

  it('prompt, api_request, api_error, unknown events', () => {
    const evs = normalizeLogs(
      logsRequest(CLAUDE_RESOURCE, [
        claudeLog('user_prompt', { prompt: 'hi', prompt_length: '2' }),
        claudeLog('api_request', { model: 'claude-opus-4-8', duration_ms: 37, cost_usd: 0.008625 }),
        claudeLog('api_error', { error: 'overloaded', status_code: '529', duration_ms: 10 }),
        claudeLog('assistant_response', { response: 'Done.' }),
      ]),
    );
    expect(evs.map((e) => [e.kind, e.event_name])).toEqual([
      ['prompt', 'claude_code.user_prompt'],
      ['llm_request', 'claude_code.api_request'],
      ['llm_error', 'claude_code.api_error'],
      ['other', 'claude_code.assistant_response'],
    ]);
    expect(evs[1]?.attributes.cost_usd).toBe('0.008625');
    expect(evs[3]?.attributes.response).toBe('Done.');
  });

  it('the event name comes from event.name when the body is not claude_code.*', () => {
    const rec = logRecord({ ...common, 'event.name': 'user_prompt' }, { body: 'something else' });
    expect(normalizeLogs(logsRequest(CLAUDE_RESOURCE, [rec]))[0]?.event_name).toBe('claude_code.user_prompt');
  });
});

describe('Claude Code spans', () => {
  it('tool span → tool_call; blocked_on_user → tool_decision with the parent tool call id; rest other', () => {
    const tool = span('claude_code.tool', {
      ...common,
      tool_name: 'Bash',
      full_command: 'git push --force origin main',
      tool_use_id: 'toolu_3',
      duration_ms: 817,
    });
    const blocked = span(
      'claude_code.tool.blocked_on_user',
      { ...common, decision: 'reject', source: 'user_reject', duration_ms: 817 },
      { parentSpanId: tool.spanId },
    );
    const autoDeny = span(
      'claude_code.tool.blocked_on_user',
      { ...common, decision: 'unknown', source: 'unknown' },
      { parentSpanId: 'ffffffffffffffff' },
    );
    const llm = span('claude_code.llm_request', { ...common, 'gen_ai.system': 'anthropic', model: 'x' });
    const evs = normalizeTraces(tracesRequest(CLAUDE_RESOURCE, [blocked, tool, autoDeny, llm]));
    expect(evs.map((e) => [e.kind, e.call_id, e.command, e.decision, e.decision_source, e.missing])).toEqual([
      ['tool_decision', 'toolu_3', '', 'deny', 'user_reject', []],
      ['tool_call', 'toolu_3', 'git push --force origin main', '', '', []],
      ['tool_decision', '', '', '', 'unknown', ['call_id']],
      ['other', '', '', '', '', []],
    ]);
    expect(evs[0]).toMatchObject({
      tool: 'Bash',
      duration_ms: 817,
      session_id: 'sess-1',
      raw_table: 'otel_traces',
    });
  });
});
