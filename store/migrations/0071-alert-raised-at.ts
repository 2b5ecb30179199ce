import { addColumns, type DdlContext } from '../ddl.js';
import type { Migration } from './types.js';

// When the analyzer first wrote an alert, kept by every later version of it (store/alerts.ts): what places the
// alert in a compliance report, as the receive time places an event. `time` is the claimed time of its first
// evidence event, which an agent sets to anything. Rows written before this column read as raised at their
// `time`, where reports placed them until now, so a report of a past period made again stays the same.
function statements(ctx: DdlContext): string[] {
  return addColumns(ctx, 'alerts', ["raised_at DateTime64(3, 'UTC') DEFAULT time"]);
}

export const migration: Migration = { id: 71, name: 'alert raised time', statements };
