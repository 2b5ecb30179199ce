import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import type { createClient } from '@clickhouse/client';
import type { EngineClient } from './client.js';
import { isApprovalPath, isBackground } from './lanes.js';
import type { EngineSettings } from './protocol.js';

/** The connection shape @clickhouse/client accepts (`createClient({ connection })`). */
type ClientConnection = NonNullable<NonNullable<Parameters<typeof createClient>[0]>['connection']>;
type Params = Parameters<ClientConnection['query']>[0];

const SUMMARY = {
  read_rows: '0',
  read_bytes: '0',
  written_rows: '0',
  written_bytes: '0',
  total_rows_to_read: '0',
  result_rows: '0',
  result_bytes: '0',
  elapsed_ns: '0',
};

function base(queryId: string) {
  return { query_id: queryId, response_headers: {}, http_status_code: 200 };
}

function readable(bytes: Uint8Array | undefined): Readable {
  const b = bytes ? Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) : Buffer.alloc(0);
  return Readable.from([b], { objectMode: false });
}

async function text(values: unknown): Promise<string> {
  if (values === undefined) return '';
  if (typeof values === 'string') return values;
  let out = '';
  for await (const c of values as AsyncIterable<unknown>) {
    out += typeof c === 'string' ? c : Buffer.from(c as Uint8Array).toString('utf8');
  }
  return out;
}

function request(p: Params) {
  return {
    query: p.query,
    ...(p.query_params && Object.keys(p.query_params).length > 0 ? { params: p.query_params } : {}),
    ...(p.clickhouse_settings ? { settings: p.clickhouse_settings as EngineSettings } : {}),
    ...(isBackground(p.clickhouse_settings?.log_comment) ? { background: true } : {}),
    ...(isApprovalPath(p.clickhouse_settings?.log_comment) ? { approval: true } : {}),
  };
}

/**
 * A @clickhouse/client connection whose every call is a message to the engine worker (interactive lane):
 * the client builds statements, formats and settings exactly as for a server, and the main thread never
 * runs the engine.
 */
export function createWorkerConnection(engine: EngineClient): ClientConnection {
  return {
    async ping() {
      return (await engine.ping())
        ? { success: true as const }
        : { success: false as const, error: new Error('the embedded ClickHouse engine does not answer') };
    },
    async query(p) {
      const id = p.query_id ?? randomUUID();
      const bytes = await engine.interactive({ op: 'query', ...request(p) });
      return { stream: readable(bytes), ...base(id) };
    },
    async command(p) {
      const id = p.query_id ?? randomUUID();
      await engine.interactive({ op: 'command', ...request(p) });
      return { ...base(id), summary: SUMMARY };
    },
    async exec(p) {
      const id = p.query_id ?? randomUUID();
      const values = p.values === undefined ? {} : { values: await text(p.values) };
      const bytes = await engine.interactive({ op: 'exec', ...request(p), ...values });
      return { stream: readable(bytes), ...base(id), summary: SUMMARY };
    },
    async insert(p) {
      const id = p.query_id ?? randomUUID();
      const values = await text(p.values);
      if (values.trim().length > 0) await engine.interactive({ op: 'insert', ...request(p), values });
      return { ...base(id), summary: SUMMARY };
    },
    async close() {
      await engine.close();
    },
  } as ClientConnection;
}
