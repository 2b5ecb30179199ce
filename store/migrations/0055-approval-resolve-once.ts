import type { DdlContext } from '../ddl.js';
import type { Migration } from './types.js';

// Several `ward serve` instances may decide or expire the same approval at the same moment. Each final
// version is inserted with the deduplication token `resolve:<id>`, so ClickHouse keeps the first one and
// drops the rest; every instance then reads back which one won. A single node needs a deduplication
// window for that (off by default for plain MergeTree); a cluster's Replicated tables have one already
// (replicated_deduplication_window, checked through Keeper, so it holds across replicas too).
function statements(ctx: DdlContext): string[] {
  if (ctx.cluster) return [];
  return [
    `ALTER TABLE "${ctx.database}"."approvals" MODIFY SETTING non_replicated_deduplication_window = 1000`,
  ];
}

export const migration: Migration = { id: 55, name: 'approvals resolve once across instances', statements };
