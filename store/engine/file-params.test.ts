import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStore, type Store } from '../index.js';
import { toFileParams } from './file-params.js';

const HOSTILE = [
  "it's",
  'back\\slash',
  "'); DROP TABLE x; --",
  '{s:String}',
  'new\nline\ttab\u0000nul',
  '} FROM system.tables --',
  'ünï©ødé',
];

describe('parameters through a file (pure)', () => {
  it('keeps every value out of the SQL text', () => {
    const r = toFileParams(
      "SELECT {s:String} AS s, x IN {a:Array(String)}, parseDateTime64BestEffort({t:String}, 3, 'UTC') LIMIT {n:UInt32}",
      { s: HOSTILE[2], a: HOSTILE, t: '2026-12-05T00:00:00Z', n: 5 },
      '/data/tmp/params-1.json',
    );
    expect(r).not.toBeNull();
    for (const v of HOSTILE) expect(r?.sql).not.toContain(v);
    expect(r?.sql).not.toContain('{s:String}');
    expect(JSON.parse(r?.line ?? '{}').a).toEqual(HOSTILE);
  });

  it('declines what it cannot carry, so the caller binds as usual', () => {
    const sql = 'SELECT {s:String}';
    expect(toFileParams(sql, { s: 'x' }, "/tmp/it's.json")).toBeNull();
    expect(toFileParams(sql, {}, '/tmp/p.json')).toBeNull();
    expect(toFileParams(sql, { s: 10n }, '/tmp/p.json')).toBeNull();
    expect(toFileParams(sql, { s: { a: 1 } }, '/tmp/p.json')).toBeNull();
    expect(toFileParams(sql, { s: Number.NaN }, '/tmp/p.json')).toBeNull();
    expect(toFileParams('SELECT {s:String}, {s:UInt8}', { s: '1' }, '/tmp/p.json')).toBeNull();
    expect(toFileParams('SELECT 1', { s: 'x' }, '/tmp/p.json')).toBeNull();
  });
});

describe('background reads with file parameters, on the real engine', () => {
  let store: Store;
  beforeAll(async () => {
    store = await createStore({
      dataDir: mkdtempSync(join(tmpdir(), 'ward-file-params-')),
      database: 'ward_fp',
    });
  });
  afterAll(async () => {
    await store?.close();
  });

  it('returns exactly the values a bound statement would, hostile ones included', async () => {
    const sql = `SELECT {s:String} AS s, {a:Array(String)} AS a, {n:UInt32} + 1 AS n,
      toString(parseDateTime64BestEffort({t:String}, 3, 'UTC')) AS t, 'it''s' IN {a:Array(String)} AS has`;
    const params = { s: HOSTILE[2], a: HOSTILE, n: 41, t: '2026-12-05T01:02:03.456Z' };
    const viaFile = await store.db.query<Record<string, unknown>>('analyzer.events-after', sql, params);
    const bound = await store.db.query<Record<string, unknown>>('events.query.keys', sql, params);
    expect(viaFile).toEqual(bound);
    expect(viaFile[0]).toMatchObject({ s: HOSTILE[2], a: HOSTILE, n: 42, t: '2026-12-05 01:02:03.456' });
    expect(Number(viaFile[0]?.has)).toBe(1);
  });

  it('reads typed values as binding does: numbers given as text, times, 64-bit integers', async () => {
    const sql = `SELECT {n:UInt64} + 1 AS n, toString({t:DateTime64(3, 'UTC')}) AS t, {f:Float64} AS f,
      {b:Bool} AS b, {ids:Array(UInt32)} AS ids`;
    const params = { n: '18446744073709551610', t: '2026-12-05 01:02:03.456', f: 0.25, b: true, ids: [1, 2] };
    const viaFile = await store.db.query<Record<string, unknown>>('analyzer.events-after', sql, params);
    const bound = await store.db.query<Record<string, unknown>>('events.query.keys', sql, params);
    expect(viaFile).toEqual(bound);
  });

  it("a long background read no longer holds up an approval's bound read", async () => {
    const order: string[] = [];
    const background = store.db
      .query(
        'analyzer.session-metrics',
        'SELECT sleepEachRow(0.1) FROM numbers({n:UInt32}) SETTINGS max_block_size = 1',
        { n: 10 },
      )
      .then(() => order.push('background'));
    // Let the background read start first (it is given to the engine before the approval's read).
    await new Promise((r) => setImmediate(r));
    const approval = store.db
      .query('approvals.get', 'SELECT {x:UInt8} AS x', { x: 1 })
      .then(() => order.push('approval'));
    await Promise.all([background, approval]);
    // Bound, the background read would have held chDB's chain of bound statements for its whole second.
    expect(order).toEqual(['approval', 'background']);
  }, 60_000);
});
