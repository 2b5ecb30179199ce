import { beforeAll, describe, expect, it } from 'vitest';
import { makeEvent } from '../../test/helpers/events.js';
import { testStore } from '../../test/helpers/store.js';
import { ddlContext } from '../ddl.js';
import type { Store } from '../index.js';
import { encodeAgentEventRows } from '../rowbinary/tables.js';
import { migration as m2 } from './0002-agent-events.js';
import { migration as m45 } from './0045-agent-events-compact.js';
import { migration as m46 } from './0046-agent-events-by-time.js';

/**
 * Migration 46 on an existing data dir: agent_events as migrations 2 and 45 left it (sorted by agent and
 * session), with rows in it, is rebuilt sorted by time without losing or changing a row, keeps its TTL, and a
 * re-run (or one after an interrupted run) does the right thing.
 */
describe('migration 46 rebuilds agent_events sorted by time', () => {
  let store: Store;
  const db = () => store.db;
  const q = (t: string) => `"${store.config.database}"."${t}"`;
  const all = async () =>
    (await db().query<object>('t', `SELECT * FROM ${q('agent_events')} ORDER BY event_id`)).map((r) =>
      JSON.stringify(r),
    );
  const key = async () =>
    (
      await db().query<{ k: string; c: string }>(
        't',
        'SELECT sorting_key AS k, create_table_query AS c FROM system.tables WHERE database = {d:String} AND name = {n:String}',
        { d: store.config.database, n: 'agent_events' },
      )
    )[0];
  const run = async (sqls: string[]) => {
    for (const sql of sqls) await db().command('t', sql);
  };

  beforeAll(async () => {
    store = await testStore('ward_m46');
    const ctx = ddlContext(store.config);
    await db().command('t', `DROP TABLE ${q('agent_events')} SYNC`);
    await run([...m2.statements(ctx), ...m45.statements(ctx)]);
    const events = Array.from({ length: 50 }, (_, i) =>
      makeEvent({
        event_id: `m46-${String(i).padStart(3, '0')}`,
        session_id: `s-${i % 5}`,
        agent: i % 2 ? 'codex' : 'claude-code',
        time: `2026-11-${String(1 + (i % 20)).padStart(2, '0')}T10:00:00.${String(i).padStart(9, '0')}Z`,
        command: `echo ${i}`,
        attributes: { n: String(i) },
      }),
    );
    await store.events.insert(events.slice(0, 25));
    await store.raw.insertRowBinaryPayload('agent_events', encodeAgentEventRows(events.slice(25)));
  });

  it('starts from the old sort order', async () => {
    expect((await key())?.k).toBe('agent, session_id, time, event_id');
  });

  it('keeps every row and value (ingest times too) and sorts by time, after an interrupted earlier run', async () => {
    const before = await all();
    expect(before).toHaveLength(50);
    // What an interrupted run leaves: a half-made copy.
    await db().command('t', `CREATE TABLE ${q('agent_events_v46')} (x UInt8) ENGINE = MergeTree ORDER BY x`);
    const ctx = ddlContext(store.config);
    await run((await m46.plan?.(db(), ctx)) ?? []);
    const after = await key();
    expect(after?.k).toBe('time, event_id');
    expect(after?.c).toMatch(/TTL toDateTime\(time\) \+ toIntervalDay\(365\)/);
    expect(await all()).toEqual(before);
    const tables = await db().query<{ name: string }>(
      't',
      'SELECT name FROM system.tables WHERE database = {d:String}',
      { d: store.config.database },
    );
    expect(tables.map((t) => t.name)).not.toContain('agent_events_v46');
    const page = await store.events.query({ limit: 5 });
    expect(page.events.map((e) => e.event_id)).toEqual([
      'm46-039',
      'm46-019',
      'm46-038',
      'm46-018',
      'm46-037',
    ]);
    // The table is as migration 46 leaves it (later migrations' columns, such as the sender, are not there yet).
    const session = await store.events.query({ session: 's-3', limit: 100 });
    expect(session.events).toHaveLength(10);
  });

  it('plans only the clean-up once the table is sorted by time', async () => {
    const plan = (await m46.plan?.(db(), ddlContext(store.config))) ?? [];
    expect(plan.every((s) => s.startsWith('DROP TABLE IF EXISTS'))).toBe(true);
  });
});
