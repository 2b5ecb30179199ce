import { createTable, type DdlContext } from '../ddl.js';
import type { Migration } from './types.js';

// Analysts' changes to alerts (status, assignee, notes) as rows of their own that only analysts write, one row
// per change, never replaced. Before, a change was a new version of the alert's row, which the analyzer also
// rewrites with each detection: an acknowledgement made on one instance between another instance's read of the
// alert and its write was written over. An alert's triage is now its first triage (in `alerts`) followed by
// these rows in (time, change_id) order, so no writer can undo another's change. A change names the alert by its
// id and the time it was raised (`alert_time`, the alerts' retention column, so both expire together: an id
// raised again after that is a new alert, with none of the old one's triage).
function statements(ctx: DdlContext): string[] {
  return createTable(ctx, {
    name: 'alert_triage',
    columns: `
  alert_id String,
  alert_time DateTime64(9, 'UTC'),
  time DateTime64(3, 'UTC'),
  change_id String,
  by String,
  status LowCardinality(String),
  set_assignee UInt8,
  assignee String,
  note String,
  moved UInt8`,
    engine: 'MergeTree',
    tail: `PARTITION BY toYYYYMM(alert_time) ORDER BY (alert_id, alert_time, time, change_id)`,
    // With the alert's own rows, so a shard joins an alert with its changes.
    shardingKey: 'cityHash64(alert_id)',
  });
}

export const migration: Migration = { id: 64, name: 'alert triage as rows of their own', statements };
