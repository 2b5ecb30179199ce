import { createTable, type DdlContext } from '../ddl.js';
import type { Migration } from './types.js';

// Session risk per sending token: what a runner reads of a session (GET /api/risk). A session id is the client's
// to choose, so two tokens can name one session (an agent holding its own runner's token can send into another
// runner's session under an id it predicts); each token then reads the risk of its own events only, never what
// the other's add, whoever named the session first. Versioned rows, as session_risk.
function statements(ctx: DdlContext): string[] {
  return createTable(ctx, {
    name: 'session_sender_risk',
    columns: `
  session_id String,
  sender LowCardinality(String),
  risk Float64,
  updated_at DateTime64(6, 'UTC')`,
    engine: 'ReplacingMergeTree',
    engineArgs: 'updated_at',
    tail: 'ORDER BY (session_id, sender)',
    shardingKey: 'cityHash64(session_id)',
  });
}

export const migration: Migration = { id: 67, name: 'session risk per sending token', statements };
