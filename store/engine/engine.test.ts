import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeEvent } from '../../test/helpers/events.js';
import { createStore, type Store } from '../index.js';
import { encodeAgentEventRows } from '../rowbinary/tables.js';
import { type EngineClient, startEngineClient } from './client.js';
import { EngineBusyError, EngineUnavailableError } from './errors.js';

// The embedded engine runs on a worker thread; the main thread only passes messages. These tests drive it
// through the store (as every caller does) and through its client for the lanes, the byte budget and death.

const DB = 'ward_engine_test';
const rows = (n: number, width = 100) =>
  new TextEncoder().encode(
    Array.from({ length: n }, (_, i) => `${JSON.stringify({ id: i, body: 'x'.repeat(width) })}\n`).join(''),
  );

let store: Store;
let dataDir: string;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'ward-engine-'));
  store = await createStore({ dataDir, database: DB });
  await store.db.command(
    't',
    `CREATE TABLE ${DB}.bulk (id UInt32, body String) ENGINE = MergeTree ORDER BY id`,
  );
});
afterAll(async () => {
  await store?.close();
});

function engineOf(s: Store): EngineClient {
  if (!s.engine) throw new Error('expected the embedded engine');
  return s.engine;
}

describe('the engine worker behind the store', () => {
  it('answers bound queries, commands and inserts through the worker', async () => {
    expect(store.mode).toMatch(/on its own thread/);
    await store.db.command('t', `CREATE TABLE ${DB}.kv (k String, v UInt64) ENGINE = MergeTree ORDER BY k`);
    await store.db.insert('t', 'kv', [
      { k: "it's", v: 1 },
      { k: 'b', v: 2 },
    ]);
    const got = await store.db.query<{ k: string; v: string }>(
      't',
      `SELECT k, v FROM ${DB}.kv WHERE k = {k:String}`,
      { k: "it's" },
    );
    expect(got.map((r) => [r.k, Number(r.v)])).toEqual([["it's", 1]]);
  });

  it('stores JSONEachRow and RowBinary payloads on the bulk lane', async () => {
    await store.db.insertJsonEachRow('t', 'bulk', rows(1000));
    const [n] = await store.db.query<{ n: string }>('t', `SELECT count() AS n FROM ${DB}.bulk`);
    expect(Number(n?.n)).toBe(1000);
  });

  it('a RowBinary payload reaches the engine as a file that is gone once stored, or once refused', async () => {
    const events = Array.from({ length: 50 }, (_, i) =>
      makeEvent({
        session_id: 'S-engine-file',
        command: `printf ${i}`,
        time: new Date(Date.UTC(2026, 11, 1, 0, 0, i)).toISOString(),
      }),
    );
    await store.raw.insertRowBinaryPayload('agent_events', encodeAgentEventRows(events));
    const page = await store.events.query({ session: 'S-engine-file', limit: 100 });
    expect(page.events).toHaveLength(50);
    await expect(
      store.raw.insertRowBinaryPayload('agent_events', new Uint8Array([5, 1, 2, 3])),
    ).rejects.toThrow();
    expect(readdirSync(join(dataDir, 'clickhouse-tmp')).filter((n) => n.startsWith('payload-'))).toEqual([]);
  });

  it('turns an engine error into a rejected call with its ClickHouse code, not a crash', async () => {
    const err = await store.db.query('t', 'SELECT * FROM ward_engine_test.no_such_table').catch((e) => e);
    expect(err).toBeInstanceOf(Error);
    expect(String(err.message)).toMatch(/no_such_table|UNKNOWN_TABLE/);
    await expect(
      store.db.insertJsonEachRow('t', 'bulk', new TextEncoder().encode('{"id": "not a number"}\n')),
    ).rejects.toThrow(/id|parse|Cannot/i);
    // The worker lives on: the next statement is answered.
    expect(await store.db.query('t', 'SELECT 1 AS one')).toEqual([{ one: 1 }]);
  }, 30_000);
});

