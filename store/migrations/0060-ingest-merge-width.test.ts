import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testStore } from '../../test/helpers/store.js';
import type { Db } from '../db.js';
import { ddlContext } from '../ddl.js';
import type { Store } from '../index.js';
import { migration as m60 } from './0060-ingest-merge-width.js';

describe('migration 60: wider merges on the ingest tables', () => {
  let store: Store;
  beforeAll(async () => {
    store = await testStore('ward_m60');
  });
  afterAll(async () => {
    await store?.close();
  });

  it('sets merge_selector_base on the tables ingest writes, and on no other', async () => {
    const rows = await store.db.query<{ name: string; c: string }>(
      't',
      'SELECT name, create_table_query AS c FROM system.tables WHERE database = {d:String} ORDER BY name',
      { d: store.config.database },
    );
    const wide = rows.filter((r) => /merge_selector_base = 20\b/.test(r.c)).map((r) => r.name);
    expect(wide.sort()).toEqual(
      [
        'agent_events',
        'ingest_receipts',
        'otel_logs',
        'otel_metrics_exponential_histogram',
        'otel_metrics_gauge',
        'otel_metrics_histogram',
        'otel_metrics_sum',
        'otel_metrics_summary',
        'otel_traces',
      ].sort(),
    );
    // Tables read with FINAL on the approval path keep the default merge policy.
    for (const t of ['approvals', 'alerts', 'api_tokens'])
      expect(rows.find((r) => r.name === t)?.c ?? '').not.toMatch(/merge_selector_base/);
  });

  it('does nothing on a server that has no such setting (ClickHouse before 24.12)', async () => {
    const old = { query: async () => [{ n: '0' }] } as unknown as Db;
    expect(await m60.plan?.(old, ddlContext(store.config))).toEqual([]);
    expect(await m60.plan?.(store.db, ddlContext(store.config))).toHaveLength(9);
  });
});
