import { beforeAll, describe, expect, it } from 'vitest';
import { makeEvent } from '../../test/helpers/events.js';
import { testStore } from '../../test/helpers/store.js';
import { ddlContext } from '../ddl.js';
import type { Store } from '../index.js';
import { GRANULE_BYTES, migration as m61 } from './0061-ingest-small-granules.js';

/**
 * Migration 61 on an existing data dir: agent_events as earlier migrations left it (10 MiB granules), with rows in
 * two partitions, one of them already moved by a run that stopped half way, is made again with 1 MiB granules
 * without losing or doubling a row; a re-run only cleans up; a cluster is left alone.
 */
describe('migration 61 gives the ingest tables 1 MiB granules', () => {
  let store: Store;
  const db = () => store.db;
  const q = (t: string) => `"${store.config.database}"."${t}"`;
  const ddl = async (t: string) =>
    (
      await db().query<{ c: string }>(
        't',
        'SELECT create_table_query AS c FROM system.tables WHERE database = {d:String} AND name = {n:String}',
        { d: store.config.database, n: t },
      )
    )[0]?.c;
  const all = async () =>
    (await db().query<object>('t', `SELECT * FROM ${q('agent_events')} ORDER BY event_id`)).map((r) =>
      JSON.stringify(r),
    );
  const run = async (sqls: string[]) => {
    for (const sql of sqls) await db().command('t', sql);
  };
  const event = (i: number, month: string, command: string) =>
    makeEvent({
      event_id: `m61-${String(i).padStart(5, '0')}`,
      session_id: `s-${i % 5}`,
      time: `2026-${month}-03T10:00:00.${String(i).padStart(9, '0')}Z`,
      command,
    });

  beforeAll(async () => {
    store = await testStore('ward_m61');
    // The table as it was before the migration: ClickHouse's default granule bytes.
    await run([
      `CREATE TABLE ${q('agent_events_prev')} AS ${q('agent_events')} SETTINGS index_granularity_bytes = 10485760`,
      `EXCHANGE TABLES ${q('agent_events')} AND ${q('agent_events_prev')}`,
      `DROP TABLE ${q('agent_events_prev')} SYNC`,
    ]);
    await store.events.insert(
      Array.from({ length: 30 }, (_, i) => event(i, i % 2 ? '10' : '11', `echo ${i}`)),
    );
  });

  it('starts without the setting', async () => {
    expect(await ddl('agent_events')).toMatch(/index_granularity_bytes = 10485760/);
  });

  it('keeps every row once, after a run that stopped between its moves', async () => {
    const before = await all();
    expect(before).toHaveLength(30);
    // What a run that stopped half way leaves: the new table, holding one partition already.
    await run([
      `CREATE TABLE ${q('agent_events_v61')} AS ${q('agent_events')} SETTINGS index_granularity_bytes = ${GRANULE_BYTES}`,
      `ALTER TABLE ${q('agent_events')} MOVE PARTITION ID '202610' TO TABLE ${q('agent_events_v61')}`,
    ]);
    const plan = (await m61.plan?.(db(), ddlContext(store.config))) ?? [];
    expect(plan.some((s) => s.includes('CREATE TABLE') && s.includes('agent_events_v61'))).toBe(false);
    // Another instance on the same server stores a row in the old table between the moves and the exchange.
    const late = event(50, '11', 'echo late');
    for (const sql of plan) {
      if (sql.startsWith('EXCHANGE TABLES') && sql.includes('agent_events'))
        await store.events.insert([late]);
      await db().command('t', sql);
    }
    expect(await ddl('agent_events')).toMatch(new RegExp(`index_granularity_bytes = ${GRANULE_BYTES}\\b`));
    const after = await all();
    expect(after.filter((r) => !r.includes('"m61-00050"'))).toEqual(before);
    expect(after.filter((r) => r.includes('"m61-00050"'))).toHaveLength(1);
    expect(await ddl('agent_events_v61')).toBeUndefined();
    // Ingest still works, and the API reads what it stored.
    await store.events.insert([event(99, '11', 'echo after')]);
    expect((await store.events.session('s-4'))?.events.map((e) => e.command)).toContain('echo after');
  });

  it('writes parts with granules of at most about 1 MiB: large rows no longer make 10 MiB granules', async () => {
    const big = '中'.repeat(2_700); // a command at the store's 8 KiB cut
    await store.events.insert(
      Array.from({ length: 1_000 }, (_, i) => event(1_000 + i, '09', `echo ${i} ${big}`)),
    );
    const [part] = await db().query<{ marks: string; rows: string }>(
      't',
      `SELECT marks, rows FROM system.parts WHERE database = {d:String} AND table = 'agent_events' AND active
         AND partition_id = '202609'`,
      { d: store.config.database },
    );
    // 1,000 rows of ~8 KiB: ~8 MiB, so at least 8 granules (one granule, 10 MiB, before).
    expect(Number(part?.rows)).toBe(1_000);
    expect(Number(part?.marks)).toBeGreaterThanOrEqual(8);
  });

  it('plans only the clean-up once done, and nothing on a cluster', async () => {
    const plan = (await m61.plan?.(db(), ddlContext(store.config))) ?? [];
    expect(plan.length).toBeGreaterThan(0);
    expect(plan.every((s) => s.startsWith('DROP TABLE IF EXISTS'))).toBe(true);
    const cluster = { ...ddlContext(store.config), cluster: 'c1' };
    expect(m61.statements(cluster)).toEqual([]);
    expect(await m61.plan?.(db(), cluster)).toEqual([]);
  });
});
