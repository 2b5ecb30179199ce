import { type DdlContext, onCluster } from '../ddl.js';
import { METRIC_TABLES } from '../rows/otel-metrics.js';
import type { Migration } from './types.js';

// Every merge of the ingest tables is a vertical one: the sorting key's columns are merged first, then each
// other column alone, instead of all columns of all parts at once. ClickHouse chooses the horizontal merge
// for fewer than 131,072 rows, which is every merge of ingest's small parts, and a horizontal merge of 17
// compact parts held ~10 MiB per part whatever the rows: 173 MiB for 29k ordinary agent_events rows (14 MiB of
// data), 218 MiB for 6k rows of 8 KiB commands. Vertically the same merges took 28 and 74 MiB, in the same time
// (chDB 26.7, measured on the rows bench:ingest and bench:flood store). ClickHouse still merges a table with
// fewer than 11 columns outside its sorting key horizontally (vertical_merge_algorithm_min_columns_to_activate).
const MIN_ROWS = 1;
const WIDE_BYTES = 32 * 2 ** 20;

export const VERTICAL_MERGE_TABLES = ['otel_logs', 'otel_traces', ...METRIC_TABLES, 'agent_events'];

function statements(ctx: DdlContext): string[] {
  const local = (t: string) => (ctx.cluster ? `${t}_local` : t);
  return VERTICAL_MERGE_TABLES.map(
    (t) =>
      `ALTER TABLE "${ctx.database}"."${local(t)}"${onCluster(ctx)} ` +
      `MODIFY SETTING vertical_merge_algorithm_min_rows_to_activate = ${MIN_ROWS}, min_bytes_for_wide_part = ${WIDE_BYTES}`,
  );
}

export const migration: Migration = { id: 62, name: 'ingest tables: vertical merges', statements };
