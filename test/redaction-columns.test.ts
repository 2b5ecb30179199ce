/**
 * Redaction covers every column (issue 7): realistic FAKE secrets in every field OTLP has (names, keys,
 * values, nested values, bytes, schema URLs, metric descriptions, span events and links, exemplars), sent
 * as protobuf and as JSON through the real endpoint into the embedded ClickHouse; then every column of every
 * raw table and of agent_events (listed from system.columns, so a new column cannot be forgotten) is read
 * back and searched, base64 values decoded too. None of the secrets may be found.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { otlpProtoTypes } from '../collector/otlp/otlp-proto.js';
import { startServer, type WardServer } from '../collector/server.js';

const DB = 'ward_redaction_cols';
let server: WardServer;

beforeAll(async () => {
  server = await startServer({
    port: 0,
    dataDir: mkdtempSync(join(tmpdir(), 'ward-redact-')),
    store: { database: DB },
  });
});
afterAll(async () => {
  await server?.close();
});

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const rand = (n: number, alphabet = ALNUM) =>
  Array.from(randomBytes(n), (b) => alphabet[b % alphabet.length]).join('');

/** The secret's distinctive part (searched for) and the text carrying it. */
type Secret = { needle: string; text: string };
const KINDS: (() => Secret)[] = [
  () => ((n) => ({ needle: n, text: `sk-ant-api03-${n}-AA` }))(rand(40)),
  () => ((n) => ({ needle: n, text: `sk-proj-${n}7` }))(rand(32)),
  () => ((n) => ({ needle: n, text: `ghp_${n}` }))(rand(36)),
  () => ((n) => ({ needle: n, text: `github_pat_${n}` }))(rand(40)),
  () => ((n) => ({ needle: n, text: `glpat-${n}` }))(rand(20)),
  () => ((n) => ({ needle: `AKIA${n}`, text: `AKIA${n}` }))(rand(16, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567')),
  () => ((n) => ({ needle: n, text: `aws_secret_access_key=${n}` }))(rand(40)),
  () => ((n) => ({ needle: n, text: `AIza${n}` }))(rand(35)),
  () => ((n) => ({ needle: n, text: `eyJhbGciOiJIUzI1NiJ9.eyJ${n}.${rand(30)}` }))(rand(24)),
  () =>
    ((n) => ({
      needle: n,
      text: `-----BEGIN RSA PRIVATE KEY-----\nMIIE${n}\n-----END RSA PRIVATE KEY-----`,
    }))(rand(48)),
  () => ((n) => ({ needle: n, text: `postgres://admin:${n}@db.internal:5432/app` }))(rand(18)),
  () => ((n) => ({ needle: n, text: `Authorization: Bearer ${n}` }))(rand(32)),
  () => ((n) => ({ needle: n, text: `password=${n}` }))(rand(16)),
];

/** Hands out a fresh secret per field, cycling through the kinds, and remembers every needle. */
class Corpus {
  private i = 0;
  readonly needles: { needle: string; field: string }[] = [];
  next(field: string): string {
    const s = (KINDS[this.i++ % KINDS.length] as () => Secret)();
    this.needles.push({ needle: s.needle, field });
    return s.text;
  }
}

// Plain JS shapes in OTLP/JSON field names; converted to the protobuf encoder's shapes below.
type V = { s: string } | { b: string } | { arr: V[] } | { kv: [string, V][] };
type KV = [string, V];

function attrs(c: Corpus, where: string): KV[] {
  return [
    [c.next(`${where} key`), { s: c.next(`${where} value`) }],
    ['nested', { kv: [[c.next(`${where} kvlist key`), { s: c.next(`${where} kvlist value`) }]] }],
    ['list', { arr: [{ s: c.next(`${where} array value`) }, { b: c.next(`${where} array bytes`) }] }],
    ['bytes', { b: c.next(`${where} bytesValue`) }],
  ];
}

function codexResource(c: Corpus): KV[] {
  return [
    ['service.name', { s: 'codex_exec' }],
    ['service.version', { s: c.next('service.version') }],
    ['host.name', { s: c.next('host.name') }],
    ['user.id', { s: c.next('user.id') }],
    ['process.cwd', { s: c.next('process.cwd') }],
    ['session.id', { s: c.next('session.id') }],
    ['vcs.repository.url.full', { s: c.next('repo url') }],
    ...attrs(c, 'resource'),
  ];
}

const scope = (c: Corpus) => ({
  name: c.next('scope.name'),
  version: c.next('scope.version'),
  attributes: attrs(c, 'scope'),
});
const now = () => `${BigInt(Date.now()) * 1_000_000n}`;

function logsRequest(c: Corpus) {
  return {
    resourceLogs: [
      {
        resource: { attributes: codexResource(c) },
        schemaUrl: `https://example.com/${c.next('resource schemaUrl')}`,
        scopeLogs: [
          {
            scope: scope(c),
            schemaUrl: `https://example.com/${c.next('scope schemaUrl')}`,
            logRecords: [
              {
                timeUnixNano: now(),
                severityText: c.next('severityText'),
                eventName: c.next('eventName'),
                body: { s: c.next('body') },
                attributes: [
                  ['event.name', { s: 'codex.tool_decision' }],
                  ['tool_name', { s: c.next('tool_name') }],
                  ['call_id', { s: c.next('call_id') }],
                  ['decision', { s: 'approved' }],
                  ['source', { s: c.next('decision source') }],
                  ...attrs(c, 'log'),
                ] as KV[],
              },
              { timeUnixNano: now(), body: { kv: attrs(c, 'log kvlist body') } },
              { timeUnixNano: now(), body: { b: c.next('log bytes body') } },
            ],
          },
        ],
      },
    ],
  };
}

function tracesRequest(c: Corpus) {
  return {
    resourceSpans: [
      {
        resource: { attributes: codexResource(c) },
        schemaUrl: c.next('resource schemaUrl'),
        scopeSpans: [
          {
            scope: scope(c),
            schemaUrl: c.next('scope schemaUrl'),
            spans: [
              {
                traceId: '0102030405060708090a0b0c0d0e0f10',
                spanId: '0102030405060708',
                traceState: `k=${c.next('traceState')}`,
                name: c.next('span name'),
                kind: 1,
                startTimeUnixNano: now(),
                endTimeUnixNano: now(),
                attributes: [
                  ['gen_ai.tool.call.id', { s: c.next('gen_ai call id') }],
                  ...attrs(c, 'span'),
                ] as KV[],
                events: [
                  { timeUnixNano: now(), name: c.next('event name'), attributes: attrs(c, 'span event') },
                ],
                links: [
                  {
                    traceId: '1102030405060708090a0b0c0d0e0f10',
                    spanId: '1102030405060708',
                    traceState: `k=${c.next('link traceState')}`,
                    attributes: attrs(c, 'link'),
                  },
                ],
                status: { code: 2, message: c.next('status message') },
              },
            ],
          },
        ],
      },
    ],
  };
}

function metricsRequest(c: Corpus) {
  const point = (where: string) => ({
    attributes: attrs(c, `${where} point`),
    startTimeUnixNano: now(),
    timeUnixNano: now(),
    asDouble: 1,
    exemplars: [{ timeUnixNano: now(), asDouble: 1, filteredAttributes: attrs(c, `${where} exemplar`) }],
  });
  const metric = (where: string, data: Record<string, unknown>) => ({
    name: c.next(`${where} metric name`),
    description: c.next(`${where} description`),
    unit: c.next(`${where} unit`),
    ...data,
  });
  return {
    resourceMetrics: [
      {
        resource: { attributes: codexResource(c) },
        schemaUrl: c.next('resource schemaUrl'),
        scopeMetrics: [
          {
            scope: scope(c),
            schemaUrl: c.next('scope schemaUrl'),
            metrics: [
              metric('gauge', { gauge: { dataPoints: [point('gauge')] } }),
              metric('sum', {
                sum: { dataPoints: [point('sum')], aggregationTemporality: 2, isMonotonic: true },
              }),
              metric('histogram', {
                histogram: {
                  aggregationTemporality: 2,
                  dataPoints: [
                    { ...point('histogram'), count: 1, sum: 1, bucketCounts: [1], explicitBounds: [] },
                  ],
                },
              }),
              metric('exp', {
                exponentialHistogram: {
                  aggregationTemporality: 2,
                  dataPoints: [{ ...point('exp histogram'), count: 1, sum: 1, scale: 1, zeroCount: 0 }],
                },
              }),
              metric('summary', {
                summary: {
                  dataPoints: [
                    {
                      attributes: attrs(c, 'summary point'),
                      timeUnixNano: now(),
                      count: 1,
                      sum: 1,
                      quantileValues: [{ quantile: 0.5, value: 1 }],
                    },
                  ],
                },
              }),
            ],
          },
        ],
      },
    ],
  };
}

// --- the two encodings of the same shapes ---

const b64 = (s: string) => Buffer.from(s).toString('base64');

function toJson(x: unknown, key = ''): unknown {
  if (Array.isArray(x)) {
    if (key === 'attributes' || key === 'filteredAttributes')
      return (x as KV[]).map(([k, v]) => ({ key: k, value: jsonValue(v) }));
    return x.map((e) => toJson(e));
  }
  if (x && typeof x === 'object') {
    if (key === 'body') return jsonValue(x as V);
    return Object.fromEntries(Object.entries(x).map(([k, v]) => [k, toJson(v, k)]));
  }
  return x;
}
function jsonValue(v: V): unknown {
  if ('s' in v) return { stringValue: v.s };
  if ('b' in v) return { bytesValue: b64(v.b) };
  if ('arr' in v) return { arrayValue: { values: v.arr.map(jsonValue) } };
  return { kvlistValue: { values: v.kv.map(([k, x]) => ({ key: k, value: jsonValue(x) })) } };
}

// protobuf: otlp-proto.ts declares strings as bytes and nested values as bytes, so encode those by hand.
const enc = new TextEncoder();
function pbValue(v: V): Record<string, unknown> {
  const t = otlpProtoTypes();
  if ('s' in v) return { stringValue: enc.encode(v.s) };
  if ('b' in v) return { bytesValue: enc.encode(v.b) };
  if ('arr' in v) return { arrayValue: t.arrayValue.encode({ values: v.arr.map(pbValue) }).finish() };
  return {
    kvlistValue: t.keyValueList
      .encode({ values: v.kv.map(([k, x]) => ({ key: enc.encode(k), value: pbValue(x) })) })
      .finish(),
  };
}
const ID_FIELDS = new Set(['traceId', 'spanId']);
function toPb(x: unknown, key = ''): unknown {
  if (Array.isArray(x)) {
    if (key === 'attributes' || key === 'filteredAttributes')
      return (x as KV[]).map(([k, v]) => ({ key: enc.encode(k), value: pbValue(v) }));
    return x.map((e) => toPb(e));
  }
  if (typeof x === 'string')
    return ID_FIELDS.has(key) ? Buffer.from(x, 'hex') : /timeUnixNano$/i.test(key) ? x : enc.encode(x);
  if (x && typeof x === 'object') {
    if (key === 'body') return pbValue(x as V);
    return Object.fromEntries(Object.entries(x).map(([k, v]) => [k, toPb(v, k)]));
  }
  return x;
}

async function post(path: string, body: Uint8Array | string, json: boolean): Promise<void> {
  const res = await fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': json ? 'application/json' : 'application/x-protobuf' },
    body: typeof body === 'string' ? body : Buffer.from(body),
  });
  expect(res.status, `${path}: ${await res.clone().text()}`).toBe(200);
}

