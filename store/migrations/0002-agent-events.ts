import { createTable, type DdlContext, ttlClause } from '../ddl.js';
import type { Migration } from './types.js';

// One normalized row per agent action. ReplacingMergeTree on a key derived only from the raw record
// (event_id is a hash of it): a retried export collapses into one row; reads use FINAL.
function statements(ctx: DdlContext): string[] {
  return createTable(ctx, {
    name: 'agent_events',
    columns: `
  event_id String,
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
  exit_code Nullable(Int32),
  duration_ms Nullable(Float64),
  bytes_in Nullable(UInt64),
  bytes_out Nullable(UInt64),
  success Nullable(Bool),
  trace_id String CODEC(ZSTD(1)),
  span_id String CODEC(ZSTD(1)),
  raw_table LowCardinality(String),
  raw_time DateTime64(9, 'UTC'),
  attributes Map(LowCardinality(String), String) CODEC(ZSTD(1)),
  missing Array(LowCardinality(String)),
  ingested_at DateTime64(3, 'UTC') DEFAULT now64(3),
  INDEX idx_session session_id TYPE bloom_filter(0.001) GRANULARITY 1,
  INDEX idx_command command TYPE ngrambf_v1(3, 65536, 2, 0) GRANULARITY 4,
  INDEX idx_kind kind TYPE set(32) GRANULARITY 1`,
    engine: 'ReplacingMergeTree',
    tail: `PARTITION BY toYYYYMM(time) ORDER BY (agent, session_id, time, event_id) ${ttlClause('toDateTime(time)', ctx.eventsTtlDays)}`,
    shardingKey: 'cityHash64(session_id)',
  });
}

export const migration: Migration = { id: 2, name: 'agent_events', statements };
