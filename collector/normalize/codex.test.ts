import { describe, expect, it } from 'vitest';
import { codexExitCode } from './codex.js';
import { normalizeLogs, normalizeMetrics, normalizeTraces } from './normalize.js';
import {
  CODEX_RESOURCE,
  logRecord,
  logsRequest,
  metricsRequest,
  span,
  tracesRequest,
} from './test-support.js';

const session = { 'conversation.id': '01a219f2-74a0-7353-a313-19405723f340', 'app.version': '0.171.0' };
// Codex logs: timeUnixNano 0, time in observedTimeUnixNano, eventName a source location.
const codexLog = (attrs: Record<string, string | boolean>) =>
  logRecord({ ...attrs, ...session }, { timeUnixNano: '0', eventName: 'event otel/src/tool_result.rs:54' });

describe('Codex logs', () => {
  it('tool_result with an exec command: command text, exit code from output, string numbers', () => {
    const [e] = normalizeLogs(
      logsRequest(CODEX_RESOURCE, [
        codexLog({
          'event.name': 'codex.tool_result',
          tool_name: 'exec_command',
          call_id: 'call_1',
          duration_ms: '178',
          success: 'true',
          arguments: '{"cmd":"ls -la","yield_time_ms":5000}',
          output: 'Chunk ID: 01d8e3\nProcess exited with code 0\nOutput:\ntotal 16\n',
          'event.timestamp': '2026-11-26T22:20:50.114Z',
        }),
      ]),
    );
    expect(e).toMatchObject({
      agent: 'codex',
      agent_version: '0.171.0',
      host: 'vm',
      session_id: session['conversation.id'],
      kind: 'command',
      event_name: 'codex.tool_result',
      tool: 'exec_command',
      call_id: 'call_1',
      command: 'ls -la',
      exit_code: 0,
      duration_ms: 178,
      success: true,
      missing: [],
      raw_table: 'otel_logs',
      // timeUnixNano 0: the raw row and the event use the observed time.
      time: '2026-11-26T22:20:49.706526999Z',
      raw_time: '2026-11-26T22:20:49.706526999Z',
    });
    expect(e?.attributes.output).toContain('Process exited with code 0');
    expect(e?.attributes).not.toHaveProperty('conversation.id');
    expect(e?.attributes).not.toHaveProperty('event.name');
  });

  it('falls back to event.timestamp when both record times are 0', () => {
    const rec = codexLog({
      'event.name': 'codex.user_prompt',
      prompt: 'hi',
      'event.timestamp': '2026-11-26T22:20:50.114Z',
    });
    rec.observedTimeUnixNano = '0';
    const [e] = normalizeLogs(logsRequest(CODEX_RESOURCE, [rec]));
    expect(e?.time).toBe('2026-11-26T22:20:50.114000000Z');
    expect(e?.raw_time).toBe('1970-01-01T00:00:00.000000000Z');
  });

  it('a non-zero exit code, a shell argv array, and a missing exit code', () => {
    const [a, b] = normalizeLogs(
      logsRequest(CODEX_RESOURCE, [
        codexLog({
          'event.name': 'codex.tool_result',
          tool_name: 'shell',
          arguments: '{"command":["bash","-lc","false"]}',
          output: 'Process exited with code 1',
        }),
        codexLog({
          'event.name': 'codex.tool_result',
          tool_name: 'shell',
          arguments: '{"command":["git","commit","-m","a b"]}',
          output: 'aborted',
        }),
      ]),
    );
    expect(a).toMatchObject({ kind: 'command', command: 'false', exit_code: 1, missing: [] });
    expect(b).toMatchObject({ command: "git commit -m 'a b'", exit_code: null, missing: ['exit_code'] });
    expect(codexExitCode('Process exited with code -9')).toBe(-9);
  });

  it('apply_patch is a file_write on the patched paths; other tools are tool_result', () => {
    const [p, o] = normalizeLogs(
      logsRequest(CODEX_RESOURCE, [
        codexLog({
          'event.name': 'codex.tool_result',
          tool_name: 'apply_patch',
          arguments: JSON.stringify({
            input: '*** Begin Patch\n*** Update File: src/a.ts\n*** Add File: b.md\n*** End Patch',
          }),
        }),
        codexLog({ 'event.name': 'codex.tool_result', tool_name: 'web_search', arguments: '{"q":"x"}' }),
      ]),
    );
    expect(p).toMatchObject({ kind: 'file_write', target: 'src/a.ts, b.md' });
    expect(o).toMatchObject({ kind: 'tool_result', tool: 'web_search', missing: [] });
  });

  it('tool_decision: approved by config / user, denied and abort', () => {
    const decisions = normalizeLogs(
      logsRequest(CODEX_RESOURCE, [
        codexLog({
          'event.name': 'codex.tool_decision',
          tool_name: 'exec_command',
          call_id: 'c1',
          decision: 'approved',
          source: 'Config',
        }),
        codexLog({
          'event.name': 'codex.tool_decision',
          tool_name: 'exec_command',
          call_id: 'c2',
          decision: 'approved_for_session',
          source: 'User',
        }),
        codexLog({
          'event.name': 'codex.tool_decision',
          tool_name: 'exec_command',
          call_id: 'c3',
          decision: 'denied',
          source: 'User',
        }),
        codexLog({
          'event.name': 'codex.tool_decision',
          tool_name: 'exec_command',
          call_id: 'c4',
          decision: 'abort',
        }),
      ]),
    );
    expect(decisions.map((d) => [d.kind, d.call_id, d.decision, d.decision_source])).toEqual([
      ['tool_decision', 'c1', 'allow', 'Config'],
      ['tool_decision', 'c2', 'allow', 'User'],
      ['tool_decision', 'c3', 'deny', 'User'],
      ['tool_decision', 'c4', 'deny', 'abort'],
    ]);
    expect(decisions[0]?.attributes.decision).toBe('approved');
  });

  it('session start, prompt (redacted), api request and error, response completion, unknown events as other', () => {
    const evs = normalizeLogs(
      logsRequest(CODEX_RESOURCE, [
        codexLog({ 'event.name': 'codex.conversation_starts', approval_policy: 'on-request' }),
        codexLog({ 'event.name': 'codex.user_prompt', prompt: 'use password=hunter22 please' }),
        codexLog({
          'event.name': 'codex.api_request',
          duration_ms: '18',
          'http.response.status_code': '200',
        }),
        codexLog({
          'event.name': 'codex.api_request',
          duration_ms: '5',
          'http.response.status_code': '429',
          error: 'rate limited',
        }),
        // A model response's stream: only its completion (with token counts) is an action.
        codexLog({ 'event.name': 'codex.sse_event', 'event.kind': 'response.created' }),
        codexLog({ 'event.name': 'codex.sse_event', 'event.kind': 'response.output_text.delta' }),
        codexLog({
          'event.name': 'codex.sse_event',
          'event.kind': 'response.completed',
          input_token_count: '1200',
          output_token_count: '88',
        }),
        codexLog({ 'event.name': 'codex.sse_event', 'event.kind': 'response.failed' }),
        codexLog({ 'event.name': 'codex.some_future_event', detail: 'x' }),
      ]),
    );
    expect(evs.map((e) => e.kind)).toEqual([
      'session_start',
      'prompt',
      'llm_request',
      'llm_error',
      'llm_request',
      'llm_error',
      'other',
    ]);
    expect(evs[1]?.attributes.prompt).toBe('use password=[REDACTED:secret-assignment] please');
    expect(evs[2]).toMatchObject({ duration_ms: 18, success: true });
    expect(evs[3]).toMatchObject({ success: false });
    expect(evs[4]?.attributes).toMatchObject({
      'event.kind': 'response.completed',
      input_token_count: '1200',
    });
    expect(evs[6]?.attributes.detail).toBe('x');
  });

  it('plain diagnostic logs without an event name give no event', () => {
    const rec = logRecord(
      {},
      { body: 'flushing OTEL metrics', eventName: 'event otel/src/metrics/client.rs:330' },
    );
    expect(normalizeLogs(logsRequest(CODEX_RESOURCE, [rec]))).toEqual([]);
  });
});

