import { createTable, type DdlContext } from '../ddl.js';
import type { Migration } from './types.js';

// The retention (TTL days) last applied to each table, so a change is noticed, applied and audited once.
function statements(ctx: DdlContext): string[] {
  return createTable(ctx, {
    name: 'retention_settings',
    columns: `
  table_name String,
  days UInt32,
  changed_at DateTime64(3, 'UTC'),
  changed_by String`,
    engine: 'ReplacingMergeTree',
    engineArgs: 'changed_at',
    tail: 'ORDER BY table_name',
    shardingKey: '0',
  });
}

export const migration: Migration = { id: 21, name: 'retention settings', statements };
