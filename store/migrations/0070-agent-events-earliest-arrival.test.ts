import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertReceived, makeEvent } from '../../test/helpers/events.js';
import { testStore } from '../../test/helpers/store.js';
import type { Db } from '../db.js';
import { ddlContext } from '../ddl.js';
import type { Store } from '../index.js';
import { encodeAgentEventRows } from '../rowbinary/tables.js';
import { migration as m2 } from './0002-agent-events.js';
import { migration as m45 } from './0045-agent-events-compact.js';
import { migration as m46 } from './0046-agent-events-by-time.js';
import { migration as m60 } from './0060-ingest-merge-width.js';
import { migration as m61 } from './0061-ingest-small-granules.js';
import { migration as m62 } from './0062-ingest-vertical-merges.js';
import { migration as m63 } from './0063-ingest-wide-parts.js';
import { migration as m66 } from './0066-event-sender.js';
import { migration as m70 } from './0070-agent-events-earliest-arrival.js';

/**
 * Migration 70 on an existing data dir: agent_events as migrations 2 to 66 left it (a ReplacingMergeTree without a
 * version, which keeps the last copy of a key), holding rows in two partitions and a re-sent copy of one, is made
 * again keeping the earliest copy, without losing, doubling or changing a row (ingest times too) or anything else
 * of the table (columns, indexes, TTL, settings); a run that stopped part way goes on; a re-run only cleans up.
 */
