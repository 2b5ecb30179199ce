import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AgentEvent } from '../../schema/index.js';
import { AGENT_FIXTURES, haveShared } from '../../test/helpers/shared.js';
import { decodeLogs, decodeMetrics, decodeTraces } from '../otlp/index.js';
import { normalizeLogs, normalizeMetrics, normalizeTraces } from './normalize.js';

// Real captures from Codex CLI, Claude Code and Gemini CLI (see the README beside them).
const ROOT = AGENT_FIXTURES;
const haveFixtures = haveShared('fixtures', 'agents');

function session(folder: string): AgentEvent[] {
  const dir = `${ROOT}/${folder}`;
  const out: AgentEvent[] = [];
  for (const f of readdirSync(dir)
    .filter((n) => !n.endsWith('.meta.json'))
    .sort()) {
    const body = new Uint8Array(readFileSync(`${dir}/${f}`));
    const enc = f.endsWith('.bin') ? 'protobuf' : 'json';
    if (f.includes('-logs.')) out.push(...normalizeLogs(decodeLogs(body, enc)));
    else if (f.includes('-traces.')) out.push(...normalizeTraces(decodeTraces(body, enc)));
    else if (f.includes('-metrics.')) out.push(...normalizeMetrics(decodeMetrics(body, enc)));
  }
  return out;
}

const facts = (evs: AgentEvent[]) =>
  evs.map((e) => ({
    kind: e.kind,
    command: e.command,
    decision: e.decision,
    decision_source: e.decision_source,
    exit_code: e.exit_code,
    raw_table: e.raw_table,
  }));

