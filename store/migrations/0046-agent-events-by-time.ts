import type { Db } from '../db.js';
import { createTable, type DdlContext, onCluster, ttlClause } from '../ddl.js';
import type { Migration } from './types.js';

// agent_events sorted by (time, event_id) instead of (agent, session_id, time, event_id): the API's event list
// is newest first over everything (optionally filtered), and with time leading the key ClickHouse reads that in
// order and stops at the page; a session's events are found through the session_id bloom filter (a session's
// events are close in time, so few granules). Reports and the overview filter on time too. ReplacingMergeTree
// still collapses a retried export: (time, event_id) are both derived from the raw record.
// A sorting key cannot be altered: a new table is filled from the old one and the two are exchanged (Atomic
// databases swap them in one step), then the old one is dropped. Rows keep their ingested_at, so the analyzer's
// watermark stays valid.
const NEW = 'agent_events_v46';
const KEY = 'time, event_id';
const COLUMN_NAMES = `event_id, time, agent, agent_version, session_id, user_id, host, repo, cwd, kind, event_name,
  tool, call_id, command, target, decision, decision_source, exit_code, duration_ms, bytes_in, bytes_out, success,
  trace_id, span_id, raw_table, raw_time, attributes, missing, ingested_at, attributes_ref`;

function columns(): string {
  return `
  event_id String CODEC(ZSTD(1)),
  time DateTime64(9, 'UTC') CODEC(Delta(8), ZSTD(1)),
  agent LowCardinality(String),
  agent_version LowCardinality(String),
  session_id String CODEC(ZSTD(1)),
  user_id String CODEC(ZSTD(1)),
  host LowCardinality(String),
  repo String CODEC(ZSTD(1)),
  cwd String CODEC(ZSTD(1)),
  kind LowCardinality(String),
  event_name LowCardinality(String),
  tool LowCardinality(String),
  call_id String CODEC(ZSTD(1)),
  command String CODEC(ZSTD(1)),
  target String CODEC(ZSTD(1)),
  decision LowCardinality(String),
  decision_source LowCardinality(String),
  exit_code Nullable(Int32) CODEC(ZSTD(1)),
  duration_ms Nullable(Float64) CODEC(ZSTD(1)),
  bytes_in Nullable(UInt64) CODEC(ZSTD(1)),
  bytes_out Nullable(UInt64) CODEC(ZSTD(1)),
  success Nullable(Bool) CODEC(ZSTD(1)),
  trace_id String CODEC(ZSTD(1)),
  span_id String CODEC(ZSTD(1)),
  raw_table LowCardinality(String),
  raw_time DateTime64(9, 'UTC') CODEC(Delta(8), ZSTD(1)),
  attributes Map(LowCardinality(String), String) CODEC(ZSTD(1)),
  missing Array(LowCardinality(String)) CODEC(ZSTD(1)),
  ingested_at DateTime64(3, 'UTC') DEFAULT now64(3) CODEC(Delta(8), ZSTD(1)),
  attributes_ref Map(LowCardinality(String), UInt64) CODEC(ZSTD(1)),
  INDEX idx_session session_id TYPE bloom_filter(0.001) GRANULARITY 1,
  INDEX idx_event_id event_id TYPE bloom_filter(0.001) GRANULARITY 1,
  INDEX idx_command command TYPE ngrambf_v1(3, 65536, 2, 0) GRANULARITY 4,
  INDEX idx_kind kind TYPE set(32) GRANULARITY 1,
  INDEX idx_ingested ingested_at TYPE minmax GRANULARITY 1`;
}

function rebuild(ctx: DdlContext, ttlDays: number): string[] {
  const db = `"${ctx.database}"`;
  const local = (t: string) => (ctx.cluster ? `${t}_local` : t);
  return [
    // A copy left half-filled by an interrupted run: start it over.
    ...drop(ctx),
    ...createTable(ctx, {
      name: NEW,
      columns: columns(),
      engine: 'ReplacingMergeTree',
      tail: `PARTITION BY toYYYYMM(time) ORDER BY (${KEY}) ${ttlClause('toDateTime(time)', ttlDays)}`,
      shardingKey: 'cityHash64(session_id)',
    }),
    `INSERT INTO ${db}."${NEW}" (${COLUMN_NAMES}) SELECT ${COLUMN_NAMES} FROM ${db}."agent_events"`,
    `EXCHANGE TABLES ${db}."${local('agent_events')}" AND ${db}."${local(NEW)}"${onCluster(ctx)}`,
    ...drop(ctx),
  ];
}

function drop(ctx: DdlContext): string[] {
  const db = `"${ctx.database}"`;
  const names = ctx.cluster ? [NEW, `${NEW}_local`] : [NEW];
  return names.map((n) => `DROP TABLE IF EXISTS ${db}."${n}"${onCluster(ctx)} SYNC`);
}

async function plan(db: Db, ctx: DdlContext): Promise<string[]> {
  const [table] = await db.query<{ key: string }>(
    'migrate.46.key',
    'SELECT sorting_key AS key FROM system.tables WHERE database = {db:String} AND name = {t:String}',
    { db: ctx.database, t: ctx.cluster ? 'agent_events_local' : 'agent_events' },
  );
  // Exchanged already (an earlier run stopped before its last drop): only the old copy is left to drop.
  if (table?.key === KEY) return drop(ctx);
  const [retention] = await db.query<{ days: string | number }>(
    'migrate.46.ttl',
    `SELECT days FROM "${ctx.database}".retention_settings FINAL WHERE table_name = 'agent_events'`,
  );
  return rebuild(ctx, retention ? Number(retention.days) : ctx.eventsTtlDays);
}

export const migration: Migration = {
  id: 46,
  name: 'agent_events sorted by time',
  statements: (ctx) => rebuild(ctx, ctx.eventsTtlDays),
  plan,
};
