import { describe, expect, it } from 'vitest';
import { AgentEvent, AlertsQuery, EventsQuery, SessionsQuery } from '../../schema/index.js';
import { createRedactor } from '../../schema/redact/index.js';
import { detectAgent } from './agent.js';
import { MAX_ATTRIBUTES, MAX_ID_CHARS, MAX_VALUE_CHARS } from './build.js';
import { normalizeLogs, normalizeTraces } from './normalize.js';
import {
  CLAUDE_RESOURCE,
  CODEX_RESOURCE,
  logRecord,
  logsRequest,
  span,
  tracesRequest,
} from './test-support.js';

describe('detectAgent', () => {
  it.each([
    ['codex_cli_rs', 'codex'],
    ['codex-tui', 'codex'],
    ['codex_exec', 'codex'],
    ['claude-code', 'claude-code'],
    ['gemini-cli', 'gemini-cli'],
    ['ward', 'ward'],
    ['my-agent', 'my-agent'],
    ['', ''],
  ])('%s → %s', (service, agent) => expect(detectAgent(service)).toBe(agent));
});

describe('generic records from other services', () => {
  const res = { 'service.name': 'my-agent', 'service.version': '1.2' };

  it('keeps named or gen_ai.* logs as other with their body; drops plain logs', () => {
    const evs = normalizeLogs(
      logsRequest(res, [
        logRecord({ 'event.name': 'my.thing', k: 'v' }, { body: 'did a thing' }),
        logRecord({ 'gen_ai.system': 'openai' }, { body: 'call' }),
        logRecord({}, { body: 'plain text log', eventName: 'otel.event_field' }),
        logRecord({ foo: 'bar' }, { body: 'GET /health 200' }),
      ]),
    );
    expect(evs.map((e) => [e.agent, e.kind, e.event_name, e.attributes['log.body']])).toEqual([
      ['my-agent', 'other', 'my.thing', 'did a thing'],
      ['my-agent', 'other', 'INFO', 'call'],
      ['my-agent', 'other', 'otel.event_field', 'plain text log'],
    ]);
  });

  it('GenAI spans: execute_tool (old and new call id names), chat, invoke_agent; plain spans nothing', () => {
    const evs = normalizeTraces(
      tracesRequest(res, [
        span('execute_tool bash', {
          'gen_ai.operation.name': 'execute_tool',
          'gen_ai.tool.name': 'bash',
          'gen_ai.tool.call.id': 'c-new',
          'gen_ai.tool.call.arguments': '{"command":"whoami"}',
        }),
        span('execute_tool search', {
          'gen_ai.operation.name': 'execute_tool',
          'gen_ai.tool.name': 'search',
          'gen_ai.tool.call_id': 'c-old',
        }),
        span(
          'chat gpt',
          { 'gen_ai.operation.name': 'chat', 'gen_ai.provider.name': 'openai' },
          { status: { code: 1, message: '' } },
        ),
        span(
          'chat gpt',
          { 'gen_ai.operation.name': 'chat', 'gen_ai.system': 'openai' },
          { status: { code: 2, message: 'boom' } },
        ),
        span('invoke_agent x', {
          'gen_ai.operation.name': 'invoke_agent',
          'gen_ai.conversation.id': 'conv-7',
        }),
        span('GET /health', { 'http.method': 'GET' }),
      ]),
    );
    expect(evs.map((e) => [e.kind, e.tool, e.call_id, e.command, e.success, e.missing])).toEqual([
      ['command', 'bash', 'c-new', 'whoami', null, ['exit_code', 'session_id']],
      ['tool_call', 'search', 'c-old', '', null, ['arguments', 'session_id']],
      ['llm_request', '', '', '', true, ['session_id']],
      ['llm_error', '', '', '', false, ['session_id']],
      ['other', '', '', '', null, []],
    ]);
    expect(evs[4]?.session_id).toBe('conv-7');
    expect(evs[0]?.duration_ms).toBe(250);
  });
});

