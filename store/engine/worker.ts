/**
 * The embedded engine's thread (built to dist/store/engine/worker.js). It holds the chDB connections; the
 * main thread only passes messages, so a long insert never holds the event loop that answers approvals.
 * Lanes, each with its own connections (chDB runs connections at once): bulk ingest inserts, the approval
 * path, the API, and background work (store/engine/lanes.ts), so none queues behind another.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { createChdbConnection } from 'chdb/connection';
import { ROW_BINARY_LAYOUTS, type RowBinaryTable } from '../rowbinary/tables.js';
import { lowerEngineBackgroundThreads } from './background-priority.js';
import { toFileParams } from './file-params.js';
import { isPayloadFile, removePayloadFile } from './payload-files.js';
import {
  type BulkRequest,
  type EngineErrorData,
  type EngineReply,
  type EngineRequest,
  type EngineWorkerData,
  IDENTIFIER,
  type InteractiveRequest,
  READY_ID,
} from './protocol.js';
import { createSettingsReset } from './settings-reset.js';

type Chdb = ReturnType<typeof createChdbConnection>;

/** Paths that can stand as a SQL string literal as they are (no quote, backslash or control character). */
const PLAIN_PATH = /^[A-Za-z0-9/_.+-]+$/;

const data = workerData as EngineWorkerData;
const port = parentPort;
if (!port) throw new Error('store/engine/worker.ts runs only as a worker thread');

function errorData(err: unknown): EngineErrorData {
  const e = err as { message?: unknown; code?: unknown; type?: unknown };
  return {
    message: typeof e?.message === 'string' ? e.message : String(err),
    ...(typeof e?.code === 'string' ? { code: e.code } : {}),
    ...(typeof e?.type === 'string' ? { type: e.type } : {}),
  };
}

function reply(r: EngineReply): void {
  port?.postMessage(r, r.ok && r.bytes ? [r.bytes.buffer as ArrayBuffer] : []);
}

async function readAll(stream: AsyncIterable<unknown>): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(typeof c === 'string' ? Buffer.from(c) : (c as Buffer));
  const all = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks);
  // A fresh copy that owns its ArrayBuffer, so it can be transferred (Buffers may share a pool).
  return new Uint8Array(all);
}

/** The engine's defaults of settings Ward names (checked as identifiers, then written into the statement). */
async function readDefaults(conn: Chdb, names: readonly string[]): Promise<Map<string, string>> {
  if (!names.every((n) => IDENTIFIER.test(n)))
    throw new Error(`not a setting name: ${JSON.stringify(names)}`);
  const query = `SELECT name, default FROM system.settings WHERE name IN (${names.map((n) => `'${n}'`).join(', ')}) FORMAT JSONEachRow`;
  const text = Buffer.from(await readAll((await conn.query({ query })).stream)).toString('utf8');
  const rows = text.split('\n').filter((l) => l.trim() !== '');
  return new Map(
    rows.map((l) => JSON.parse(l) as { name: string; default: string }).map((r) => [r.name, r.default]),
  );
}
/** Settings a statement changed are set back for the next statement on its connection that does not name them. */
const settle = createSettingsReset(readDefaults);

async function interactive(conn: Chdb, r: InteractiveRequest): Promise<Uint8Array | undefined> {
  // Background work (the analyzer's reads, reports, audit verification) runs at ingest's lower OS priority:
  // an approval's statements and the API get the CPU first.
  const settings = await settle(conn, r.background ? { ...r.settings, os_thread_priority: 10 } : r.settings);
  const base = {
    query: r.query,
    ...(r.params ? { query_params: r.params } : {}),
    ...(settings ? { clickhouse_settings: settings } : {}),
    ...(r.queryId ? { query_id: r.queryId } : {}),
  };
  if (r.op === 'query' && r.background && r.params) {
    // Background reads take their values from a file, unbound, so they never hold chDB's one-at-a-time chain
    // of bound statements that the API's and the approvals' reads wait in (store/engine/file-params.ts).
    const path = join(data.tmpDir, `params-${randomUUID()}.json`);
    const viaFile = toFileParams(r.query, r.params, path);
    if (viaFile) {
      await writeFile(path, viaFile.line, { mode: 0o600, flag: 'wx' });
      try {
        const { query_params: _bound, ...unbound } = base as typeof base & { query_params?: unknown };
        return readAll((await conn.query({ ...unbound, query: viaFile.sql })).stream);
      } finally {
        await unlink(path).catch(() => {});
      }
    }
  }
  if (r.op === 'query') return readAll((await conn.query(base)).stream);
  if (r.op === 'exec') {
    const { Readable } = await import('node:stream');
    const values = r.values === undefined ? {} : { values: Readable.from([r.values]) };
    return readAll((await conn.exec({ ...base, ...values })).stream);
  }
  if (r.op === 'insert') {
    await conn.insert({ ...base, values: r.values ?? '' });
    return undefined;
  }
  await conn.command(base);
  return undefined;
}

