import { SeverityNumber } from '@opentelemetry/api-logs';
import { bench, describe } from 'vitest';
import { captureLogsPayload } from '../../test/helpers/otel-capture.js';
import { decodeLogs } from './index.js';

/**
 * Decode cost of the ingest target's unit of work: one 512-record protobuf logs batch shaped like Codex
 * events (~20 attributes). Run: npx vitest bench --run collector/otlp/decode.bench.ts
 * records/s = 512 * hz of the protobuf case.
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

const pb = await captureLogsPayload(records, 'protobuf');
const json = await captureLogsPayload(records, 'json');

describe('decode a 512-record logs batch', () => {
  bench('protobuf', () => {
    decodeLogs(pb.body, 'protobuf');
  });
  bench('json', () => {
    decodeLogs(json.body, 'json');
  });
});
