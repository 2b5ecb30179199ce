import { Readable } from 'node:stream';
import type { ClickHouseClient, ClickHouseSettings } from '@clickhouse/client';
import { wellFormed } from './rows/well-formed.js';

/** Named parameters bound by ClickHouse (`{name: Type}` in the SQL). Values are never interpolated. */
export type Params = Record<string, unknown>;

/**
 * The one seam every ClickHouse call goes through: bound parameters only, a tag naming the caller (sent as
 * the query's log comment), and retries only for retryable network errors.
 */
export interface Db {
  query<T>(tag: string, sql: string, params?: Params): Promise<T[]>;
  /** A SELECT's result in RowBinary (bulk reads: no JSON on either side); the SQL carries no FORMAT. */
  queryRowBinary(tag: string, sql: string, params?: Params): Promise<Buffer>;
  command(tag: string, sql: string, params?: Params, settings?: ClickHouseSettings): Promise<void>;
  /** `extra` settings ride along (e.g. an insert_deduplication_token making the insert happen once). */
  insert(tag: string, table: string, rows: readonly object[], extra?: ClickHouseSettings): Promise<void>;
  /** Inserts a ready JSONEachRow payload (the ingest hot path: no per-row work on this thread). */
  insertJsonEachRow(tag: string, table: string, payload: Uint8Array): Promise<void>;
  /**
   * Inserts a ready RowBinary payload in the table's layout (store/rowbinary/tables.ts). Embedded engine
   * only: the server path stores JSONEachRow.
   */
  insertRowBinary(tag: string, table: string, payload: Uint8Array): Promise<void>;
  close(): Promise<void>;
}

const RETRYABLE = /ECONNRESET|ECONNREFUSED|EPIPE|ETIMEDOUT|socket hang up|Timeout error/i;

/**
 * The embedded engine's bulk lane: ingest payloads stored one at a time beside (never ahead of) the
 * interactive statements, behind a byte budget (store/engine/client.ts).
 */
export type BulkInsert = (
  table: string,
  format: 'JSONEachRow' | 'RowBinary',
  payload: Uint8Array,
  settings: Record<string, string>,
) => Promise<void>;

export function createDb(
  client: ClickHouseClient,
  database: string,
  opts: {
    retries?: number;
    /** The embedded engine's bulk lane; without it payloads go through the client (a server). */
    bulk?: BulkInsert;
  } = {},
): Db {
  const retries = opts.retries ?? 2;
  async function withRetry<T>(fn: () => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await fn();
      } catch (err) {
        if (attempt >= retries || !(err instanceof Error) || !RETRYABLE.test(err.message)) throw err;
        await new Promise((r) => setTimeout(r, 50 * 2 ** attempt));
      }
    }
  }
  const settings = (tag: string) => ({ log_comment: `ward:${tag}` });
  return {
    async query<T>(tag: string, sql: string, params: Params = {}) {
      return withRetry(async () => {
        const rs = await client.query({
          query: sql,
          query_params: params,
          format: 'JSONEachRow',
          clickhouse_settings: settings(tag),
        });
        return (await rs.json()) as T[];
      });
    },
    async queryRowBinary(tag, sql, params = {}) {
      return withRetry(async () => {
        const r = await client.exec({
          query: `${sql}\nFORMAT RowBinary`,
          query_params: params,
          clickhouse_settings: settings(tag),
        });
        const chunks: Buffer[] = [];
        for await (const c of r.stream) chunks.push(c as Buffer);
        return chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks);
      });
    },
    async command(tag, sql, params = {}, extra = {}) {
      await withRetry(() =>
        client.command({
          query: sql,
          query_params: params,
          clickhouse_settings: { ...settings(tag), ...extra },
        }),
      );
    },
    async insert(tag, table, rows, extra = {}) {
      if (rows.length === 0) return;
      const values = wellFormed(rows as object[]);
      await withRetry(() =>
        client.insert({
          table: `${database}.${table}`,
          values,
          format: 'JSONEachRow',
          clickhouse_settings: { ...settings(tag), ...extra },
        }),
      );
    },
    async insertJsonEachRow(tag, table, payload) {
      if (payload.length === 0) return;
      const qualified = `${database}.${table}`;
      if (opts.bulk) {
        await opts.bulk(qualified, 'JSONEachRow', payload, settings(tag));
        return;
      }
      await withRetry(() =>
        client.insert({
          table: qualified,
          values: Readable.from([Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength)]),
          format: 'JSONEachRow',
          clickhouse_settings: settings(tag),
        }),
      );
    },
    async insertRowBinary(tag, table, payload) {
      if (payload.length === 0) return;
      if (!opts.bulk) throw new Error('RowBinary inserts need the embedded engine');
      await opts.bulk(`${database}.${table}`, 'RowBinary', payload, settings(tag));
    },
    close: () => client.close(),
  };
}
