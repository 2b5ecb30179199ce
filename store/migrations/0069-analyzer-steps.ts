import { createTable, type DdlContext } from '../ddl.js';
import type { Migration } from './types.js';

// The first steps of sequences a session took (a refusal, a delete, an object-storage endpoint it set, a file it
// wrote to fetch that an install script may run), as the analyzer marked them: a session rebuilt from its newest
// events after a restart or an eviction has them back though the replay no longer holds them. Written by the
// analyzer only, a bounded number per session and family (`seq`, analyzer/session-steps.ts).
function statements(ctx: DdlContext): string[] {
  return createTable(ctx, {
    name: 'analyzer_steps',
    columns: `
  session_id String,
  family LowCardinality(String),
  seq UInt32,
  list String,
  time DateTime64(3, 'UTC'),
  mark String`,
    engine: 'ReplacingMergeTree',
    tail: 'ORDER BY (session_id, family, seq)',
    shardingKey: 'cityHash64(session_id)',
  });
}

export const migration: Migration = { id: 69, name: 'analyzer first steps per session', statements };
