import { addColumns, createTable, type DdlContext } from '../ddl.js';
import type { Migration } from './types.js';

// "Always allow" grants made when an analyst approves with scope session or project, and the two facts an
// approval request needs for that: the runner's workspace (project) and whether its gate offered a grant.
function statements(ctx: DdlContext): string[] {
  return [
    ...addColumns(ctx, 'approvals', ["project String DEFAULT ''", 'grantable UInt8 DEFAULT 0']),
    ...createTable(ctx, {
      name: 'grants',
      columns: `
  id String,
  created_at DateTime64(3, 'UTC'),
  scope LowCardinality(String),
  session_id String,
  project String,
  prefix Array(String),
  max_risk Float64,
  granted_by String,
  reason String,
  approval_id String,
  command String,
  revoked UInt8,
  version UInt64`,
      engine: 'ReplacingMergeTree',
      engineArgs: 'version',
      tail: 'ORDER BY id',
      shardingKey: 'cityHash64(id)',
    }),
  ];
}

export const migration: Migration = { id: 5, name: 'grants', statements };
