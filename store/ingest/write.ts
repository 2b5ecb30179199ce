import type { Db } from '../db.js';
import { insertRowBinary } from '../rowbinary/insert.js';
import { ROW_BINARY_LAYOUTS, type RowBinaryTable } from '../rowbinary/tables.js';
import { type IngestCodec, type IngestPart, isIngestTable } from './codec.js';

/** The store side of ingest: the format workers encode in, and the one write every ingest part goes through. */
export function createIngestRepo(db: Db, codec: IngestCodec) {
  return {
    /** Hand this to the ingest workers' `encodeIngest` (RowBinary on the embedded engine). */
    codec,
    /**
     * Stores one encoded part. Only ingest tables, whatever a caller (or a spool file) names: never tokens,
     * approvals or audit.
     */
    async write(part: IngestPart): Promise<void> {
      if (!isIngestTable(part.table)) throw new Error(`refusing to insert ingest rows into ${part.table}`);
      if (part.format === 'JSONEachRow') {
        await db.insertJsonEachRow(`ingest.${part.table}`, part.table, part.payload);
        return;
      }
      if (!(part.table in ROW_BINARY_LAYOUTS)) throw new Error(`no RowBinary layout for table ${part.table}`);
      if (!codec.rowBinary) throw new Error('this store does not take RowBinary (a ClickHouse server)');
      await insertRowBinary(db, `ingest.${part.table}`, part.table as RowBinaryTable, part.payload);
    },
  };
}
export type IngestRepo = ReturnType<typeof createIngestRepo>;
