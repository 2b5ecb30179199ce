import { type DdlContext, onCluster } from '../ddl.js';
import { VERTICAL_MERGE_TABLES } from './0062-ingest-vertical-merges.js';
import type { Migration } from './types.js';

// Migration 62 kept parts compact (one file for all columns) up to 32 MiB, so that an insert at the 16 MiB batch
// bound was not written as a wide part with a buffer per column (105–190 MiB for one insert against 18–50).
// Compact parts of 20–32 MiB, left by merges and by large inserts, made the API's reads slower: bench:query at
// 10M events, GET /api/events p95 126 and 114 ms against 113 and 94 at 33eaa84; with wide parts from 20 MiB,
// 87 ms. 20 MiB is still above what one insert holds (`batch.maxBatchBytes`, 16 MiB of payload).
export const WIDE_PART_BYTES = 20 * 2 ** 20;

function statements(ctx: DdlContext): string[] {
  const local = (t: string) => (ctx.cluster ? `${t}_local` : t);
  return VERTICAL_MERGE_TABLES.map(
    (t) =>
      `ALTER TABLE "${ctx.database}"."${local(t)}"${onCluster(ctx)} MODIFY SETTING min_bytes_for_wide_part = ${WIDE_PART_BYTES}`,
  );
}

export const migration: Migration = { id: 63, name: 'ingest tables: wide parts from 20 MiB', statements };
