import { createTable, type DdlContext } from '../ddl.js';
import type { Migration } from './types.js';

// The secrets each session read lately, as the hook endpoint noted them (gate/read-then-send.ts): kept in
// ClickHouse beside each instance's memory, so a send that reaches another instance behind a load balancer, or
// this one after a restart, still asks. Rows are small (a session id, a token id, a time and a line of text) and
// only matter for the read-then-send window (30 minutes); they are kept a day.
function statements(ctx: DdlContext): string[] {
  return createTable(ctx, {
    name: 'session_secret_reads',
    columns: `
  session_id String,
  caller String,
  at DateTime64(3, 'UTC'),
  what String`,
    engine: 'MergeTree',
    tail: `ORDER BY (session_id, at) TTL toDateTime(at) + INTERVAL 1 DAY`,
    shardingKey: 'cityHash64(session_id)',
  });
}

export const migration: Migration = { id: 65, name: 'secret reads per session', statements };