describe('redaction covers every stored column', () => {
  const corpus = new Corpus();

  it('ingests the corpus in every field of logs, traces and metrics, protobuf and JSON', async () => {
    const t = otlpProtoTypes();
    for (const [path, make, type] of [
      ['/v1/logs', logsRequest, t.logsRequest],
      ['/v1/traces', tracesRequest, t.tracesRequest],
      ['/v1/metrics', metricsRequest, t.metricsRequest],
    ] as const) {
      await post(path, JSON.stringify(toJson(make(corpus))), true);
      await post(path, type.encode(toPb(make(corpus)) as object).finish(), false);
    }
  });

  it('no secret is found in any column of any raw table or agent_events (system.columns)', async () => {
    await server.flushIngest();
    const columns = await server.store.db.query<{ table: string; name: string }>(
      'test',
      `SELECT table, name FROM system.columns WHERE database = {db:String}
         AND (table LIKE 'otel\\_%' OR table = 'agent_events') ORDER BY table, position`,
      { db: DB },
    );
    const tables = [...new Set(columns.map((c) => c.table))];
    expect(tables).toEqual(
      expect.arrayContaining([
        'agent_events',
        'otel_logs',
        'otel_traces',
        'otel_metrics_gauge',
        'otel_metrics_summary',
      ]),
    );
    let cells = 0;
    const leaks: string[] = [];
    const agentRows: Record<string, unknown>[] = [];
    for (const table of tables) {
      const names = columns.filter((c) => c.table === table).map((c) => c.name);
      // Every column by name: `SELECT *` leaves MATERIALIZED columns (agent_events.sender) out.
      const rows = await server.store.db.query<Record<string, unknown>>(
        'test',
        `SELECT ${names.map((n) => `\`${n}\``).join(', ')} FROM ${DB}.\`${table}\``,
      );
      expect(rows.length, table).toBeGreaterThan(0);
      if (table === 'agent_events') agentRows.push(...rows);
      for (const row of rows) {
        // Every column of the table is in the row: none is left unread.
        expect(Object.keys(row).sort()).toEqual([...names].sort());
        for (const col of names) {
          const text = JSON.stringify(row[col]);
          cells++;
          const decoded = (text.match(/[A-Za-z0-9+/]{16,}={0,2}/g) ?? [])
            .map((m) => Buffer.from(m, 'base64').toString('latin1'))
            .join('\n');
          for (const { needle, field } of corpus.needles)
            if (text.includes(needle) || decoded.includes(needle)) leaks.push(`${table}.${col} <- ${field}`);
        }
      }
    }
    expect(corpus.needles.length).toBeGreaterThan(300);
    expect(cells).toBeGreaterThan(400);
    // The codex records became agent events: host, cwd, user, version and call id were all exercised.
    expect(agentRows.some((r) => r.kind === 'tool_decision')).toBe(true);
    expect([...new Set(leaks)]).toEqual([]);
  });
});
