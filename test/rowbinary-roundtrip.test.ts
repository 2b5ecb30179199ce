import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareRequest, toJsonEachRow } from '../collector/ingest/prepare.js';
import { readOtlpBody } from '../collector/otlp/index.js';
import type { OtlpSignal } from '../schema/index.js';
import { createRedactor } from '../schema/redact/index.js';
import {
  createStore,
  encodeAgentEventRows,
  encodeOtelLogRows,
  eventToRow,
  type OtelLogRow,
  type Store,
} from '../store/index.js';
import { makeEvent } from './helpers/events.js';
import { AGENT_FIXTURES, haveShared } from './helpers/shared.js';

/**
 * The same rows stored once from RowBinary (into otel_logs / agent_events) and once from JSONEachRow (into
 * twin tables of the same layout) must read back identical, column by column.
 */
const DB = 'ward_rowbinary';
const ROOT = AGENT_FIXTURES;
/** With ../shared the real captures fill both tables; without it only the edge-value rows are compared. */
const CAPTURES = haveShared('fixtures', 'agents');
const MIN_ROWS = CAPTURES ? 100 : 1;

async function insertBoth(
  store: Store,
  table: 'otel_logs' | 'agent_events',
  rb: Uint8Array,
  json: Uint8Array,
) {
  await store.db.insertRowBinary('t', table, rb);
  await store.db.insertJsonEachRow('t', `${table}_json`, json);
}

async function readSorted(store: Store, table: string, final: boolean): Promise<string[]> {
  const rows = await store.db.query<object>(
    't',
    `SELECT * EXCEPT (${table.startsWith('agent_events') ? 'ingested_at' : 'TimestampTime'}) FROM ${DB}.${table}${final ? ' FINAL' : ''}`,
  );
  return rows.map((r) => JSON.stringify(r)).sort();
}

const LONG = 'x'.repeat(200_000);
const UNICODE = 'naïve café — 日本語 🚀 e\u0301 \u0000 tab\t nl\n quote" backslash\\';

const logRow = (over: Partial<OtelLogRow>): OtelLogRow => ({
  Timestamp: '1764151200.123456789',
  TraceId: '',
  SpanId: '',
  TraceFlags: 0,
  SeverityText: '',
  SeverityNumber: 0,
  ServiceName: '',
  Body: '',
  ResourceSchemaUrl: '',
  ResourceAttributes: {},
  ScopeSchemaUrl: '',
  ScopeName: '',
  ScopeVersion: '',
  ScopeAttributes: {},
  LogAttributes: {},
  EventName: '',
  ...over,
});

