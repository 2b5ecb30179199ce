import { randomUUID } from 'node:crypto';
import { mkdir, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { ClickHouseClient, ClickHouseSettings } from '@clickhouse/client';

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
  insert(tag: string, table: string, rows: readonly object[]): Promise<void>;
  /** Inserts a ready JSONEachRow payload (the ingest hot path: no per-row work on this thread). */
  insertJsonEachRow(tag: string, table: string, payload: Uint8Array): Promise<void>;
  /**
   * Inserts a ready RowBinary payload holding `columns` (typed by `structure`, the file() structure). Embedded
   * engine only: the server path stores JSONEachRow.
   */
  insertRowBinary(
    tag: string,
    table: string,
    columns: readonly string[],
    structure: string,
    payload: Uint8Array,
  ): Promise<void>;
  close(): Promise<void>;
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

const RETRYABLE = /ECONNRESET|ECONNREFUSED|EPIPE|ETIMEDOUT|socket hang up|Timeout error/i;

/** Engine-specific fast path for JSONEachRow payloads (chDB hands the buffer to its parser zero-copy). */
export type RawInsert = (table: string, payload: Uint8Array, settings: ClickHouseSettings) => Promise<void>;

export function createDb(
  client: ClickHouseClient,
  database: string,
  opts: {
    retries?: number;
    rawInsert?: RawInsert;
    /** Private directory for RowBinary payload files (embedded engine: it reads them with file()). */
    fileInsertDir?: string;
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
  const settings = (tag: string): ClickHouseSettings => ({ log_comment: `ward:${tag}` });
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
    async insert(tag, table, rows) {
      if (rows.length === 0) return;
      await withRetry(() =>
        client.insert({
          table: `${database}.${table}`,
          values: rows as object[],
          format: 'JSONEachRow',
          clickhouse_settings: settings(tag),
        }),
      );
    },
    async insertJsonEachRow(tag, table, payload) {
      if (payload.length === 0) return;
      const qualified = `${database}.${table}`;
      if (opts.rawInsert) {
        const raw = opts.rawInsert;
        await withRetry(() => raw(qualified, payload, settings(tag)));
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
    async insertRowBinary(tag, table, columns, structure, payload) {
      if (payload.length === 0) return;
      const dir = opts.fileInsertDir;
      if (!dir) throw new Error('RowBinary inserts need the embedded engine');
      for (const name of [database, table, ...columns]) {
        if (!IDENTIFIER.test(name)) throw new Error(`not a plain identifier: ${JSON.stringify(name)}`);
      }
      await mkdir(dir, { recursive: true, mode: 0o700 });
      const path = join(dir, `${table}-${randomUUID()}.rowbinary`);
      await writeFile(path, payload, { mode: 0o600, flag: 'wx' });
      try {
        await this.command(
          tag,
          `INSERT INTO ${database}.${table} (${columns.join(', ')})
           SELECT * FROM file({path:String}, 'RowBinary', {structure:String})`,
          { path, structure },
        );
      } finally {
        await unlink(path).catch(() => {});
      }
    },
    close: () => client.close(),
  };
}
