import type { Db } from '../db.js';
import { addColumns, type DdlContext, onCluster, ttlClause } from '../ddl.js';
import { GRANULE_BYTES } from './0061-ingest-small-granules.js';
import { WIDE_PART_BYTES } from './0063-ingest-wide-parts.js';
import type { Migration } from './types.js';

// agent_events keeps the EARLIEST arrival of a key (time, event_id), not the last. Reports place an event by when
// Ward received it (`ingested_at`), and the id derives from the record: an agent holding its ingest token that
// sent one of its own records again (in another body, so no receipt matches) gave it a new receive time, and the
// table, a ReplacingMergeTree without a version, kept that copy. The event left the period it was reported in
// and showed in a later one. The version is now `arrival_rank`, larger for an earlier arrival; FINAL reads and
// merges both keep the row with the largest. It is MATERIALIZED from ingested_at: no insert can set it, and rows
// written before keep their ingest times and get their rank from them.
//
// The version of a ReplacingMergeTree is fixed when the table is created: a table like the old one (its columns,
// codecs, indexes, partitioning, sorting, TTL and settings as they stand, read from the server) is made with the
// version, and the rows go over. On a single node the old table's partitions are moved (no row copied, none ever
// in both), the two exchanged, rows another instance stored meanwhile moved after, the old one dropped, as
// migration 61 does; a run that stopped keeps what it moved and goes on. A cluster's rows are copied through the
// Distributed tables into a new Replicated table and the local tables exchanged, as migration 46 does; a copy a
// run left half-filled is dropped and made again.
const ARRIVAL_RANK = 'arrival_rank';
const RANK_COLUMN = `${ARRIVAL_RANK} UInt64 MATERIALIZED bitNot(toUInt64(toUnixTimestamp64Milli(ingested_at)))`;
const COPY = 'agent_events_v70';
const KEY_TAIL = 'PARTITION BY toYYYYMM(time) ORDER BY (time, event_id)';
const PARTITION_ID = /^[0-9A-Za-z_-]+$/;
const HAS_RANK = new RegExp(`ReplacingMergeTree\\((?:[^)]*, *)?${ARRIVAL_RANK}\\)`);

const name = (ctx: DdlContext, t: string) => `"${ctx.database}"."${t}"`;
const local = (ctx: DdlContext, t: string) => (ctx.cluster ? `${t}_local` : t);

/** The engine clause of the copy: the old storage (`tail`: PARTITION BY … up to its SETTINGS) with the version. */
function engine(ctx: DdlContext, tail: string): string {
  if (!tail.startsWith(KEY_TAIL))
    throw new Error(`agent_events is not partitioned and sorted as expected: ${tail}`);
  if (!ctx.cluster) return `ReplacingMergeTree(${ARRIVAL_RANK}) ${tail}`;
  const path = `'/clickhouse/tables/{shard}/${ctx.database}/${COPY}_local', '{replica}'`;
  return `ReplicatedReplacingMergeTree(${path}, ${ARRIVAL_RANK}) ${tail}`;
}

/** The copy, made like the old table (which has the rank column by then), with the version. */
function create(ctx: DdlContext, tail: string): string[] {
  const made = [
    `CREATE TABLE ${name(ctx, local(ctx, COPY))}${onCluster(ctx)} AS ${name(ctx, local(ctx, 'agent_events'))} ENGINE = ${engine(ctx, tail)}`,
  ];
  if (ctx.cluster)
    made.push(
      `CREATE TABLE ${name(ctx, COPY)}${onCluster(ctx)} AS ${name(ctx, `${COPY}_local`)} ENGINE = Distributed('${ctx.cluster}', '${ctx.database}', '${COPY}_local', cityHash64(session_id))`,
    );
  return made;
}

function drop(ctx: DdlContext): string[] {
  const names = ctx.cluster ? [COPY, `${COPY}_local`] : [COPY];
  return names.map((n) => `DROP TABLE IF EXISTS ${name(ctx, n)}${onCluster(ctx)} SYNC`);
}

const exchange = (ctx: DdlContext) =>
  `EXCHANGE TABLES ${name(ctx, local(ctx, 'agent_events'))} AND ${name(ctx, local(ctx, COPY))}${onCluster(ctx)}`;