describe('lanes', () => {
  it('an interactive query is answered while bulk inserts are still queued (it never waits behind them)', async () => {
    const engine = engineOf(store);
    const order: string[] = [];
    const payload = rows(40_000, 200); // ~9 MB each: each insert takes the engine a while
    const inserts = Array.from({ length: 6 }, (_, i) =>
      store.db.insertJsonEachRow('t', 'bulk', payload).then(() => order.push(`bulk${i}`)),
    );
    const query = store.db
      .query<{ x: string }>('t', 'SELECT {x:UInt8} + 1 AS x', { x: 1 })
      .then((r) => order.push(`query=${r[0]?.x}`));
    await query;
    // When the query came back, the bulk lane still held inserts it had been given before the query.
    expect(engine.stats().bulkInFlight).toBeGreaterThan(0);
    await Promise.all(inserts);
    // Inserts given to the engine before the query still finished after it.
    expect(order.indexOf('query=2')).toBeLessThan(order.length - 1);
  }, 120_000);
});

describe('background work', () => {
  it("runs one statement at a time, on its own connection and unbound: an approval's read waits behind none", async () => {
    const order: string[] = [];
    // The analyzer's reads (tagged analyzer.events-after): bound statements of ~0.3 s each.
    const slow = Array.from({ length: 4 }, (_, i) =>
      store.db
        .query('analyzer.events-after', 'SELECT sleepEachRow(0.05) FROM numbers({n:UInt32})', { n: 6 })
        .then(() => order.push(`bg${i}`)),
    );
    const fg = store.db
      .query('approvals.get', 'SELECT {x:UInt8} AS x', { x: 1 })
      .then(() => order.push('fg'));
    await Promise.all([...slow, fg]);
    // Bound, each of those reads would hold chDB's one-at-a-time chain of bound statements: the approval's read
    // would wait for the first at least. Their values go through a file instead (store/engine/file-params.ts).
    expect(order).toEqual(['fg', 'bg0', 'bg1', 'bg2', 'bg3']);
  }, 60_000);

  it("the API's reads run beside a long background statement, not behind it", async () => {
    const order: string[] = [];
    // The analyzer's baseline read over 30 days of events: seconds on a large store (bound, as it is sent).
    const baseline = store.db
      .query(
        'analyzer.baseline.all',
        'SELECT sleepEachRow(0.1) FROM numbers({n:UInt32}) SETTINGS max_block_size = 1',
        { n: 10 },
      )
      .then(() => order.push('baseline'));
    const api = Promise.all([
      store.db.query('events.query.keys', 'SELECT {x:UInt8} AS x', { x: 1 }),
      store.db.query('sessions.list', 'SELECT 1 AS x'),
    ]).then(() => order.push('api'));
    await Promise.all([baseline, api]);
    // On the one connection the API shares with nothing else now, its reads are answered first.
    expect(order).toEqual(['api', 'baseline']);
  }, 60_000);
});

describe('the approval lane', () => {
  it("an approval's statements run on their own connection, beside a long statement of the API", async () => {
    const order: string[] = [];
    // A long unbound read of the API (an engine connection runs one statement at a time).
    const slow = store.db
      .query('events.list', 'SELECT sleepEachRow(0.1) FROM numbers(10) SETTINGS max_block_size = 1')
      .then(() => order.push('api'));
    const approval = Promise.all([
      store.db.query('approvals.pending-of', 'SELECT {x:UInt8} AS x', { x: 1 }),
      store.db.insert('audit.append', 'bulk', [{ id: 1, body: 'x' }]),
    ]).then(() => order.push('approval'));
    await Promise.all([slow, approval]);
    // On one shared connection the approval's read and insert would wait for the whole second.
    expect(order).toEqual(['approval', 'api']);
  }, 60_000);
});

describe('a failing worker', () => {
  it('a worker that fails lets running statements finish, refuses new ones, restarts and keeps the data', async () => {
    const engine = engineOf(store);
    const [before] = await store.db.query<{ n: string }>('t', `SELECT count() AS n FROM ${DB}.bulk`);
    const running = store.db.query('t', 'SELECT count() AS n FROM numbers(1000000)');
    const crashed = engine.crash();
    // Sent after the failure: refused with a clear, retryable error, never silently dropped.
    const late = await store.db.insertJsonEachRow('t', 'bulk', rows(10)).catch((e) => e);
    expect(late).toBeInstanceOf(Error);
    expect(late.message).toMatch(/worker (is stopping|stopped)|engine is restarting/);
    // A statement the engine was already running still answers (or fails) cleanly.
    expect(await running).toHaveLength(1);
    await crashed;
    expect(await engine.whenReady()).toBe(true);
    expect(engine.stats()).toMatchObject({
      state: 'ready',
      restarts: 1,
      bulkInFlight: 0,
      interactiveInFlight: 0,
    });
    const [after] = await store.db.query<{ n: string }>('t', `SELECT count() AS n FROM ${DB}.bulk`);
    expect(Number(after?.n)).toBe(Number(before?.n));
  }, 120_000);
});

