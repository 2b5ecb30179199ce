import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { OtlpLogRecord, OtlpLogsRequest, OtlpSpan, OtlpTracesRequest } from '../../schema/otlp.js';
import { AGENT_FIXTURES, haveShared } from '../../test/helpers/shared.js';
import { decodeLogs, decodeMetrics, decodeTraces, readOtlpBody } from './index.js';

/** Real request bodies captured from Codex CLI, Claude Code and Gemini CLI (see the fixtures README). */
const ROOT = AGENT_FIXTURES;

interface Capture {
  folder: string;
  file: string;
  signal: 'logs' | 'traces' | 'metrics';
  body: Buffer;
  headers: Record<string, string>;
}

function captures(folder: string): Capture[] {
  return readdirSync(join(ROOT, folder))
    .filter((f) => !f.includes('.meta.'))
    .sort()
    .map((file) => {
      const meta = JSON.parse(
        readFileSync(join(ROOT, folder, file.replace(/\.(bin|json)$/, '.meta.json')), 'utf8'),
      );
      const signal = /-(logs|traces|metrics)\./.exec(file)![1] as Capture['signal'];
      return { folder, file, signal, body: readFileSync(join(ROOT, folder, file)), headers: meta.headers };
    });
}

const logRecords = (r: OtlpLogsRequest): OtlpLogRecord[] =>
  r.resourceLogs.flatMap((rl) => rl.scopeLogs.flatMap((sl) => sl.logRecords));
const spans = (r: OtlpTracesRequest): OtlpSpan[] =>
  r.resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans));

const HAVE = haveShared('fixtures', 'agents');
const FOLDERS = HAVE ? readdirSync(ROOT).filter((f) => !f.endsWith('.md')) : [];