async function bulk(conn: Chdb, r: BulkRequest): Promise<void> {
  const [database, table] = r.table.split('.');
  if (!database || !table || !IDENTIFIER.test(database) || !IDENTIFIER.test(table))
    throw new Error(`not a plain table name: ${JSON.stringify(r.table)}`);
  if (r.format === 'JSONEachRow') {
    await conn.chdb.rawInsert({
      table: r.table,
      values: r.payload,
      format: 'JSONEachRow',
      settings: (await settle(conn, r.settings)) ?? {},
    });
    return;
  }
  const layout = ROW_BINARY_LAYOUTS[table as RowBinaryTable];
  if (!layout) throw new Error(`no RowBinary layout for table ${table}`);
  if (!isPayloadFile(r.file)) throw new Error(`not a payload file name: ${JSON.stringify(r.file)}`);
  const path = join(data.tmpDir, r.file);
  try {
    // SQL text from code constants and our own generated path only. A bound parameter would do too, but
    // bound statements run one at a time process-wide (chdb serializes them), so an insert would hold up
    // every approval query; a data dir with unusual characters falls back to that slower, bound form.
    const columns = layout.columns.join(', ');
    const structure = layout.structure.replaceAll("'", "\\'");
    // The layout names its table: a layout key may be a variant of it (agent_events_legacy).
    const head = `INSERT INTO ${database}.${layout.table} (${columns}) SELECT * FROM file(`;
    const settings = { clickhouse_settings: await settle(conn, r.settings) };
    if (PLAIN_PATH.test(path)) {
      await conn.command({ query: `${head}'${path}', 'RowBinary', '${structure}')`, ...settings });
    } else {
      await conn.command({
        query: `${head}{path:String}, 'RowBinary', {structure:String})`,
        query_params: { path, structure: layout.structure },
        ...settings,
      });
    }
  } finally {
    await removePayloadFile(data.tmpDir, r.file);
  }
}

let interactiveConn: Chdb;
let approvalConns: Chdb[];
let backgroundConn: Chdb;
let bulkConn: Chdb;
try {
  mkdirSync(data.tmpDir, { recursive: true, mode: 0o700 });
  interactiveConn = createChdbConnection({ path: data.path });
  // Two: an approval's row, audit record, event row and pending count are written and read at once (bound
  // reads still take turns: chDB runs bound statements one at a time per process). Four measured no faster
  // under saturated ingest (approval p95 117-120 against 127 ms) and cost ~40 MiB of peak RSS.
  approvalConns = [createChdbConnection({ path: data.path }), createChdbConnection({ path: data.path })];
  // Background work (the analyzer's reads, report builds, audit verification) on its own connection: one of its
  // statements can run for seconds on a large store, and the API's statements must not queue behind it.
  backgroundConn = createChdbConnection({ path: data.path });
  bulkConn = createChdbConnection({ path: data.path });
} catch (err) {
  reply({ id: READY_ID, ok: false, error: errorData(err) });
  throw err;
}

// Merges run at ingest's lower priority (nice 10) rather than ahead of it and beside approvals; the engine
// starts its merge threads lazily, so they are looked for again now and then.
const lowered = new Set<number>();
lowerEngineBackgroundThreads(10, lowered);
setInterval(() => lowerEngineBackgroundThreads(10, lowered), 2_000).unref();

const bulkQueue: BulkRequest[] = [];
let draining: Promise<void> | null = null;

async function drainBulk(): Promise<void> {
  for (let r = bulkQueue.shift(); r; r = bulkQueue.shift()) {
    try {
      await track(bulk(bulkConn, r));
      reply({ id: r.id, ok: true });
    } catch (err) {
      reply({ id: r.id, ok: false, error: errorData(err) });
    }
  }
}

/** Statements running in the engine: a worker must never end while one runs (chDB aborts the process). */
const running = new Set<Promise<unknown>>();
function track<T>(p: Promise<T>): Promise<T> {
  running.add(p);
  p.then(
    () => running.delete(p),
    () => running.delete(p),
  );
  return p;
}