/**
 * A stand-in worker that speaks the protocol without an engine: it holds bulk inserts until a ping, and
 * exits hard on a crash (open calls unanswered), so the client's budget and death handling are tested
 * deterministically.
 */
const FAKE_WORKER = `
import { parentPort } from 'node:worker_threads';
const held = [];
parentPort.on('message', (r) => {
  if (r.op === 'bulk') return void held.push(r.id);
  if (r.op === 'crash') process.exit(3);
  if (r.op === 'ping') for (const id of held.splice(0)) parentPort.postMessage({ id, ok: true });
  parentPort.postMessage({ id: r.id, ok: true });
});
parentPort.postMessage({ id: 0, ok: true });
`;

/**
 * A stand-in worker that refuses every RowBinary insert, saying what it was sent (the message's fields and the
 * size of the file it names), and holds every other bulk insert until the worker ends.
 */
const FILE_WORKER = `
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
parentPort.on('message', (r) => {
  if (r.op === 'crash') process.exit(3);
  if (r.op === 'bulk' && r.format === 'RowBinary' && r.file.endsWith('.rowbinary') && statSync(join(workerData.tmpDir, r.file)).size === 4096) {
    const bytes = statSync(join(workerData.tmpDir, r.file)).size;
    return void parentPort.postMessage({ id: r.id, ok: false, error: { message: JSON.stringify({ keys: Object.keys(r), bytes }) } });
  }
  if (r.op === 'bulk') return;
  parentPort.postMessage({ id: r.id, ok: true });
});
parentPort.postMessage({ id: 0, ok: true });
`;

/** A stand-in worker whose restarts take their time to start, and that notes the close it is sent. */
const SLOW_RESTART_WORKER = `
import { existsSync, writeFileSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
const again = existsSync(workerData.path + '/started');
writeFileSync(workerData.path + '/started', '');
parentPort.on('message', (r) => {
  if (r.op === 'crash') process.exit(3);
  if (r.op === 'close') writeFileSync(workerData.path + '/closed', '');
  parentPort.postMessage({ id: r.id, ok: true });
});
if (again) setTimeout(() => parentPort.postMessage({ id: 0, ok: true }), 300);
else parentPort.postMessage({ id: 0, ok: true });
`;

async function fakeEngine(opts: Partial<Parameters<typeof startEngineClient>[0]> = {}, source = FAKE_WORKER) {
  const dir = mkdtempSync(join(tmpdir(), 'ward-fake-engine-'));
  const script = join(dir, 'worker.mjs');
  writeFileSync(script, source);
  return startEngineClient({ path: dir, tmpDir: dir, script: pathToFileURL(script), ...opts });
}

const bulkOf = (engine: EngineClient, bytes: number) =>
  engine.bulk({
    table: 'd.t',
    format: 'JSONEachRow',
    payload: new Uint8Array(bytes),
    settings: {},
  });

