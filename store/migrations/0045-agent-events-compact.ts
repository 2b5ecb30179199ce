import { addColumns, type DdlContext, onCluster } from '../ddl.js';
import type { Migration } from './types.js';

// Long attribute values are kept once, in the raw row: agent_events keeps a prefix and, per elided key, the
// hash of the full value (store/rows/elide.ts). Existing rows keep their full values inline (the column's
// default is an empty map, read as "nothing elided"), so no rewrite is needed and old rows read as before.
// Codecs: times as deltas, the nullable numbers and ids through ZSTD. A changed codec applies to new parts and
// to old ones as they merge. event_id gets a bloom filter: alert evidence and /api/events/:id/raw look rows
// up by id alone.
function statements(ctx: DdlContext): string[] {
  const db = `"${ctx.database}"`;
  const table = ctx.cluster ? 'agent_events_local' : 'agent_events';
  const alter = (what: string) => `ALTER TABLE ${db}."${table}"${onCluster(ctx)} ${what}`;
  return [
    ...addColumns(ctx, 'agent_events', ['attributes_ref Map(LowCardinality(String), UInt64) CODEC(ZSTD(1))']),
    alter(
      [
        'MODIFY COLUMN event_id CODEC(ZSTD(1))',
        'MODIFY COLUMN raw_time CODEC(Delta(8), ZSTD(1))',
        'MODIFY COLUMN ingested_at CODEC(Delta(8), ZSTD(1))',
        'MODIFY COLUMN exit_code CODEC(ZSTD(1))',
        'MODIFY COLUMN duration_ms CODEC(ZSTD(1))',
        'MODIFY COLUMN bytes_in CODEC(ZSTD(1))',
        'MODIFY COLUMN bytes_out CODEC(ZSTD(1))',
        'MODIFY COLUMN success CODEC(ZSTD(1))',
        'MODIFY COLUMN missing CODEC(ZSTD(1))',
      ].join(', '),
    ),
    alter('ADD INDEX IF NOT EXISTS idx_event_id event_id TYPE bloom_filter(0.001) GRANULARITY 1'),
    alter('MATERIALIZE INDEX idx_event_id'),
  ];
}

export const migration: Migration = { id: 45, name: 'agent_events: long values once, codecs', statements };
