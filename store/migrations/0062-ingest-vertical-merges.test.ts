import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testStore } from '../../test/helpers/store.js';
import { ddlContext } from '../ddl.js';
import type { Store } from '../index.js';
import { migration as m62, VERTICAL_MERGE_TABLES } from './0062-ingest-vertical-merges.js';
import { migration as m63, WIDE_PART_BYTES } from './0063-ingest-wide-parts.js';

describe('migrations 62 and 63: vertical merges, and compact parts up to 20 MiB, on the ingest tables', () => {
  let store: Store;
  beforeAll(async () => {
    store = await testStore('ward_m62');
  });
  afterAll(async () => {
    await store?.close();
  });

  it('sets both on the tables ingest writes, and on no other', async () => {
    const rows = await store.db.query<{ name: string; c: string }>(
      't',
      'SELECT name, create_table_query AS c FROM system.tables WHERE database = {d:String} ORDER BY name',
      { d: store.config.database },
    );
    const vertical = rows
      .filter(
        (r) =>
          /vertical_merge_algorithm_min_rows_to_activate = 1\b/.test(r.c) &&
          new RegExp(`min_bytes_for_wide_part = ${WIDE_PART_BYTES}\\b`).test(r.c),
      )
      .map((r) => r.name);
    expect(vertical.sort()).toEqual([...VERTICAL_MERGE_TABLES].sort());
    expect(vertical).toContain('agent_events');
    expect(vertical).toContain('otel_logs');
    for (const t of ['approvals', 'alerts', 'ingest_receipts'])
      expect(rows.find((r) => r.name === t)?.c ?? '').not.toMatch(/vertical_merge/);
  });

  it('keeps the tables as they were otherwise: migration 61 granules and 60 merge width stay', async () => {
    const [row] = await store.db.query<{ c: string }>(
      't',
      'SELECT create_table_query AS c FROM system.tables WHERE database = {d:String} AND name = {t:String}',
      { d: store.config.database, t: 'agent_events' },
    );
    expect(row?.c).toMatch(/index_granularity_bytes = 1048576\b/);
    expect(row?.c).toMatch(/merge_selector_base = 20\b/);
  });

  it('alters the local tables on a cluster, on every replica', () => {
    const ctx = { ...ddlContext(store.config), cluster: 'c1' };
    for (const m of [m62, m63]) {
      const sql = m.statements(ctx);
      expect(sql).toHaveLength(VERTICAL_MERGE_TABLES.length);
      for (const s of sql) expect(s).toMatch(/_local" ON CLUSTER "c1" MODIFY SETTING/);
    }
  });
});