describe.runIf(HAVE)('real agent captures (needs ../shared)', () => {
  it('has every folder the README lists', () => {
    expect(FOLDERS.sort()).toEqual([
      'claude-json',
      'claude-tui-approvals',
      'codex-protobuf',
      'codex-tui-approvals',
      'gemini-json',
      'gemini-tui-approvals',
    ]);
  });

  it.each(FOLDERS.flatMap(captures).map((c) => [`${c.folder}/${c.file}`, c] as const))(
    '%s reads with its real headers and decodes with well-formed ids and times',
    async (_name, c) => {
      const headers = new Headers({ 'content-type': c.headers['content-type']! });
      const req = new Request('http://127.0.0.1/v1/x', {
        method: 'POST',
        headers,
        body: new Uint8Array(c.body),
      });
      const { body, encoding } = await readOtlpBody(req, { maxBytes: 8 << 20 });
      expect(encoding).toBe(c.folder === 'codex-protobuf' ? 'protobuf' : 'json');
      const hexOrEmpty = (n: number) => new RegExp(`^([0-9a-f]{${n}})?$`);
      if (c.signal === 'logs') {
        const recs = logRecords(decodeLogs(body, encoding));
        expect(recs.length).toBeGreaterThan(0);
        for (const r of recs) {
          expect(r.traceId).toMatch(hexOrEmpty(32));
          expect(r.timeUnixNano).toMatch(/^\d+$/);
        }
      } else if (c.signal === 'traces') {
        const all = spans(decodeTraces(body, encoding));
        expect(all.length).toBeGreaterThan(0);
        for (const s of all) {
          expect(s.traceId).toMatch(/^[0-9a-f]{32}$/);
          expect(s.spanId).toMatch(/^[0-9a-f]{16}$/);
          expect(s.parentSpanId).toMatch(hexOrEmpty(16));
          expect(BigInt(s.endTimeUnixNano)).toBeGreaterThanOrEqual(BigInt(s.startTimeUnixNano));
        }
      } else {
        const metrics = decodeMetrics(body, encoding).resourceMetrics.flatMap((r) =>
          r.scopeMetrics.flatMap((s) => s.metrics),
        );
        expect(metrics.length).toBeGreaterThan(0);
        expect(metrics.every((m) => m.data.type !== 'empty')).toBe(true);
      }
    },
  );

  it('Codex protobuf logs: timeUnixNano "0", the time in observedTimeUnixNano, the event in event.name', () => {
    const recs = logRecords(decodeLogs(readFileSync(join(ROOT, 'codex-protobuf/0008-logs.bin')), 'protobuf'));
    expect(recs).toHaveLength(42);
    expect(recs.every((r) => r.timeUnixNano === '0')).toBe(true);
    expect(recs.every((r) => BigInt(r.observedTimeUnixNano) > 1_700_000_000_000_000_000n)).toBe(true);
    const names = recs.map((r) => r.attributes['event.name']);
    expect(names).toContain('codex.conversation_starts');
    expect(names).toContain('codex.tool_decision');
    const result = recs.find((r) => r.attributes['event.name'] === 'codex.tool_result')!;
    expect(result.attributes).toMatchObject({
      tool_name: 'exec_command',
      arguments: '{"cmd":"ls -la","yield_time_ms":5000}',
      success: 'true',
      tool_result_seq: 1,
      'conversation.id': '01a219f2-5baf-7c03-962d-d0f290bd6c51',
    });
    expect(result.attributes.output).toContain('Process exited with code 0');
    expect(result.traceId).toBe('34616b9fab9dcd45350d62134af2eabd');
    expect(result.spanId).toBe('a5e5c26ff532d3f5');
    expect(result.eventName).toBe('event otel/src/tool_result.rs:54');
    expect(result.body).toBeNull();
  });

  it('Codex protobuf traces and metrics: 512 spans with parents, DELTA sums and histograms', () => {
    const all = spans(decodeTraces(readFileSync(join(ROOT, 'codex-protobuf/0005-traces.bin')), 'protobuf'));
    expect(all).toHaveLength(512);
    const first = all[0]!;
    expect(first).toMatchObject({ name: 'fs.read_file', kind: 1, parentSpanId: '1e6b4865f2f0be66' });
    expect(first.attributes['code.line.number']).toBe(155);
    const metrics = decodeMetrics(
      readFileSync(join(ROOT, 'codex-protobuf/0007-metrics.bin')),
      'protobuf',
    ).resourceMetrics[0]!.scopeMetrics.flatMap((s) => s.metrics);
    const sum = metrics.find((m) => m.name === 'codex.tool.call')!.data;
    expect(sum).toMatchObject({ type: 'sum', aggregationTemporality: 1 });
    const hist = metrics.find((m) => m.name === 'codex.tool.call.duration_ms')!.data;
    expect(hist.type).toBe('histogram');
    if (hist.type === 'histogram') {
      const p = hist.points[0]!;
      expect(p.bucketCounts.reduce((a, b) => a + b, 0)).toBe(p.count);
      expect(p.bucketCounts).toHaveLength(p.explicitBounds.length + 1);
    }
  });

  it('Codex JSON logs: intValue strings become numbers, same shapes as protobuf', () => {
    const recs = logRecords(
      decodeLogs(readFileSync(join(ROOT, 'codex-tui-approvals/0015-logs.json')), 'json'),
    );
    expect(recs.every((r) => r.timeUnixNano === '0' && r.observedTimeUnixNano !== '0')).toBe(true);
    const decision = recs.find((r) => r.attributes['event.name'] === 'codex.tool_decision')!;
    expect(decision.attributes).toMatchObject({ tool_name: 'exec_command' });
    expect(typeof decision.attributes.decision).toBe('string');
  });

  it('Claude Code JSON logs: body claude_code.<event>, short event.name, session.id', () => {
    const recs = logRecords(decodeLogs(readFileSync(join(ROOT, 'claude-json/0021-logs.json')), 'json'));
    expect(recs.map((r) => r.body)).toContain('claude_code.tool_decision');
    const decision = recs.find((r) => r.body === 'claude_code.tool_decision')!;
    expect(decision.attributes['event.name']).toBe('tool_decision');
    expect(typeof decision.attributes['session.id']).toBe('string');
    expect(decision.timeUnixNano).toMatch(/^17957316\d{11}$/);
  });

  it('Gemini JSON logs: gemini_cli.tool_call with run_shell_command, array resource attributes', () => {
    const req = decodeLogs(readFileSync(join(ROOT, 'gemini-json/0035-logs.json')), 'json');
    expect(Array.isArray(req.resourceLogs[0]!.resource.attributes['process.command_args'])).toBe(true);
    const calls = logRecords(req).filter((r) => r.attributes['event.name'] === 'gemini_cli.tool_call');
    expect(calls).toHaveLength(2);
    expect(calls[0]!.attributes.function_name).toBe('run_shell_command');
    expect(String(calls[0]!.attributes.function_args)).toContain('ls -la');
  });
});