describe('Codex spans', () => {
  const dispatch = {
    tool_name: 'exec_command',
    call_id: 'call_9',
    'codex.tool.phase': 'dispatch',
    'conversation.id': 's1',
  };

  it('an aborted dispatch span is a deny without command; a normal one a tool_call; internals nothing', () => {
    const evs = normalizeTraces(
      tracesRequest({ 'service.name': 'codex_cli_rs' }, [
        span('exec_command', { ...dispatch, aborted: true }),
        span('exec_command', { ...dispatch, call_id: 'call_8', aborted: false }),
        span('fs.get_metadata', { 'code.file.path': 'x.rs' }),
        span('handle_responses', { 'gen_ai.usage.input_tokens': '1200' }),
      ]),
    );
    expect(evs).toHaveLength(2);
    expect(evs[0]).toMatchObject({
      kind: 'tool_decision',
      decision: 'deny',
      decision_source: 'aborted',
      call_id: 'call_9',
      session_id: 's1',
      missing: ['command'],
      raw_table: 'otel_traces',
      duration_ms: 250,
    });
    expect(evs[1]).toMatchObject({ kind: 'tool_call', call_id: 'call_8', decision: '' });
  });
});

describe('Codex metrics', () => {
  it('outcome=aborted on the guardian metric is a deny; other metrics give nothing', () => {
    const point = (attributes: Record<string, string>) => ({
      attributes,
      startTimeUnixNano: '1795731650000000000',
      timeUnixNano: '1795731653573127233',
      count: 1,
      sum: 5,
      bucketCounts: [1],
      explicitBounds: [],
      exemplars: [],
      flags: 0,
      min: 5,
      max: 5,
    });
    const evs = normalizeMetrics(
      metricsRequest(CODEX_RESOURCE, [
        {
          name: 'codex.guardian.turn.blocking_ms',
          description: '',
          unit: 'ms',
          data: {
            type: 'histogram',
            aggregationTemporality: 1,
            points: [point({ outcome: 'aborted' }), point({ outcome: 'completed' })],
          },
        },
        {
          name: 'codex.tool.call',
          description: '',
          unit: '',
          data: {
            type: 'sum',
            aggregationTemporality: 1,
            isMonotonic: true,
            points: [
              {
                attributes: { outcome: 'aborted' },
                startTimeUnixNano: '1',
                timeUnixNano: '2',
                value: 1,
                exemplars: [],
                flags: 0,
              },
            ],
          },
        },
      ]),
    );
    expect(evs).toHaveLength(1);
    expect(evs[0]).toMatchObject({
      kind: 'tool_decision',
      decision: 'deny',
      decision_source: 'aborted',
      raw_table: 'otel_metrics_histogram',
      raw_time: '2026-11-26T22:20:53.573127233Z',
      missing: ['session_id', 'call_id', 'command'],
    });
    expect(evs[0]?.attributes['metric.occurrences']).toBe('1');
  });

  it('metrics of other agents give nothing', () => {
    const req = metricsRequest({ 'service.name': 'claude-code' }, [
      { name: 'claude_code.token.usage', description: '', unit: '', data: { type: 'empty' } },
    ]);
    expect(normalizeMetrics(req)).toEqual([]);
  });
});
