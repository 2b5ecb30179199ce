import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { OTLPLogExporter as OTLPLogExporterJson } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPLogExporter as OTLPLogExporterProto } from '@opentelemetry/exporter-logs-otlp-proto';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { BasicTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type WardServer } from '../collector/server.js';
import { AGENT_FIXTURES, haveShared } from './helpers/shared.js';

let server: WardServer;
const FIXTURES = AGENT_FIXTURES;

beforeAll(async () => {
  server = await startServer({
    port: 0,
    dataDir: mkdtempSync(join(tmpdir(), 'ward-ingest-')),
    store: { database: 'ward_ingest_test' },
    // The captures are replayed as recorded, whatever their age by the time the suite runs.
    time: { maxPastDays: 0 },
  });
});
afterAll(async () => {
  await server?.close();
});

async function api<T>(path: string): Promise<T> {
  const res = await fetch(`${server.url}${path}`, {
    headers: { authorization: `Bearer ${server.adminToken}` },
  });
  expect(res.status, path).toBe(200);
  return (await res.json()) as T;
}

interface Ev {
  kind: string;
  command: string;
  agent: string;
  session_id: string;
  decision: string;
  exit_code: number | null;
  attributes: Record<string, string>;
}

// A 200 means the rows are durable in the journal; these tests read the store directly, so they first store
// what was acknowledged (the API's reads wait for it by themselves).
async function countRows(table: string): Promise<number> {
  await server.flushIngest();
  const [row] = await server.store.db.query<{ n: string }>(
    'test',
    `SELECT count() AS n FROM ward_ingest_test.${table}`,
  );
  return Number(row?.n);
}

async function emitClaudeLikeLogs(exporter: OTLPLogExporterJson | OTLPLogExporterProto, session: string) {
  const provider = new LoggerProvider({
    resource: resourceFromAttributes({ 'service.name': 'claude-code', 'service.version': '2.1.197' }),
    processors: [new SimpleLogRecordProcessor({ exporter })],
  });
  const logger = provider.getLogger('com.anthropic.claude_code.events', '2.1.197');
  logger.emit({
    body: 'claude_code.tool_result',
    attributes: {
      'event.name': 'tool_result',
      'session.id': session,
      tool_name: 'Bash',
      success: 'true',
      duration_ms: '41',
      tool_parameters: JSON.stringify({ bash_command: 'cat', full_command: 'cat ~/.aws/credentials' }),
      'user.email': 'dev@example.com',
    },
  });
  await provider.forceFlush();
  await provider.shutdown();
}