describe('bounds and failures (stand-in worker)', () => {
  it('refuses bulk payloads over the byte budget with EngineBusyError; one payload alone always fits', async () => {
    const engine = await fakeEngine({ maxBulkBytes: 64 * 1024 });
    try {
      const first = bulkOf(engine, 100 * 1024); // over the budget alone, and still taken: nothing else waits
      const more = await Promise.allSettled([bulkOf(engine, 10), bulkOf(engine, 1024)]);
      for (const r of more) expect((r as PromiseRejectedResult).reason).toBeInstanceOf(EngineBusyError);
      expect(engine.stats()).toMatchObject({ bulkInFlight: 1, bulkBytes: 100 * 1024, refused: 2 });
      // The interactive lane is not part of that budget: a query still goes through.
      await engine.ping();
      await first;
      expect(engine.stats()).toMatchObject({ bulkInFlight: 0, bulkBytes: 0 });
      const again = bulkOf(engine, 1024);
      await engine.ping();
      await again;
    } finally {
      await engine.close();
    }
  });

  it('a worker that dies fails every open call with EngineUnavailableError, then restarts', async () => {
    const logged: string[] = [];
    const engine = await fakeEngine({ log: (m) => logged.push(m) });
    try {
      const open = [bulkOf(engine, 10), bulkOf(engine, 20)].map((p) => p.catch((e: unknown) => e));
      await engine.crash();
      for (const err of await Promise.all(open)) {
        expect(err).toBeInstanceOf(EngineUnavailableError);
        expect((err as Error).message).toMatch(/worker stopped \(exit code 3\).*nothing was acknowledged/);
      }
      await expect(bulkOf(engine, 1)).rejects.toBeInstanceOf(EngineUnavailableError);
      expect(await engine.whenReady()).toBe(true);
      expect(engine.stats()).toMatchObject({ state: 'ready', restarts: 1, bulkInFlight: 0, bulkBytes: 0 });
      const after = bulkOf(engine, 1);
      await engine.ping();
      await after;
      expect(logged.join('\n')).toMatch(/restarting it[\s\S]*is back/);
    } finally {
      await engine.close();
    }
  });

  it('a RowBinary payload is handed over as a file name, never as bytes; a refused or lost one is removed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ward-payload-files-'));
    const engine = await fakeEngine({ tmpDir: dir }, FILE_WORKER);
    try {
      const rowBinary = (n: number) =>
        engine.bulk({ table: 'd.t', format: 'RowBinary', payload: new Uint8Array(n).fill(7), settings: {} });
      const refused = await rowBinary(4096).catch((e: Error) => e);
      const seen = JSON.parse((refused as Error).message) as { keys: string[]; bytes: number };
      expect(seen.keys).not.toContain('payload');
      expect(seen.keys).toContain('file');
      expect(seen.bytes).toBe(4096);
      const held = rowBinary(10).catch((e: unknown) => e);
      await engine.crash();
      expect(await held).toBeInstanceOf(EngineUnavailableError);
      expect(readdirSync(dir).filter((n) => n.startsWith('payload-'))).toEqual([]);
    } finally {
      await engine.close();
    }
  });

  it('payload and parameter files a stopped process left behind are removed when the engine starts', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ward-stale-payloads-'));
    const uuid = '0b7a2f5e-9c1d-4e8a-b6f3-2d4c5e6f7a8b';
    for (const n of [`payload-${uuid}.rowbinary`, `params-${uuid}.json`, 'keep.txt'])
      writeFileSync(join(dir, n), 'x');
    const engine = await fakeEngine({ tmpDir: dir });
    try {
      expect(readdirSync(dir).sort()).toEqual(['keep.txt']);
    } finally {
      await engine.close();
    }
  });

  it('closing while a restart is under way waits for the new worker, then closes it as usual', async () => {
    // Ending a worker while chDB opens its connections hung `close` forever (and with it the server's stop)
    // when a crash under load was followed by a stop.
    const dir = mkdtempSync(join(tmpdir(), 'ward-slow-restart-'));
    const engine = await fakeEngine({ path: dir }, SLOW_RESTART_WORKER);
    await engine.crash();
    expect(engine.stats().state).toBe('restarting');
    await engine.close();
    expect(engine.stats().state).toBe('closed');
    expect(existsSync(join(dir, 'closed'))).toBe(true);
  });

  it('restarts spent: the engine stays down, refuses every call and says so once', async () => {
    const fatal: Error[] = [];
    const engine = await fakeEngine({ maxRestarts: 0, onFatal: (e) => fatal.push(e) });
    await engine.crash();
    expect(await engine.whenReady()).toBe(false);
    expect(engine.stats().state).toBe('down');
    expect(fatal).toHaveLength(1);
    expect(fatal[0]?.message).toMatch(/store is down/);
    await expect(bulkOf(engine, 1)).rejects.toBeInstanceOf(EngineUnavailableError);
    expect(await engine.ping()).toBe(false);
    await engine.close();
  });
});