describe('RowBinary and JSONEachRow store identical rows (embedded engine)', () => {
  let store: Store;
  let dataDir = '';
  afterAll(() => store?.close());
  beforeAll(async () => {
    // No TTL: rows from 1970 or 2001 would otherwise be dropped on insert, on both sides alike.
    dataDir = mkdtempSync(join(tmpdir(), 'ward-rowbinary-'));
    store = await createStore({ dataDir, database: DB, rawTtlDays: 0, eventsTtlDays: 0 });
    expect(store.ingest.codec.rowBinary).toBe(true);
    for (const t of ['otel_logs', 'agent_events'])
      await store.db.command('t', `CREATE TABLE IF NOT EXISTS ${DB}.${t}_json AS ${DB}.${t}`);
  });

  it.runIf(haveShared('fixtures', 'agents'))(
    'for every real agent capture, through the whole prepare path (needs ../shared)',
    async () => {
      const redactor = createRedactor();
      let logs = 0;
      let events = 0;
      for (const folder of readdirSync(ROOT).filter((f) => !f.endsWith('.md'))) {
        for (const file of readdirSync(join(ROOT, folder)).filter((f) => !f.includes('.meta.'))) {
          const meta = JSON.parse(
            readFileSync(join(ROOT, folder, file.replace(/\.(bin|json)$/, '.meta.json')), 'utf8'),
          ) as { headers: Record<string, string> };
          const signal = /-(logs|traces|metrics)\./.exec(file)?.[1] as OtlpSignal;
          const req = new Request('http://127.0.0.1/v1/x', {
            method: 'POST',
            headers: { 'content-type': meta.headers['content-type'] ?? '' },
            body: new Uint8Array(readFileSync(join(ROOT, folder, file))),
          });
          const { body, encoding } = await readOtlpBody(req, { maxBytes: 8 << 20 });
          const rb = prepareRequest(signal, body, encoding, redactor, { codec: { rowBinary: true } });
          const json = prepareRequest(signal, body, encoding, redactor, { codec: { rowBinary: false } });
          for (const [i, p] of rb.parts.entries()) {
            const j = json.parts[i];
            expect(j?.table).toBe(p.table);
            if (p.table !== 'otel_logs' && p.table !== 'agent_events') {
              expect(p.format).toBe('JSONEachRow');
              continue;
            }
            expect([p.format, j?.format]).toEqual(['RowBinary', 'JSONEachRow']);
            expect(p.rows).toBe(j?.rows);
            await insertBoth(store, p.table, p.payload, j?.payload ?? new Uint8Array());
            if (p.table === 'otel_logs') logs += p.rows;
            else events += p.rows;
          }
        }
      }
      expect(logs).toBeGreaterThan(100);
      expect(events).toBeGreaterThan(100);
    },
  );

  it('for edge values: nulls, empty maps, unicode, long strings, nanosecond and pre-1970 times', async () => {
    const logs: OtelLogRow[] = [
      logRow({}),
      logRow({ Timestamp: '1000000000.000000001', Body: LONG, LogAttributes: { long: LONG } }),
      logRow({
        Timestamp: '1764151200.999999999',
        Body: UNICODE,
        ServiceName: 'svc 🚀',
        TraceFlags: 255,
        SeverityNumber: 24,
        // Lengths around the one-byte LEB128 boundary (127/128 bytes) and the encoder's short path (42 units).
        ResourceAttributes: {
          a: 'é'.repeat(63),
          b: 'é'.repeat(64),
          c: 'y'.repeat(41),
          d: '日'.repeat(42),
          e: 'a'.repeat(63),
          f: 'a'.repeat(64),
          g: 'a'.repeat(127),
          h: 'a'.repeat(128),
          i: `${'a'.repeat(62)}é`,
        },
        ScopeAttributes: { '': '', 'k.日本': UNICODE },
        LogAttributes: { z: '1', a: '2', '10': 'numeric-looking key' },
      }),
      logRow({ Timestamp: '4102444800.000000000', EventName: 'codex.tool_result', TraceId: 'ab'.repeat(16) }),
    ];
    await insertBoth(store, 'otel_logs', encodeOtelLogRows(logs), toJsonEachRow(logs));

    const evs = [
      makeEvent({ event_id: 'e-nulls', exit_code: null, duration_ms: null, bytes_in: null, success: null }),
      makeEvent({
        event_id: 'e-values',
        time: '2026-11-26T10:00:00.123456789Z',
        raw_time: '1969-12-31T23:59:59.999999999Z',
        exit_code: -2147483648,
        duration_ms: 0.1,
        bytes_in: 9007199254740991,
        bytes_out: 0,
        success: false,
        command: UNICODE,
        target: LONG,
        attributes: {},
        missing: [],
      }),
      makeEvent({
        event_id: 'e-more',
        time: '2262-04-11T23:47:16.854775807Z',
        raw_time: '1900-01-01T00:00:00.000000001Z',
        exit_code: 2147483647,
        duration_ms: 1e300,
        success: true,
        attributes: { 'k 🚀': UNICODE, empty: '' },
        missing: ['exit_code', 'command', '日本'],
      }),
    ];
    await insertBoth(store, 'agent_events', encodeAgentEventRows(evs), toJsonEachRow(evs.map(eventToRow)));
  });

  it('reads back identical rows from both tables', async () => {
    const logs = await readSorted(store, 'otel_logs', false);
    expect(logs.length).toBeGreaterThan(MIN_ROWS);
    expect(logs).toEqual(await readSorted(store, 'otel_logs_json', false));
    const events = await readSorted(store, 'agent_events', true);
    expect(events.length).toBeGreaterThan(MIN_ROWS);
    expect(events).toEqual(await readSorted(store, 'agent_events_json', true));
    expect(events.some((e) => e.includes('"e-nulls"'))).toBe(true);
    // Every payload file was removed once its insert finished.
    expect(readdirSync(join(dataDir, 'clickhouse-tmp'))).toEqual([]);
  });

  it('stores times JSON best_effort cannot parse (the epoch itself), exactly', async () => {
    const rows = [logRow({ Timestamp: '0.000000001', EventName: 'epoch-probe' })];
    await store.raw.insertRowBinaryPayload('otel_logs', encodeOtelLogRows(rows));
    const [got] = await store.db.query<{ ns: string; t: string }>(
      't',
      `SELECT toString(toUnixTimestamp64Nano(Timestamp)) AS ns, toString(TimestampTime) AS t
       FROM ${DB}.otel_logs WHERE EventName = 'epoch-probe'`,
    );
    expect(got?.ns).toBe('1');
    expect(got?.t).toMatch(/^1970-01-01 00:00:00$/);
  });
});
