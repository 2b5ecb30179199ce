import { ROOT_CONTEXT, SpanKind, trace } from '@opentelemetry/api';
import { SeverityNumber } from '@opentelemetry/api-logs';
import { bench, describe } from 'vitest';
import { decodeLogs, decodeMetrics, decodeTraces } from '../collector/index.js';
import { captureLogsPayload, captureMetricsPayload, captureTracesPayload } from './helpers/otel-capture.js';

/**
 * Decode cost of the ingest target's unit of work: one 512-record protobuf logs batch shaped like Codex
 * events (~20 attributes), and exporter-made traces (512 spans) and metrics batches in both encodings.
 * Run: npx vitest bench --run test/otlp-decode.bench.ts
 * records/s = 512 * hz of the protobuf logs case.
 */
const records = Array.from({ length: 512 }, (_, i) => ({
  timestamp: [1795731649, i * 1000] as [number, number],
  severityNumber: SeverityNumber.INFO,
  severityText: 'INFO',
  eventName: 'event otel/src/tool_result.rs:54',
  attributes: {
    'event.name': 'codex.tool_result',
    'event.timestamp': '2026-11-26T22:20:43.488Z',
    'conversation.id': '01a219f2-5baf-7c03-962d-d0f290bd6c51',
    'app.version': '0.171.0',
    originator: 'codex_exec',
    'terminal.type': 'xterm',
    model: 'gpt-5-codex',
    slug: 'gpt-5-codex',
    tool_result_seq: i,
    tool_name: 'exec_command',
    tool_namespace: 'functions',
    call_id: `call_${i.toString(36).padStart(16, 'x')}`,
    duration_ms: '55',
    success: 'true',
    output_truncated: false,
    agent_name: '/root',
    arguments: '{"cmd":"ls -la","yield_time_ms":5000}',
    output: 'Process exited with code 0\nOutput:\ntotal 16\ndrwxr-xr-x  2 root root 4096 Nov 26 22:20 .\n',
    mcp_server: '',
    mcp_server_origin: '',
  },
}));

/** 128 tool calls, each a server span with three children (one event each): 512 spans. */
function spans(tracer: import('@opentelemetry/api').Tracer): void {
  for (let t = 0; t < 128; t++) {
    const root = tracer.startSpan('claude_code.interaction', {
      kind: SpanKind.SERVER,
      startTime: [1795731649, t],
      attributes: { 'session.id': `s-${t % 7}`, 'user.prompt_length': 120 + t, model: 'claude-opus' },
    });
    const ctx = trace.setSpan(ROOT_CONTEXT, root);
    for (const name of ['llm_request', 'tool', 'tool.execution']) {
      const child = tracer.startSpan(
        `claude_code.${name}`,
        { startTime: [1795731649, t + 1], attributes: { tool_name: 'Bash', duration_ms: 42, ok: true } },
        ctx,
      );
      child.addEvent('exec', { cmd: 'ls -la', cwd: '/work/project' }, [1795731650, t]);
      child.end([1795731651, t]);
    }
    root.end([1795731652, t]);
  }
}

/** Sums and histograms over 64 attribute sets each. */
function metrics(meter: import('@opentelemetry/api').Meter): void {
  const calls = meter.createCounter('codex.tool.call');
  const duration = meter.createHistogram('codex.tool.call.duration_ms');
  const tokens = meter.createUpDownCounter('claude_code.token.usage');
  for (let i = 0; i < 64; i++) {
    const attrs = { tool: `tool-${i}`, success: i % 3 ? 'true' : 'false', 'session.id': `s-${i % 5}` };
    calls.add(i + 1, attrs);
    for (const v of [3, 30, 300]) duration.record(v + i, attrs);
    tokens.add(1000 - i, attrs);
  }
}

const logs = {
  protobuf: await captureLogsPayload(records, 'protobuf'),
  json: await captureLogsPayload(records, 'json'),
};
const traces = {
  protobuf: await captureTracesPayload(spans, 'protobuf'),
  json: await captureTracesPayload(spans, 'json'),
};
const metric = {
  protobuf: await captureMetricsPayload(metrics, 'protobuf'),
  json: await captureMetricsPayload(metrics, 'json'),
};

describe('decode a 512-record logs batch', () => {
  bench('protobuf', () => {
    decodeLogs(logs.protobuf.body, 'protobuf');
  });
  bench('json', () => {
    decodeLogs(logs.json.body, 'json');
  });
});

describe('decode a 512-span traces batch', () => {
  bench('protobuf', () => {
    decodeTraces(traces.protobuf.body, 'protobuf');
  });
  bench('json', () => {
    decodeTraces(traces.json.body, 'json');
  });
});

describe('decode a metrics batch (192 points)', () => {
  bench('protobuf', () => {
    decodeMetrics(metric.protobuf.body, 'protobuf');
  });
  bench('json', () => {
    decodeMetrics(metric.json.body, 'json');
  });
});

describe('mixed traffic: all six bodies in turn (a server receiving every agent)', () => {
  bench('all', () => {
    decodeLogs(logs.protobuf.body, 'protobuf');
    decodeLogs(logs.json.body, 'json');
    decodeTraces(traces.protobuf.body, 'protobuf');
    decodeTraces(traces.json.body, 'json');
    decodeMetrics(metric.protobuf.body, 'protobuf');
    decodeMetrics(metric.json.body, 'json');
  });
});
