import { createTable, type DdlContext } from '../ddl.js';
import type { Migration } from './types.js';

// Approvals, alerts and the audit trail. Mutable records (approvals, alerts) are versioned rows in a
// ReplacingMergeTree: every change inserts a new version, reads take the latest with FINAL.
function statements(ctx: DdlContext): string[] {
  return [
    ...createTable(ctx, {
      name: 'approvals',
      columns: `
  id String,
  created_at DateTime64(3, 'UTC'),
  expires_at DateTime64(3, 'UTC'),
  session_id String,
  agent LowCardinality(String),
  command String,
  cwd String,
  risk Float64,
  reasons String,
  requested_by String,
  status LowCardinality(String),
  scope LowCardinality(String),
  decided_by String,
  decided_at Nullable(DateTime64(3, 'UTC')),
  decision_reason String,
  version UInt64`,
      engine: 'ReplacingMergeTree',
      engineArgs: 'version',
      tail: 'ORDER BY id',
      shardingKey: 'cityHash64(id)',
    }),
    ...createTable(ctx, {
      name: 'alerts',
      columns: `
  alert_id String,
  time DateTime64(9, 'UTC'),
  rule_id LowCardinality(String),
  title String,
  severity LowCardinality(String),
  attack_ids Array(LowCardinality(String)),
  session_id String,
  agent LowCardinality(String),
  event_ids Array(String),
  explanation String,
  score Float64,
  status LowCardinality(String),
  assignee String,
  updated_at DateTime64(3, 'UTC')`,
      engine: 'ReplacingMergeTree',
      engineArgs: 'updated_at',
      tail: 'PARTITION BY toYYYYMM(time) ORDER BY (alert_id)',
      shardingKey: 'cityHash64(alert_id)',
    }),
    ...createTable(ctx, {
      name: 'audit_log',
      columns: `
  seq UInt64,
  time DateTime64(3, 'UTC'),
  actor String,
  action LowCardinality(String),
  target String,
  details String,
  prev_hash String,
  hash String`,
      engine: 'ReplacingMergeTree',
      tail: 'ORDER BY seq',
      shardingKey: '0',
    }),
  ];
}

export const migration: Migration = { id: 3, name: 'approvals, alerts, audit log', statements };
