import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type WardServer } from '../collector/server.js';
import { captureLogsPayload } from './helpers/otel-capture.js';

let server: WardServer;
const MAX = 4 * 1024 * 1024;

beforeAll(async () => {
  const records = Array.from({ length: 20 }, (_, i) => ({
    body: 'codex.tool_result',
    attributes: { 'event.name': 'codex.tool_result', arguments: JSON.stringify({ cmd: `ls ${i}` }) },
  }));
  officialLogs = (await captureLogsPayload(records, 'protobuf')).body;
  server = await startServer({
    port: 0,
    dataDir: mkdtempSync(join(tmpdir(), 'ward-malformed-')),
    store: { database: 'ward_malformed_test' },
    maxBodyBytes: MAX,
  });
});
afterAll(async () => {
  await server?.close();
});

/** A body nested `depth` kvlists deep, built as text (JSON.stringify itself would overflow the stack). */
function nestedRecordJson(depth: number): string {
  const open = '{"kvlistValue":{"values":[{"key":"k","value":'.repeat(depth);
  const close = '}]}}'.repeat(depth);
  return `{"timeUnixNano":"${now}","body":${open}{"stringValue":"leaf"}${close}}`;
}

const now = `${Date.now()}000000`;
const jsonLogs = (record: unknown) =>
  JSON.stringify({ resourceLogs: [{ resource: {}, scopeLogs: [{ logRecords: [record] }] }] });

interface Case {
  name: string;
  status: number;
  path?: string;
  headers: Record<string, string>;
  body: () => Uint8Array | string;
}

// A real protobuf body from the official exporter, captured once (truncated below).
let officialLogs: Uint8Array = new Uint8Array(0);

const CASES: Case[] = [
  {
    name: 'truncated protobuf',
    status: 400,
    headers: { 'content-type': 'application/x-protobuf' },
    body: () => officialLogs.subarray(0, Math.floor(officialLogs.length / 2)),
  },
  {
    name: 'protobuf garbage',
    status: 400,
    headers: { 'content-type': 'application/x-protobuf' },
    body: () => new Uint8Array([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f, 1, 2]),
  },
  {
    name: 'not JSON',
    status: 400,
    headers: { 'content-type': 'application/json' },
    body: () => '{"resourceLogs": [',
  },
  {
    name: 'JSON of the wrong shape',
    status: 400,
    headers: { 'content-type': 'application/json' },
    body: () => '{"resourceLogs": {"a": 1}}',
  },
  {
    name: 'wrong attribute type',
    status: 400,
    headers: { 'content-type': 'application/json' },
    body: () => jsonLogs({ timeUnixNano: now, attributes: 'not-an-array' }),
  },
  {
    name: 'time as an object',
    status: 400,
    headers: { 'content-type': 'application/json' },
    body: () => jsonLogs({ timeUnixNano: { x: 1 } }),
  },
  {
    name: 'invalid UTF-8',
    status: 400,
    headers: { 'content-type': 'application/json' },
    body: () => {
      const text = Buffer.from(jsonLogs({ timeUnixNano: now, body: { stringValue: 'XX' } }));
      const i = text.indexOf('XX');
      text[i] = 0xff;
      text[i + 1] = 0xfe;
      return text;
    },
  },
  {
    name: 'deep nesting',
    status: 400,
    headers: { 'content-type': 'application/json' },
    body: () => `{"resourceLogs":[{"resource":{},"scopeLogs":[{"logRecords":[${nestedRecordJson(5000)}]}]}]}`,
  },
  {
    name: 'extreme nesting (beyond the JSON parser)',
    status: 400,
    headers: { 'content-type': 'application/json' },
    body: () =>
      `{"resourceLogs":[{"resource":{},"scopeLogs":[{"logRecords":[${nestedRecordJson(60_000)}]}]}]}`,
  },
  {
    name: 'huge attribute count',
    status: 400,
    headers: { 'content-type': 'application/json' },
    body: () =>
      jsonLogs({
        timeUnixNano: now,
        attributes: Array.from({ length: 50_000 }, (_, i) => ({ key: `k${i}`, value: { intValue: i } })),
      }),
  },
  {
    name: 'gzip bomb',
    status: 413,
    headers: { 'content-type': 'application/x-protobuf', 'content-encoding': 'gzip' },
    body: () => gzipSync(Buffer.alloc(256 * 1024 * 1024)),
  },
  {
    name: 'body over the limit',
    status: 413,
    headers: { 'content-type': 'application/json' },
    body: () => Buffer.alloc(MAX + 10, 0x20),
  },
  {
    name: 'corrupt gzip',
    status: 400,
    headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
    body: () => 'not gzip at all',
  },
  {
    name: 'unsupported content type',
    status: 415,
    headers: { 'content-type': 'text/plain' },
    body: () => 'hello',
  },
  {
    name: 'unsupported encoding',
    status: 415,
    headers: { 'content-type': 'application/json', 'content-encoding': 'br' },
    body: () => '{}',
  },
];

async function rows(): Promise<number> {
  let n = 0;
  for (const t of ['otel_logs', 'otel_traces', 'agent_events']) {
    const [r] = await server.store.db.query<{ n: string }>(
      'test',
      `SELECT count() AS n FROM ward_malformed_test.${t}`,
    );
    n += Number(r?.n);
  }
  return n;
}

describe('malformed OTLP input', () => {
  it.each(CASES)('$name → $status with a message, nothing stored, server still up', async (c) => {
    const before = await rows();
    const res = await fetch(`${server.url}${c.path ?? '/v1/logs'}`, {
      method: 'POST',
      headers: c.headers,
      body: c.body() as BodyInit,
    });
    expect(res.status).toBe(c.status);
    const text = await res.text();
    expect(text.length).toBeGreaterThan(0);
    if ((res.headers.get('content-type') ?? '').includes('json')) {
      expect(JSON.parse(text).message).toMatch(/\w+/);
    }
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    expect(await rows()).toBe(before);
  });

  it('keeps memory bounded while refusing a gzip bomb', async () => {
    const bomb = gzipSync(Buffer.alloc(512 * 1024 * 1024));
    const before = process.memoryUsage().rss;
    const res = await fetch(`${server.url}/v1/logs`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-protobuf', 'content-encoding': 'gzip' },
      body: bomb,
    });
    expect(res.status).toBe(413);
    expect(process.memoryUsage().rss - before).toBeLessThan(200 * 1024 * 1024);
  });

  it('still ingests a valid request after all of that', async () => {
    const res = await fetch(`${server.url}/v1/logs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: jsonLogs({ timeUnixNano: now, body: { stringValue: 'fine' } }),
    });
    expect(res.status).toBe(200);
  });
});