function moves(ctx: DdlContext, from: string, to: string, partitions: readonly string[]): string[] {
  for (const p of partitions)
    if (!PARTITION_ID.test(p)) throw new Error(`unexpected partition id ${JSON.stringify(p)} in ${from}`);
  return partitions.map(
    (p) => `ALTER TABLE ${name(ctx, from)} MOVE PARTITION ID '${p}' TO TABLE ${name(ctx, to)}`,
  );
}

/**
 * A single node: the rank column on the old table (so both have the same columns and parts can move), the copy
 * unless a stopped run made it, the partitions moved, the exchange, rows stored meanwhile moved after, the drop.
 */
function rebuildByMoves(ctx: DdlContext, tail: string, partitions: readonly string[], copyExists: boolean) {
  return [
    ...addColumns(ctx, 'agent_events', [RANK_COLUMN]),
    ...(copyExists ? [] : create(ctx, tail)),
    ...moves(ctx, 'agent_events', COPY, partitions),
    exchange(ctx),
    ...moves(ctx, COPY, 'agent_events', partitions),
    ...drop(ctx),
  ];
}

/** A cluster: the rank column, a new copy filled through the Distributed tables, the local tables exchanged. */
function rebuildByCopy(ctx: DdlContext, tail: string): string[] {
  return [
    ...addColumns(ctx, 'agent_events', [RANK_COLUMN]),
    ...drop(ctx),
    ...create(ctx, tail),
    // `*` is every stored column but the MATERIALIZED ones (sender, the rank): those are computed again.
    `INSERT INTO ${name(ctx, COPY)} SELECT * FROM ${name(ctx, 'agent_events')}`,
    exchange(ctx),
    ...drop(ctx),
  ];
}

/** The storage clause of a table as migrations 46 to 66 leave it (for review and `EXPLAIN AST`). */
function freshTail(ctx: DdlContext): string {
  const settings = [
    ...(ctx.cluster ? [] : [`index_granularity_bytes = ${GRANULE_BYTES}`]),
    'merge_selector_base = 20',
    'vertical_merge_algorithm_min_rows_to_activate = 1',
    `min_bytes_for_wide_part = ${WIDE_PART_BYTES}`,
  ];
  return `${KEY_TAIL} ${ttlClause('toDateTime(time)', ctx.eventsTtlDays)} SETTINGS ${settings.join(', ')}`;
}

function statements(ctx: DdlContext): string[] {
  return ctx.cluster
    ? rebuildByCopy(ctx, freshTail(ctx))
    : [...drop(ctx), ...rebuildByMoves(ctx, freshTail(ctx), [], false)];
}

async function plan(db: Db, ctx: DdlContext): Promise<string[]> {
  const tables = await db.query<{ name: string; engine: string }>(
    'migrate.70.tables',
    'SELECT name, engine_full AS engine FROM system.tables WHERE database = {d:String} AND name IN {n:Array(String)}',
    { d: ctx.database, n: [local(ctx, 'agent_events'), local(ctx, COPY)] },
  );
  const live = tables.find((t) => t.name === local(ctx, 'agent_events'))?.engine ?? '';
  const copy = tables.find((t) => t.name === local(ctx, COPY))?.engine;
  const partitionsOf = async (t: string) =>
    (
      await db.query<{ p: string }>(
        'migrate.70.partitions',
        'SELECT DISTINCT partition_id AS p FROM system.parts WHERE database = {d:String} AND table = {t:String} AND active ORDER BY p',
        { d: ctx.database, t },
      )
    ).map((r) => r.p);
  if (HAS_RANK.test(live)) {
    // Exchanged already (a run stopped before its drop): rows still under the copy's name (the old table) are
    // moved over first on a single node; a cluster's copy was filled before the exchange.
    if (ctx.cluster || copy === undefined) return drop(ctx);
    return [...moves(ctx, COPY, 'agent_events', await partitionsOf(COPY)), ...drop(ctx)];
  }
  const at = live.indexOf(' PARTITION BY ');
  if (at < 0) throw new Error(`agent_events has no partition clause: ${live}`);
  const tail = live.slice(at + 1);
  if (ctx.cluster) return rebuildByCopy(ctx, tail);
  // A copy from a run that stopped during its moves holds rows already: it is kept and filled further.
  const copyExists = copy !== undefined && HAS_RANK.test(copy);
  return [
    ...(copy !== undefined && !copyExists ? drop(ctx) : []),
    ...rebuildByMoves(ctx, tail, await partitionsOf('agent_events'), copyExists),
  ];
}

export const migration: Migration = {
  id: 70,
  name: 'agent_events keep the earliest arrival',
  statements,
  plan,
};