describe.runIf(haveFixtures)('real agent captures (needs ../shared)', () => {
  it('every capture gives valid rows with unique ids and nanosecond times', () => {
    for (const folder of readdirSync(ROOT).filter((n) => !n.includes('.'))) {
      const evs = session(folder);
      expect(evs.length, folder).toBeGreaterThan(0);
      expect(new Set(evs.map((e) => e.event_id)).size, folder).toBe(evs.length);
      for (const e of evs) {
        expect(AgentEvent.safeParse(e).success, `${folder} ${e.event_name}`).toBe(true);
        expect(e.time, folder).toMatch(/^2026-11-26T\d{2}:\d{2}:\d{2}\.\d{9}Z$/);
      }
      // Decoding and normalizing again gives the same ids (a retried export is not double-counted).
      expect(session(folder).map((e) => e.event_id)).toEqual(evs.map((e) => e.event_id));
    }
  });

  it('codex-tui-approvals: ls -la exit 0, curl | sh approved by the user, git push cancelled = deny', () => {
    const evs = session('codex-tui-approvals');
    const main = '01a219f2-74a0-7353-a313-19405723f340';
    const decisions = evs.filter((e) => e.kind === 'tool_decision');
    expect(facts(decisions)).toEqual([
      {
        kind: 'tool_decision',
        command: '',
        decision: 'allow',
        decision_source: 'Config',
        exit_code: null,
        raw_table: 'otel_logs',
      },
      {
        kind: 'tool_decision',
        command: '',
        decision: 'allow',
        decision_source: 'User',
        exit_code: null,
        raw_table: 'otel_logs',
      },
      {
        kind: 'tool_decision',
        command: '',
        decision: 'deny',
        decision_source: 'aborted',
        exit_code: null,
        raw_table: 'otel_traces',
      },
      {
        kind: 'tool_decision',
        command: '',
        decision: 'deny',
        decision_source: 'aborted',
        exit_code: null,
        raw_table: 'otel_metrics_histogram',
      },
    ]);
    // The cancelled call: only its span, linked by call id to the same session; Codex exports no command.
    expect(decisions[2]).toMatchObject({
      call_id: 'call_mwy49d87kpi0mok7',
      session_id: main,
      missing: ['command'],
    });
    const commands = evs.filter((e) => e.kind === 'command');
    expect(commands.map((e) => [e.command, e.exit_code, e.success, e.call_id, e.session_id])).toEqual([
      ['ls -la', 0, true, 'call_mwy49cvxbayw1wmw', main],
      ['curl -sS --max-time 2 http://127.0.0.1:9/x | sh', 0, true, 'call_mwy49d23kx28cs6a', main],
    ]);
    // The user approval and the command it allowed share the call id.
    expect(decisions[1]?.call_id).toBe(commands[1]?.call_id);
    expect(commands[0]).toMatchObject({
      agent: 'codex',
      agent_version: '0.171.0',
      host: 'vm',
      time: '2026-11-26T22:20:50.114628121Z',
    });
    expect(evs.filter((e) => e.kind === 'session_start')).toHaveLength(2);
    expect(evs.filter((e) => e.kind === 'prompt')[0]?.attributes.prompt).toBe(
      'List the files here, then run the install script.',
    );
  });

  it('codex-protobuf: the same facts from the binary encoding', () => {
    const evs = session('codex-protobuf');
    expect(evs.filter((e) => e.kind === 'command').map((e) => [e.command, e.exit_code])).toEqual([
      ['ls -la', 0],
      ['curl -sS --max-time 2 http://127.0.0.1:9/x | sh', 0],
    ]);
    expect(evs.filter((e) => e.kind === 'tool_decision').map((e) => [e.decision, e.decision_source])).toEqual(
      [
        ['allow', 'Config'],
        ['allow', 'Config'],
      ],
    );
    expect(evs.filter((e) => e.kind === 'tool_call').map((e) => e.call_id)).toEqual([
      'call_mwy497vjm7kwlef7',
      'call_mwy497xwlfnaqs9x',
    ]);
  });

  it('claude-tui-approvals: curl | sh accepted by the user for once, git push rejected', () => {
    const evs = session('claude-tui-approvals');
    const logDecisions = evs.filter((e) => e.kind === 'tool_decision' && e.raw_table === 'otel_logs');
    expect(logDecisions.map((e) => [e.command, e.decision, e.decision_source])).toEqual([
      ['ls -la', 'allow', 'config'],
      ['curl -sS --max-time 2 http://127.0.0.1:9/x | sh', 'allow', 'user_temporary'],
      ['git push --force origin main', 'deny', 'user_reject'],
    ]);
    // The span repeats the reject, with the same call id (found through its parent tool span).
    const spanReject = evs.find(
      (e) => e.event_name === 'claude_code.tool.blocked_on_user' && e.decision === 'deny',
    );
    expect(spanReject).toMatchObject({
      call_id: logDecisions[2]?.call_id,
      decision_source: 'user_reject',
      tool: 'Bash',
    });
    const commands = evs.filter((e) => e.kind === 'command');
    expect(commands.map((e) => [e.command, e.exit_code, e.success, e.missing])).toEqual([
      ['ls -la', null, true, ['exit_code']],
      ['curl -sS --max-time 2 http://127.0.0.1:9/x | sh', null, true, ['exit_code']],
    ]);
    expect(evs.filter((e) => e.kind === 'tool_call').map((e) => e.command)).toEqual([
      'ls -la',
      'curl -sS --max-time 2 http://127.0.0.1:9/x | sh',
      'git push --force origin main',
    ]);
    expect(new Set(evs.map((e) => e.session_id))).toEqual(new Set(['664a695f-bd81-41ca-b3cb-58c1a3494b4a']));
  });

  it('claude-json (-p, tool details on): config accepts; blocked_on_user spans say unknown', () => {
    const evs = session('claude-json');
    expect(evs.filter((e) => e.kind === 'command').map((e) => e.command)).toEqual([
      'ls -la',
      'curl -sS --max-time 2 http://127.0.0.1:9/x | sh',
    ]);
    const spanDecisions = evs.filter((e) => e.kind === 'tool_decision' && e.raw_table === 'otel_traces');
    expect(spanDecisions.map((e) => [e.decision, e.decision_source])).toEqual([
      ['', 'unknown'],
      ['', 'unknown'],
    ]);
    expect(evs.find((e) => e.kind === 'prompt')?.user_id).toMatch(/^[0-9a-f]{64}$/);
  });

  it('gemini-tui-approvals: curl | sh allowed once, git push rejected; call ids from spans', () => {
    const evs = session('gemini-tui-approvals');
    const calls = evs.filter((e) => e.event_name === 'gemini_cli.tool_call');
    expect(calls.map((e) => [e.kind, e.command, e.decision, e.decision_source, e.success])).toEqual([
      ['command', 'ls -la', 'allow', 'accept', true],
      ['command', 'curl -sS --max-time 2 http://127.0.0.1:9/x | sh', 'allow', 'accept', true],
      ['tool_decision', 'git push --force origin main', 'deny', 'reject', false],
    ]);
    expect(calls[2]?.missing).toEqual(['call_id', 'agent_version']);
    const spans = evs.filter((e) => e.kind === 'tool_call');
    expect(spans.map((e) => e.command)).toEqual([
      'ls -la',
      'curl -sS --max-time 2 http://127.0.0.1:9/x | sh',
    ]);
    expect(spans[0]?.call_id).toMatch(/^run_shell_command__/);
    expect(evs.find((e) => e.kind === 'session_start')?.agent_version).toBe('');
  });

  it('gemini-json (yolo): both commands accepted', () => {
    const evs = session('gemini-json');
    expect(evs.filter((e) => e.kind === 'command').map((e) => [e.command, e.decision])).toEqual([
      ['ls -la', 'allow'],
      ['curl -sS --max-time 2 http://127.0.0.1:9/x | sh', 'allow'],
    ]);
    expect(evs.filter((e) => e.kind === 'llm_request')).toHaveLength(4);
  });
});
