import type { Db } from '../db.js';
import type { DdlContext } from '../ddl.js';
import { METRIC_TABLES } from '../rows/otel-metrics.js';
import type { Migration } from './types.js';

// The ingest tables get granules of at most 1 MiB (ClickHouse's default is 10 MiB). A merge reads one granule of
// every column of every part it merges at once, so rows near the size limits, which anyone holding an ingest
// token can send, made merges as large as the data: two merges of 17 parts of 48 KiB rows (commands of 8,100 CJK
// characters) took 385 and 347 MiB and `ward serve` 1.8 GiB in all, over its 1 GiB bound. With 1 MiB granules a
// merge of the same parts takes a few tens of MiB. Ordinary rows (~1 KiB) get ~1,000-row granules instead of
// 8,192: more marks, bench:query measures the API's reads with them.
//
// The setting is fixed when a table is created. Each table is made again with it: a new table like the old one,
// the old one's partitions moved into it (moved, so no row is ever in both), the two exchanged (one step in an
// Atomic database), the old one dropped. Parts written before keep their granules until they are merged.
// With several instances on one ClickHouse server, rows another instance stores in the old table during the
// moves are moved after the exchange too; only rows of a partition that did not exist when the migration
// started, stored in that window, would go with the old table. A cluster's tables are left as they are: their
// servers bound merges with their own memory settings, and a Replicated table would need the move on every
// replica.
export const GRANULE_BYTES = 1_048_576;

const TABLES = ['otel_logs', 'otel_traces', ...METRIC_TABLES, 'agent_events'];
const SUFFIX = '_v61';
const PARTITION_ID = /^[0-9A-Za-z_-]+$/;
const HAS_SETTING = new RegExp(`\\bindex_granularity_bytes = ${GRANULE_BYTES}\\b`);

const name = (ctx: DdlContext, t: string) => `"${ctx.database}"."${t}"`;

/** The new table, the partitions moved into it, the exchange, late rows moved after, the old table dropped. */
function rebuild(
  ctx: DdlContext,
  table: string,
  partitions: readonly string[],
  copyExists: boolean,
): string[] {
  const t = name(ctx, table);
  const copy = name(ctx, table + SUFFIX);
  for (const p of partitions)
    if (!PARTITION_ID.test(p)) throw new Error(`unexpected partition id ${JSON.stringify(p)} in ${table}`);
  const move = (from: string, to: string) =>
    partitions.map((p) => `ALTER TABLE ${from} MOVE PARTITION ID '${p}' TO TABLE ${to}`);
  return [
    ...(copyExists
      ? []
      : [`CREATE TABLE ${copy} AS ${t} SETTINGS index_granularity_bytes = ${GRANULE_BYTES}`]),
    ...move(t, copy),
    `EXCHANGE TABLES ${t} AND ${copy}`,
    // Rows another instance on the same server stored in the old table meanwhile follow them (moving a
    // partition the old table no longer has does nothing).
    ...move(copy, t),
    `DROP TABLE IF EXISTS ${copy} SYNC`,
  ];
}

function statements(ctx: DdlContext): string[] {
  if (ctx.cluster) return [];
  return TABLES.flatMap((t) => [
    `DROP TABLE IF EXISTS ${name(ctx, t + SUFFIX)} SYNC`,
    ...rebuild(ctx, t, [], false),
  ]);
}

async function plan(db: Db, ctx: DdlContext): Promise<string[]> {
  if (ctx.cluster) return [];
  const tables = await db.query<{ name: string; c: string }>(
    'migrate.61.tables',
    'SELECT name, create_table_query AS c FROM system.tables WHERE database = {d:String}',
    { d: ctx.database },
  );
  const ddl = new Map(tables.map((r) => [r.name, r.c]));
  const out: string[] = [];
  for (const table of TABLES) {
    // Exchanged already (a run stopped before its drop): what is left under the copy's name is the old table,
    // emptied by the moves.
    if (HAS_SETTING.test(ddl.get(table) ?? '')) {
      out.push(`DROP TABLE IF EXISTS ${name(ctx, table + SUFFIX)} SYNC`);
      continue;
    }
    const parts = await db.query<{ p: string }>(
      'migrate.61.partitions',
      'SELECT DISTINCT partition_id AS p FROM system.parts WHERE database = {d:String} AND table = {t:String} AND active ORDER BY p',
      { d: ctx.database, t: table },
    );
    // A copy from a run that stopped during its moves holds rows already: it is kept and filled further.
    const copy = ddl.get(table + SUFFIX);
    const copyExists = copy !== undefined && HAS_SETTING.test(copy);
    if (copy !== undefined && !copyExists) out.push(`DROP TABLE ${name(ctx, table + SUFFIX)} SYNC`);
    out.push(
      ...rebuild(
        ctx,
        table,
        parts.map((r) => r.p),
        copyExists,
      ),
    );
  }
  return out;
}

export const migration: Migration = { id: 61, name: 'ingest tables: 1 MiB granules', statements, plan };
