import { createTable, type DdlContext } from '../ddl.js';
import type { Migration } from './types.js';

// The audit trail as one hash chain per writer (each `ward serve` process), so several processes on one
// ClickHouse server never fork a chain. Plain MergeTree: a forged row inserted beside a real one stays visible
// (no replacing merge hides it), and retention drops whole monthly partitions (ttl_only_drop_parts), never
// single rows. Signed checkpoints live apart and are kept longer than the records they cover.
function statements(ctx: DdlContext): string[] {
  return [
    ...createTable(ctx, {
      name: 'audit_chain',
      columns: `
  writer String,
  seq UInt64,
  time DateTime64(3, 'UTC'),
  actor String,
  action LowCardinality(String),
  target String,
  details String,
  prev_hash String,
  hash String`,
      engine: 'MergeTree',
      tail: 'PARTITION BY toYYYYMM(time) ORDER BY (writer, seq) SETTINGS ttl_only_drop_parts = 1',
      shardingKey: 'cityHash64(writer)',
    }),
    ...createTable(ctx, {
      name: 'audit_checkpoints',
      columns: `
  writer String,
  seq UInt64,
  head String,
  time DateTime64(3, 'UTC'),
  key_id String,
  public_key String,
  signature String`,
      engine: 'MergeTree',
      tail: 'ORDER BY (writer, seq, time)',
      shardingKey: 'cityHash64(writer)',
    }),
  ];
}

export const migration: Migration = {
  id: 20,
  name: 'audit chains per writer, signed checkpoints',
  statements,
};