let dying = false;

const connections = (): Chdb[] => [interactiveConn, ...approvalConns, backgroundConn, bulkConn];

/**
 * A bug in this thread: stop taking work, let what runs in the engine finish and answer, close the engine's
 * connections, then end the thread. The main thread fails what is still open and starts a new worker.
 */
async function die(err: unknown): Promise<void> {
  if (dying) return;
  dying = true;
  process.stderr.write(`ward: the embedded ClickHouse worker failed: ${errorData(err).message}\n`);
  [...bulkQueue.splice(0), ...mainLane.drain(), ...approvalLane.drain(), ...backgroundLane.drain()].forEach(
    (r) => {
      reply({ id: r.id, ok: false, error: { message: 'the embedded ClickHouse worker is stopping: retry' } });
    },
  );
  while (running.size > 0) await Promise.allSettled([...running]);
  await Promise.allSettled(connections().map((c) => c.close()));
  process.exit(70);
}
process.on('uncaughtException', (err) => void die(err));
process.on('unhandledRejection', (err) => void die(err));

port.on('message', (r: EngineRequest) => {
  if (dying) {
    reply({ id: r.id, ok: false, error: { message: 'the embedded ClickHouse worker is stopping: retry' } });
    return;
  }
  if (r.op === 'crash') {
    void die(new Error('crash drill'));
    return;
  }
  if (r.op === 'bulk') {
    bulkQueue.push(r);
    draining ??= drainBulk().finally(() => {
      draining = null;
    });
    return;
  }
  if (r.op === 'close') {
    void (async () => {
      await draining;
      // Statements given before close still run: wait for both lanes to be empty.
      while (running.size > 0 || mainLane.busy() || approvalLane.busy() || backgroundLane.busy())
        await (running.size > 0 ? Promise.allSettled([...running]) : new Promise((r) => setImmediate(r)));
      await Promise.allSettled(connections().map((c) => c.close()));
      reply({ id: r.id, ok: true });
    })();
    return;
  }
  if (r.op === 'ping') {
    track(interactiveConn.ping({ select: true })).then(
      (p) => reply(p.success ? { id: r.id, ok: true } : { id: r.id, ok: false, error: errorData(p.error) }),
      (err: unknown) => reply({ id: r.id, ok: false, error: errorData(err) }),
    );
    return;
  }
  const req = r as InteractiveRequest;
  if (req.approval) approvalLane.push(req);
  else if (req.background) backgroundLane.push(req);
  else mainLane.push(req);
});

/**
 * Statements for a set of engine connections, each given one at a time, in order (a connection runs one
 * statement at a time anyway; chDB's process-wide chain of bound statements then holds at most one statement
 * per connection, so a bound statement waits behind few).
 */
function lane(conns: () => Chdb[]) {
  const waiting: InteractiveRequest[] = [];
  // The connections exist once the worker has opened them (after this module's first lines ran).
  let free: Chdb[] | undefined;
  let size = 0;
  const next = (): void => {
    if (!free) {
      free = [...conns()];
      size = free.length;
    }
    while (free.length > 0) {
      const r = waiting.shift();
      if (!r) return;
      const c = free.pop() as Chdb;
      void runInteractive(c, r).finally(() => {
        free?.push(c);
        next();
      });
    }
  };
  return {
    push(r: InteractiveRequest): void {
      waiting.push(r);
      next();
    },
    /** A statement runs or waits. */
    busy: () => waiting.length > 0 || (free !== undefined && free.length < size),
    /** Takes the waiting statements out (the worker is stopping: they are refused, never run). */
    drain(): InteractiveRequest[] {
      return waiting.splice(0);
    },
  };
}

/** The API and hooks' other reads. */
const mainLane = lane(() => [interactiveConn]);
/** The analyzer's scoring loop, report builds, audit verification (store/engine/lanes.ts). */
const backgroundLane = lane(() => [backgroundConn]);
/** Approvals, their audit records and events, grants, token lookups (store/engine/lanes.ts). */
const approvalLane = lane(() => approvalConns);

function runInteractive(conn: Chdb, r: InteractiveRequest): Promise<void> {
  return track(interactive(conn, r)).then(
    (bytes) => reply({ id: r.id, ok: true, ...(bytes ? { bytes } : {}) }),
    (err: unknown) => reply({ id: r.id, ok: false, error: errorData(err) }),
  );
}
reply({ id: READY_ID, ok: true });