describe('migration 70: agent_events keep the earliest arrival of a key', () => {
  let store: Store;
  const db = () => store.db;
  const q = (t: string) => `"${store.config.database}"."${t}"`;
  const run = async (sqls: readonly string[]) => {
    for (const sql of sqls) await db().command('t', sql);
  };
  const ddl = async (t: string) =>
    (
      await db().query<{ c: string }>(
        't',
        'SELECT create_table_query AS c FROM system.tables WHERE database = {d:String} AND name = {n:String}',
        { d: store.config.database, n: t },
      )
    )[0]?.c;
  const all = async () =>
    (
      await db().query<object>(
        't',
        `SELECT *, sender FROM ${q('agent_events')} ORDER BY event_id, ingested_at`,
      )
    ).map((r) => JSON.stringify(r));
  /** The receive times FINAL reads for the re-sent event. */
  const resentReads = async () =>
    (
      await db().query<{ t: string }>(
        't',
        `SELECT toString(ingested_at) AS t FROM ${q('agent_events')} FINAL WHERE event_id = 'm70-resent'`,
      )
    ).map((r) => r.t);
  const event = (i: number, month: string, id = `m70-${String(i).padStart(3, '0')}`) =>
    makeEvent({
      event_id: id,
      session_id: `s-${i % 5}`,
      time: `2026-${month}-03T10:00:00.${String(i).padStart(9, '0')}Z`,
      command: `echo ${i}`,
      attributes: { 'ward.ingest.token_id': `tok-${i % 3}` },
    });
  const resent = event(7, '10', 'm70-resent');
  let before: string;

  beforeAll(async () => {
    store = await testStore('ward_m70');
    const ctx = ddlContext(store.config);
    // The table as an install upgraded through migrations 2 to 66 has it, with a retention set since.
    await db().command('t', `DROP TABLE ${q('agent_events')} SYNC`);
    await run([...m2.statements(ctx), ...m45.statements(ctx)]);
    for (const m of [m46, m60, m61]) await run((await m.plan?.(db(), ctx)) ?? []);
    await run([...m62.statements(ctx), ...m63.statements(ctx), ...m66.statements(ctx)]);
    await db().command(
      't',
      `ALTER TABLE ${q('agent_events')} MODIFY TTL toDateTime(time) + toIntervalDay(200)`,
    );
    before = (await ddl('agent_events')) ?? '';
    const events = Array.from({ length: 30 }, (_, i) => event(i, i % 2 ? '10' : '11'));
    await store.events.insert(events.slice(0, 15));
    await store.raw.insertRowBinaryPayload('agent_events', encodeAgentEventRows(events.slice(15)));
    // One event arrives, and a copy of it a day later (each insert its own part).
    await insertReceived(store, [resent], () => '2026-12-01T09:00:00.000Z');
    await insertReceived(store, [resent], () => '2026-12-02T09:00:00.000Z');
  });
  afterAll(async () => {
    await store?.close();
  });

  it('starts without a version: the last copy of a key is the one read', async () => {
    expect(before).toMatch(/ENGINE = ReplacingMergeTree PARTITION BY/);
    expect(before).toMatch(/index_granularity_bytes = 1048576\b/);
    expect(await resentReads()).toEqual(['2026-12-02 09:00:00.000']);
  });

  it('keeps every row and the table as it was, after a run that stopped between its moves', async () => {
    const rows = await all();
    expect(rows).toHaveLength(32);
    const ctx = ddlContext(store.config);
    // What a run that stopped half way leaves: the copy made, holding one partition already.
    const first = (await m70.plan?.(db(), ctx)) ?? [];
    await run(first.slice(0, first.findIndex((s) => s.includes('MOVE PARTITION')) + 1));
    const plan = (await m70.plan?.(db(), ctx)) ?? [];
    expect(plan.some((s) => s.startsWith('CREATE TABLE'))).toBe(false);
    // Another instance on the same server stores a row in the old table between the moves and the exchange.
    const late = event(50, '11');
    for (const sql of plan) {
      if (sql.startsWith('EXCHANGE TABLES')) await store.events.insert([late]);
      await db().command('t', sql);
    }
    const after = (await ddl('agent_events')) ?? '';
    expect(after).toMatch(/ENGINE = ReplacingMergeTree\(arrival_rank\) PARTITION BY/);
    // The same columns, codecs, indexes, partitioning, sorting, TTL and settings, plus the version.
    expect(
      after
        .replace(/, `arrival_rank` UInt64 MATERIALIZED [^,]+\)\)\)/, '')
        .replace('ReplacingMergeTree(arrival_rank)', 'ReplacingMergeTree'),
    ).toBe(before);
    expect(after).toMatch(/TTL toDateTime\(time\) \+ toIntervalDay\(200\)/);
    const now = await all();
    expect(now.filter((r) => !r.includes('"m70-050"'))).toEqual(rows);
    expect(now.filter((r) => r.includes('"m70-050"'))).toHaveLength(1);
    expect(await ddl('agent_events_v70')).toBeUndefined();
  });

  it('reads and merges keep the first arrival of a key', async () => {
    expect(await resentReads()).toEqual(['2026-12-01 09:00:00.000']);
    // A copy sent after the migration loses to the first too.
    await insertReceived(store, [resent], () => '2026-12-03T09:00:00.000Z');
    expect(await resentReads()).toEqual(['2026-12-01 09:00:00.000']);
    await store.storage.optimize('agent_events');
    const left = await db().query<{ t: string }>(
      't',
      `SELECT toString(ingested_at) AS t FROM ${q('agent_events')} WHERE event_id = 'm70-resent'`,
    );
    expect(left.map((r) => r.t)).toEqual(['2026-12-01 09:00:00.000']);
    // Ingest still works (both paths), no insert sets the rank, and the sender is still computed.
    await store.raw.insertRowBinaryPayload('agent_events', encodeAgentEventRows([event(60, '11')]));
    await expect(
      db().command('t', `INSERT INTO ${q('agent_events')} (event_id, arrival_rank) VALUES ('x', 1)`),
    ).rejects.toThrow(/MATERIALIZED/);
    expect((await store.events.session('s-0'))?.session.senders).toEqual(['tok-0', 'tok-1', 'tok-2']);
  });

  it('after an exchange that was not cleaned up, moves what is left under the old name, then drops it', async () => {
    // What a run that stopped after its exchange leaves: the old table under the copy's name, holding a row
    // stored during the moves.
    await run([`CREATE TABLE ${q('agent_events_v70')} AS ${q('agent_events')}`]);
    await db().command(
      't',
      `INSERT INTO ${q('agent_events_v70')} (event_id, time) VALUES ('m70-left', '2026-11-09')`,
    );
    const plan = (await m70.plan?.(db(), ddlContext(store.config))) ?? [];
    expect(plan.every((s) => /MOVE PARTITION|^DROP TABLE IF EXISTS/.test(s))).toBe(true);
    await run(plan);
    expect((await all()).filter((r) => r.includes('"m70-left"'))).toHaveLength(1);
    expect(await ddl('agent_events_v70')).toBeUndefined();
    expect(await m70.plan?.(db(), ddlContext(store.config))).toEqual([
      `DROP TABLE IF EXISTS ${q('agent_events_v70')} SYNC`,
    ]);
  });

  it('copies a cluster through its Distributed tables into a Replicated table with the version', async () => {
    const ctx = { ...ddlContext(store.config), cluster: 'c1', database: 'ward' };
    const live = `ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/ward/agent_events_v46_local', '{replica}') PARTITION BY toYYYYMM(time) ORDER BY (time, event_id) TTL toDateTime(time) + toIntervalDay(200) SETTINGS merge_selector_base = 20, index_granularity = 8192`;
    const cluster = { query: async () => [{ name: 'agent_events_local', engine: live }] } as unknown as Db;
    const plan = (await m70.plan?.(cluster, ctx)) ?? [];
    expect(plan).toContain(
      `CREATE TABLE "ward"."agent_events_v70_local" ON CLUSTER "c1" AS "ward"."agent_events_local" ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/ward/agent_events_v70_local', '{replica}', arrival_rank) PARTITION BY toYYYYMM(time) ORDER BY (time, event_id) TTL toDateTime(time) + toIntervalDay(200) SETTINGS merge_selector_base = 20, index_granularity = 8192`,
    );
    expect(plan).toContain('INSERT INTO "ward"."agent_events_v70" SELECT * FROM "ward"."agent_events"');
    expect(plan.filter((s) => s.startsWith('EXCHANGE'))).toEqual([
      'EXCHANGE TABLES "ward"."agent_events_local" AND "ward"."agent_events_v70_local" ON CLUSTER "c1"',
    ]);
    expect(plan[0]).toMatch(
      /^ALTER TABLE "ward"."agent_events_local" ON CLUSTER "c1" ADD COLUMN IF NOT EXISTS arrival_rank/,
    );
    for (const sql of [...plan, ...m70.statements(ctx)])
      await expect(db().query('t', `EXPLAIN AST ${sql}`), sql.slice(0, 80)).resolves.toBeDefined();
  });
});