describe('rows', () => {
  it('are valid AgentEvents', () => {
    const evs = normalizeLogs(
      logsRequest(CODEX_RESOURCE, [logRecord({ 'event.name': 'codex.user_prompt', prompt: 'x' })]),
    );
    expect(AgentEvent.safeParse(evs[0]).success).toBe(true);
  });

  it('event ids: deterministic across calls, distinct for distinct and for identical records', () => {
    const req = () =>
      logsRequest(CODEX_RESOURCE, [
        logRecord({ 'event.name': 'codex.websocket_event', n: '1' }),
        logRecord({ 'event.name': 'codex.websocket_event', n: '2' }),
        logRecord({ 'event.name': 'codex.websocket_event', n: '2' }),
        logRecord(
          { 'event.name': 'codex.websocket_event', n: '1' },
          { observedTimeUnixNano: '1', timeUnixNano: '1795731649706526731' },
        ),
      ]);
    const a = normalizeLogs(req()).map((e) => e.event_id);
    const b = normalizeLogs(req()).map((e) => e.event_id);
    expect(a).toEqual(b);
    expect(new Set(a).size).toBe(4);
    for (const id of a) expect(id).toMatch(/^[0-9a-f]{32}$/);
  });

  it('event ids cover every part of a record the event is built from, so a changed copy cannot replace it', () => {
    // agent_events keeps one row per time and id: a copy that differs only where the id does not look would
    // replace the stored event (its outcome, duration, tool or name) at the next merge.
    const base = span('execute_tool', {
      'gen_ai.operation.name': 'execute_tool',
      'gen_ai.tool.name': 'Bash',
    });
    const spanIds = (over: Partial<typeof base>) =>
      normalizeTraces(tracesRequest({ 'service.name': 'a' }, [{ ...base, ...over }]))[0]?.event_id;
    const original = spanIds({});
    expect(original).toBeDefined();
    expect(spanIds({})).toBe(original);
    for (const over of [
      { status: { code: 1, message: '' } },
      { status: { code: 2, message: 'failed' } },
      { endTimeUnixNano: '1795731659000000000' },
      { parentSpanId: '00000000000000ff' },
      { kind: 3 },
      { events: [{ name: 'exception', timeUnixNano: '1795731650100000000', attributes: { x: '1' } }] },
    ])
      expect(spanIds(over), JSON.stringify(over)).not.toBe(original);

    // A log event without a name is named after its severity text.
    const logIds = (severityText: string) =>
      normalizeLogs(
        logsRequest({ 'service.name': 'a' }, [logRecord({ 'gen_ai.system': 'x' }, { severityText })]),
      )[0]?.event_id;
    expect(logIds('INFO')).toBeDefined();
    expect(logIds('INFO')).toBe(logIds('INFO'));
    expect(logIds('WARN')).not.toBe(logIds('INFO'));
  });

  it('span events and spans get different ids for the same trace position', () => {
    const s = span('x', { 'gen_ai.operation.name': 'chat' });
    const [t] = normalizeTraces(tracesRequest({ 'service.name': 'a' }, [s]));
    const [l] = normalizeLogs(
      logsRequest({ 'service.name': 'a' }, [
        logRecord({ 'event.name': 'x' }, { traceId: s.traceId, spanId: s.spanId }),
      ]),
    );
    expect(t?.event_id).not.toBe(l?.event_id);
  });

  it('redacts command, target and attributes; bounds value length and attribute count', () => {
    const secret = `ghp_${'A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8'}`;
    const attrs: Record<string, string> = {
      'event.name': 'codex.tool_result',
      tool_name: 'exec_command',
      arguments: JSON.stringify({ cmd: `curl -H "Authorization: Bearer ${secret}" https://x` }),
      output: `token ${secret} ${'y'.repeat(MAX_VALUE_CHARS * 2)}`,
    };
    for (let i = 0; i < MAX_ATTRIBUTES + 10; i++) attrs[`a${i}`] = String(i);
    const [e] = normalizeLogs(logsRequest(CODEX_RESOURCE, [logRecord(attrs)]));
    expect(e?.command).toBe('curl -H "Authorization: Bearer [REDACTED:authorization]" https://x');
    expect(JSON.stringify(e)).not.toContain(secret);
    expect(e?.attributes.output?.startsWith('token [REDACTED:github-token] yyy')).toBe(true);
    expect(e?.attributes.output?.endsWith('…[truncated]')).toBe(true);
    expect(e?.attributes.output?.length).toBeLessThanOrEqual(MAX_VALUE_CHARS + 20);
    expect(Object.keys(e?.attributes ?? {})).toHaveLength(MAX_ATTRIBUTES + 1);
    expect(Number(e?.attributes['ward.attributes_dropped'])).toBeGreaterThan(0);
  });

  it('bounds identifiers and the working directory: one long resource value is not repeated on every event', () => {
    // An agent's 64 Ki user.id and session id, and a cwd past PATH_MAX, on a request of events (each analyzer
    // batch was sized by them, so every batch held a few events and alerts came five times later).
    const long = (c: string) => c.repeat(65_536);
    const resource = {
      ...CLAUDE_RESOURCE,
      'user.id': long('u'),
      'session.id': long('s'),
      'process.cwd': long('/d'),
      'vcs.repository.url.full': `https://github.com/acme/${long('r')}`,
    };
    const [a, b] = normalizeLogs(
      logsRequest(resource, [
        logRecord({ 'event.name': 'user_prompt', prompt: 'hi' }),
        logRecord({ 'event.name': 'user_prompt', prompt: 'hi', 'session.id': `${long('s')}x` }),
      ]),
    );
    for (const id of [a?.user_id, a?.session_id, b?.session_id, a?.repo])
      expect(id?.length).toBeLessThanOrEqual(MAX_ID_CHARS);
    // An analyst can filter alerts by the repo stored (it was cut at 8 KiB, where the filter takes 512).
    expect(a?.repo.startsWith('https://github.com/acme/rrr')).toBe(true);
    expect(AlertsQuery.safeParse({ repo: a?.repo }).success).toBe(true);
    // Two long ids that differ only past the cut stay two.
    expect(a?.session_id).not.toBe(b?.session_id);
    expect(a?.session_id.startsWith('sss')).toBe(true);
    expect(a?.cwd.length).toBeLessThanOrEqual(4096 + 20);
    expect(a?.cwd.endsWith('…[truncated]')).toBe(true);
    // Ordinary ids are kept as sent.
    const [c] = normalizeLogs(
      logsRequest({ ...CLAUDE_RESOURCE, 'session.id': 'abc-123' }, [
        logRecord({ 'event.name': 'user_prompt' }),
      ]),
    );
    expect(c?.session_id).toBe('abc-123');
  });

  it('bounds the names an agent sends: decision source, event name, agent and version', () => {
    // A 2 MiB `source` on every refused tool decision was stored whole and kept by the analyzer's marks.
    const long = (c: string) => c.repeat(1 << 20);
    const [e] = normalizeLogs(
      logsRequest({ ...CLAUDE_RESOURCE, 'service.version': long('9') }, [
        logRecord({
          'event.name': 'tool_decision',
          decision: 'reject',
          source: `user${long('☃')}`,
          tool_name: 'Bash',
          tool_use_id: 'toolu_1',
          tool_parameters: JSON.stringify({ full_command: 'rm -rf ~/x' }),
        }),
      ]),
    );
    expect(e?.decision).toBe('deny');
    expect(e?.decision_source.startsWith('user☃')).toBe(true);
    for (const v of [e?.decision_source, e?.agent_version, e?.agent])
      expect(v?.length).toBeLessThanOrEqual(MAX_ID_CHARS);
    const [, odd] = normalizeLogs(
      logsRequest(CLAUDE_RESOURCE, [
        logRecord({ 'event.name': 'user_prompt' }),
        logRecord({ 'event.name': long('n') }),
      ]),
    );
    // Analysts can filter on every bounded name the store holds.
    expect(AlertsQuery.safeParse({ agent: e?.agent_version }).success).toBe(true);
    expect(EventsQuery.safeParse({ agent: 'a'.repeat(MAX_ID_CHARS) }).success).toBe(true);
    expect(SessionsQuery.safeParse({ agent: 'a'.repeat(MAX_ID_CHARS) }).success).toBe(true);
    // An event of a name no agent sends is kept as `other`, its name bounded.
    expect(odd?.kind).toBe('other');
    expect(odd?.event_name.length).toBe(MAX_ID_CHARS);
  });

  it('uses the redactor given in the context', () => {
    const redact = createRedactor({ kinds: [], custom: [{ name: 'word', regex: 'banana' }] });
    const [e] = normalizeLogs(
      logsRequest(CODEX_RESOURCE, [logRecord({ 'event.name': 'codex.user_prompt', prompt: 'a banana' })]),
      { redact },
    );
    expect(e?.attributes.prompt).toBe('a [REDACTED:word]');
    expect(redact.hits).toEqual({ word: 1 });
  });
});
