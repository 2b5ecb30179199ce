import { addColumns, createTable, type DdlContext, onCluster } from '../ddl.js';
import type { Migration } from './types.js';

// The analyzer's tables. Alerts gain the triage fields (one row version per change; the alert id is a hash of
// session and detector so a re-run or a second worker writes the same row). Analyzer state (watermark, lease)
// and session risk are versioned rows; sightings feed novelty (first seen per agent/user/repo, fleet rarity).
function statements(ctx: DdlContext): string[] {
  const db = `"${ctx.database}"`;
  return [
    // The analyzer reads agent_events by ingest time: a min/max index lets it skip what it has read.
    ...(ctx.cluster ? ['agent_events_local'] : ['agent_events']).map(
      (t) =>
        `ALTER TABLE ${db}."${t}"${onCluster(ctx)} ADD INDEX IF NOT EXISTS idx_ingested ingested_at TYPE minmax GRANULARITY 1`,
    ),
    ...addColumns(ctx, 'alerts', [
      "user_id String DEFAULT ''",
      "repo String DEFAULT ''",
      'detectors Array(String) DEFAULT []',
      "notes String DEFAULT '[]'",
      "history String DEFAULT '[]'",
      "first_seen DateTime64(9, 'UTC') DEFAULT time",
      "last_seen DateTime64(9, 'UTC') DEFAULT time",
      'evidence_count UInt32 DEFAULT 0',
    ]),
    ...createTable(ctx, {
      name: 'analyzer_state',
      columns: `
  key String,
  value String,
  updated_at DateTime64(6, 'UTC')`,
      engine: 'ReplacingMergeTree',
      engineArgs: 'updated_at',
      tail: 'ORDER BY key',
      shardingKey: '0',
    }),
    ...createTable(ctx, {
      name: 'session_risk',
      columns: `
  session_id String,
  agent LowCardinality(String),
  user_id String,
  repo String,
  risk Float64,
  factors String,
  updated_at DateTime64(6, 'UTC')`,
      engine: 'ReplacingMergeTree',
      engineArgs: 'updated_at',
      tail: 'ORDER BY session_id',
      shardingKey: 'cityHash64(session_id)',
    }),
    ...createTable(ctx, {
      name: 'analyzer_sightings',
      columns: `
  key String,
  session_id String,
  agent LowCardinality(String),
  user_id String,
  repo String,
  time DateTime64(3, 'UTC')`,
      engine: 'ReplacingMergeTree',
      tail: 'ORDER BY (key, session_id)',
      shardingKey: 'cityHash64(key)',
    }),
    ...createTable(ctx, {
      name: 'analyzer_suppressions',
      columns: `
  id String,
  detector LowCardinality(String),
  scope LowCardinality(String),
  scope_value String,
  value String,
  created_by String,
  created_at DateTime64(3, 'UTC'),
  reason String,
  alert_id String,
  active UInt8,
  updated_at DateTime64(6, 'UTC')`,
      engine: 'ReplacingMergeTree',
      engineArgs: 'updated_at',
      tail: 'ORDER BY id',
      shardingKey: '0',
    }),
  ];
}

export const migration: Migration = {
  id: 10,
  name: 'analyzer: alert triage, state, risk, sightings',
  statements,
};