describe('OTLP ingest end to end (official exporters -> Ward -> ClickHouse -> API)', () => {
  it('stores logs sent by the official protobuf exporter, raw and normalized', async () => {
    const before = await countRows('otel_logs');
    await emitClaudeLikeLogs(new OTLPLogExporterProto({ url: `${server.url}/v1/logs` }), 'proto-session');
    expect(await countRows('otel_logs')).toBe(before + 1);
    const { events } = await api<{ events: Ev[] }>('/api/events?session=proto-session');
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      agent: 'claude-code',
      kind: 'command',
      command: 'cat ~/.aws/credentials',
    });
  });

  it('links an event back to the raw OTel record it came from', async () => {
    const { events } = await api<{ events: (Ev & { event_id: string })[] }>(
      '/api/events?session=proto-session',
    );
    const linked = await api<{
      raw_table: string;
      raw: { Body: string; LogAttributes: Record<string, string> }[];
    }>(`/api/events/${events[0]?.event_id}/raw`);
    expect(linked.raw_table).toBe('otel_logs');
    expect(linked.raw).toHaveLength(1);
    expect(linked.raw[0]?.Body).toBe('claude_code.tool_result');
    expect(linked.raw[0]?.LogAttributes['session.id']).toBe('proto-session');
    const missing = await fetch(`${server.url}/api/events/nope/raw`, {
      headers: { authorization: `Bearer ${server.adminToken}` },
    });
    expect(missing.status).toBe(404);
  });

  it('stores logs sent by the official JSON exporter', async () => {
    await emitClaudeLikeLogs(new OTLPLogExporterJson({ url: `${server.url}/v1/logs` }), 'json-session');
    const { events } = await api<{ events: Ev[] }>('/api/events?session=json-session');
    expect(events.map((e) => e.command)).toEqual(['cat ~/.aws/credentials']);
  });

  it('stores spans sent by the official trace exporter', async () => {
    const before = await countRows('otel_traces');
    const provider = new BasicTracerProvider({
      resource: resourceFromAttributes({ 'service.name': 'my-agent' }),
      spanProcessors: [new SimpleSpanProcessor(new OTLPTraceExporter({ url: `${server.url}/v1/traces` }))],
    });
    const span = provider.getTracer('t').startSpan('execute_tool shell', {
      attributes: {
        'gen_ai.operation.name': 'execute_tool',
        'gen_ai.tool.name': 'shell',
        'gen_ai.conversation.id': 'genai-s1',
      },
    });
    span.end();
    await provider.forceFlush();
    await provider.shutdown();
    expect(await countRows('otel_traces')).toBe(before + 1);
    const { events } = await api<{ events: (Ev & { event_id: string })[] }>('/api/events?agent=my-agent');
    expect(events.length).toBeGreaterThan(0);
    const linked = await api<{ raw_table: string; raw: { SpanName: string }[] }>(
      `/api/events/${events[0]?.event_id}/raw`,
    );
    expect(linked.raw_table).toBe('otel_traces');
    expect(linked.raw.map((r) => r.SpanName)).toEqual(['execute_tool shell']);
  });

  it('redacts secrets before they are stored, in raw rows and normalized events', async () => {
    const secret = 'ghp_0123456789abcdefghijABCDEFGHIJ012345';
    const provider = new LoggerProvider({
      resource: resourceFromAttributes({ 'service.name': 'claude-code' }),
      processors: [
        new SimpleLogRecordProcessor({
          exporter: new OTLPLogExporterProto({ url: `${server.url}/v1/logs` }),
        }),
      ],
    });
    provider.getLogger('x').emit({
      body: 'claude_code.tool_result',
      attributes: {
        'event.name': 'tool_result',
        'session.id': 'redact-session',
        tool_name: 'Bash',
        tool_parameters: JSON.stringify({ full_command: `git clone https://x:${secret}@github.com/o/r` }),
      },
    });
    await provider.forceFlush();
    await provider.shutdown();
    await server.flushIngest();
    const raw = await server.store.db.query<Record<string, unknown>>(
      'test',
      'SELECT * FROM ward_ingest_test.otel_logs',
    );
    expect(JSON.stringify(raw)).not.toContain(secret);
    const ev = await server.store.db.query<Record<string, unknown>>(
      'test',
      'SELECT * FROM ward_ingest_test.agent_events',
    );
    expect(JSON.stringify(ev)).not.toContain(secret);
    const { events } = await api<{ events: Ev[] }>('/api/events?session=redact-session');
    expect(events[0]?.command).toMatch(/\[REDACTED:[a-z-]+\]/);
  });

  // The captures live in ../shared beside the checkout (CI has them); without them this shows as a skip.
  it.runIf(haveShared('fixtures', 'agents'))(
    'accepts every real agent capture (needs ../shared) and normalizes each agent',
    async () => {
      const dirs = readdirSync(FIXTURES, { withFileTypes: true }).filter((d) => d.isDirectory());
      expect(dirs.length).toBeGreaterThanOrEqual(6);
      for (const dir of dirs) {
        for (const f of readdirSync(join(FIXTURES, dir.name))
          .filter((n) => !n.endsWith('.meta.json'))
          .sort()) {
          const meta = JSON.parse(
            readFileSync(join(FIXTURES, dir.name, f.replace(/\.(json|bin)$/, '.meta.json')), 'utf8'),
          );
          const res = await fetch(`${server.url}${meta.path}`, {
            method: 'POST',
            headers: { 'content-type': meta.content_type },
            body: readFileSync(join(FIXTURES, dir.name, f)),
          });
          expect(res.status, `${dir.name}/${f}`).toBe(200);
        }
      }
      const { sessions } = await api<{ sessions: { agent: string }[] }>('/api/sessions?limit=1000');
      const agents = new Set(sessions.map((s) => s.agent));
      for (const a of ['codex', 'claude-code', 'gemini-cli']) expect(agents, a).toContain(a);
      const { events } = await api<{ events: Ev[] }>('/api/events?text=git%20push&limit=1000');
      const pushes = events.filter((e) => e.command.includes('git push --force'));
      expect(pushes.length).toBeGreaterThan(0);
      expect(pushes.some((e) => e.decision === 'deny')).toBe(true);
    },
  );

  it('answers an identical retried request 200 without storing it twice', async () => {
    // A current time: rows older than the raw TTL (30 days) are dropped by ClickHouse itself.
    const now = `${Date.now()}000000`;
    const body = JSON.stringify({
      resourceLogs: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 'retry-svc' } }] },
          scopeLogs: [{ logRecords: [{ timeUnixNano: now, body: { stringValue: 'hello' } }] }],
        },
      ],
    });
    const before = await countRows('otel_logs');
    for (let i = 0; i < 3; i++) {
      const res = await fetch(`${server.url}/v1/logs`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
      expect(res.status).toBe(200);
    }
    expect(await countRows('otel_logs')).toBe(before + 1);
  });

  it('reports records it cannot store as a partial success and stores the rest', async () => {
    const span = (id: string, start: string) => ({
      traceId: '5b8efff798038103d269b633813fc60c',
      spanId: id,
      name: 'execute_tool shell',
      kind: 1,
      startTimeUnixNano: start,
      endTimeUnixNano: start,
    });
    const now = `${Date.now()}000000`;
    const before = await countRows('otel_traces');
    const res = await fetch(`${server.url}/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        resourceSpans: [
          {
            resource: {},
            scopeSpans: [
              { spans: [span('eee19b7ec3c1b174', now), span('eee19b7ec3c1b175', '9300000000000000000')] },
            ],
          },
        ],
      }),
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      partialSuccess?: { rejectedSpans?: string | number; errorMessage?: string };
    };
    expect(Number(body.partialSuccess?.rejectedSpans)).toBe(1);
    expect(body.partialSuccess?.errorMessage).toMatch(/stamped more than 24 h after the server's clock/);
    expect(await countRows('otel_traces')).toBe(before + 1);
  });

  it('accepts gzip bodies', async () => {
    const body = gzipSync(
      JSON.stringify({
        resourceLogs: [
          {
            resource: {},
            scopeLogs: [
              { logRecords: [{ timeUnixNano: '1764150000000000001', body: { stringValue: 'zipped' } }] },
            ],
          },
        ],
      }),
    );
    const res = await fetch(`${server.url}/v1/logs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
      body,
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({});
  });
});
