import type { Db } from './db.js';

/** Bytes a table holds in its active parts (after merges when `optimize` ran first). */
export interface TableSize {
  table: string;
  rows: number;
  parts: number;
  bytesOnDisk: number;
  uncompressedBytes: number;
}

/** Compressed and uncompressed bytes of one column. */
export interface ColumnSize {
  column: string;
  type: string;
  compressedBytes: number;
  uncompressedBytes: number;
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Storage measurements (benchmarks, `ward doctor`): sizes from system.parts and system.columns. */
export function createStorageStatsRepo(db: Db, database: string) {
  return {
    /** Merges every part of `table` (OPTIMIZE … FINAL): the size a table settles at, and duplicates gone. */
    async optimize(table: string): Promise<void> {
      if (!IDENTIFIER.test(table)) throw new Error(`not a plain identifier: ${JSON.stringify(table)}`);
      await db.command(
        'storage.optimize',
        `OPTIMIZE TABLE "${database}"."${table}" FINAL`,
        {},
        {
          // chDB runs merges on the caller's thread: wait for the merged part rather than a background one.
          mutations_sync: '2',
        },
      );
    },
    /** Merges running now in this database (a benchmark waits for them before it measures reads). */
    async activeMerges(): Promise<number> {
      const [row] = await db.query<{ n: string }>(
        'storage.merges',
        'SELECT count() AS n FROM system.merges WHERE database = {db:String}',
        { db: database },
      );
      return Number(row?.n ?? 0);
    },
    async tables(): Promise<TableSize[]> {
      const rows = await db.query<{
        table: string;
        rows: string;
        parts: string;
        bytes: string;
        raw: string;
      }>(
        'storage.tables',
        `SELECT table, sum(rows) AS rows, count() AS parts, sum(bytes_on_disk) AS bytes,
                sum(data_uncompressed_bytes) AS raw
         FROM system.parts WHERE database = {db:String} AND active
         GROUP BY table ORDER BY table`,
        { db: database },
      );
      return rows.map((r) => ({
        table: r.table,
        rows: Number(r.rows),
        parts: Number(r.parts),
        bytesOnDisk: Number(r.bytes),
        uncompressedBytes: Number(r.raw),
      }));
    },
    async columns(table: string): Promise<ColumnSize[]> {
      const rows = await db.query<{ name: string; type: string; c: string; u: string }>(
        'storage.columns',
        // parts_columns: system.columns counts only wide parts' files; compact parts report per column here.
        `SELECT column AS name, any(type) AS type, sum(column_data_compressed_bytes) AS c,
                sum(column_data_uncompressed_bytes) AS u
         FROM system.parts_columns WHERE database = {db:String} AND table = {t:String} AND active
         GROUP BY column ORDER BY c DESC`,
        { db: database, t: table },
      );
      return rows.map((r) => ({
        column: r.name,
        type: r.type,
        compressedBytes: Number(r.c),
        uncompressedBytes: Number(r.u),
      }));
    },
  };
}
export type StorageStatsRepo = ReturnType<typeof createStorageStatsRepo>;
