import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { EngineBusyError, EngineUnavailableError } from './errors.js';
import { preparePayloadDir, removePayloadFile, writePayloadFile } from './payload-files.js';
import {
  type BulkInsert,
  type EngineErrorData,
  type EngineReply,
  type EngineRequest,
  type EngineWorkerData,
  type InteractiveRequest,
  READY_ID,
} from './protocol.js';

export interface EngineClientOptions {
  /** The engine's data directory. */
  path: string;
  /** Private directory for RowBinary payload files. */
  tmpDir: string;
  /** The built worker (dist/store/engine/worker.js). */
  script: URL;
  /** Bulk payload bytes handed to the worker and not yet stored, above which inserts are refused. */
  maxBulkBytes?: number;
  /**
   * Interactive statements in flight above which new ones are refused, per lane: the approval path counts
   * apart, so a flood of API reads that fills the cap does not refuse an approval's statements.
   */
  maxInteractive?: number;
  /** Restarts allowed within `restartWindowMs` after a crash; beyond them the engine stays down. */
  maxRestarts?: number;
  restartWindowMs?: number;
  log?: (msg: string) => void;
  /** The engine is down for good (restarts spent): the server should stop. */
  onFatal?: (err: Error) => void;
}

export type EngineState = 'ready' | 'restarting' | 'down' | 'closed';

export interface EngineStats {
  state: EngineState;
  interactiveInFlight: number;
  bulkInFlight: number;
  bulkBytes: number;
  /** Statements refused for a full lane (each a 503 upstream). */
  refused: number;
  restarts: number;
}

interface Pending {
  resolve: (bytes: Uint8Array | undefined) => void;
  reject: (err: Error) => void;
  /** Bulk payload bytes this call holds of the budget; null for the interactive lane. */
  bulkBytes: number | null;
  /** An interactive statement on the approval path (counted apart from the rest). */
  approval?: boolean;
}

/** An engine error from the worker, with the fields @clickhouse/client's errors carry. */
export class EngineQueryError extends Error {
  override readonly name = 'EngineQueryError';
  readonly code?: string;
  readonly type?: string;
  constructor(data: EngineErrorData) {
    super(data.message);
    if (data.code !== undefined) this.code = data.code;
    if (data.type !== undefined) this.type = data.type;
  }
}

/**
 * A native library loaded only by a worker is unloaded when that worker ends, and chDB's teardown then
 * crashes the process (SIGSEGV at exit, measured). The main thread loads the addon once and never opens it.
 */
function pinAddon(): void {
  createRequire(import.meta.url)('chdb');
}

/**
 * One engine per data directory per process: chDB binds one directory per process, and a second worker's
 * connections closing would tear down the first's. A second store on the same directory shares the worker
 * (and the first opener's limits); the worker ends with the last close.
 */
const shared = new Map<string, { client: Promise<EngineClient>; refs: number }>();

/**
 * The main thread's side of the embedded engine: message passing to the worker that holds chDB, two lanes
 * (interactive statements at once, bulk inserts one at a time behind a byte budget), fail closed when the
 * worker dies (every open call rejects with EngineUnavailableError), and a bounded number of restarts.
 */
export async function startEngineClient(opts: EngineClientOptions): Promise<EngineClient> {
  let entry = shared.get(opts.path);
  if (!entry) {
    entry = { client: startOwnEngine(opts), refs: 0 };
    shared.set(opts.path, entry);
    entry.client.catch(() => shared.delete(opts.path));
  }
  entry.refs++;
  const e = entry;
  const client = await e.client;
  let open = true;
  return {
    ...client,
    async close() {
      if (!open) return;
      open = false;
      if (--e.refs > 0) return;
      shared.delete(opts.path);
      await client.close();
    },
  };
}

async function startOwnEngine(opts: EngineClientOptions) {
  const maxBulkBytes = opts.maxBulkBytes ?? 64 * 2 ** 20;
  const maxInteractive = opts.maxInteractive ?? 1024;
  const maxRestarts = opts.maxRestarts ?? 3;
  const restartWindowMs = opts.restartWindowMs ?? 60_000;
  const log = opts.log ?? (() => {});
  pinAddon();

  const pending = new Map<number, Pending>();
  let nextId = READY_ID + 1;
  let interactiveInFlight = 0;
  let approvalInFlight = 0;
  let bulkInFlight = 0;
  let bulkBytes = 0;
  /** Bulk payloads being written to their files: held against the same budget. */
  const writing = { count: 0, bytes: 0 };
  let refused = 0;
  let restarts = 0;
  const restartTimes: number[] = [];
  let state: EngineState = 'restarting';
  let worker: Worker;
  /** Settles when the current (re)start is over: ready, or down for good. */
  let started: Promise<void> = Promise.resolve();

  function settle(id: number, fn: (p: Pending) => void): void {
    const p = pending.get(id);
    if (!p) return;
    pending.delete(id);
    if (p.bulkBytes === null) {
      interactiveInFlight--;
      if (p.approval) approvalInFlight--;
    } else {
      bulkInFlight--;
      bulkBytes -= p.bulkBytes;
    }
    fn(p);
  }

  function spawn(): Promise<void> {
    const data: EngineWorkerData = { path: opts.path, tmpDir: opts.tmpDir };
    // This thread only passes statements and their results (buffers, outside the heap): a small young
    // generation (4 MiB semi-spaces, V8's default is 16), as `ward serve` ran every thread before the ingest
    // workers needed the default.
    const w = new Worker(opts.script, { workerData: data, resourceLimits: { maxYoungGenerationSizeMb: 12 } });
    worker = w;
    return new Promise<void>((resolve, reject) => {
      let ready = false;
      w.on('message', (r: EngineReply) => {
        if (r.id === READY_ID) {
          ready = true;
          if (r.ok) resolve();
          else reject(new EngineQueryError(r.error));
          return;
        }
        settle(r.id, (p) => (r.ok ? p.resolve(r.bytes) : p.reject(new EngineQueryError(r.error))));
      });
      w.on('error', (err) => {
        if (!ready) reject(err);
        else lost(w, err.message);
      });
      w.on('exit', (code) => {
        if (!ready) reject(new EngineUnavailableError(`the embedded ClickHouse worker exited (${code})`));
        else lost(w, `exit code ${code}`);
      });
    });
  }

  function lost(w: Worker, why: string): void {
    if (w !== worker || state === 'closed' || state === 'down') return;
    state = 'restarting';
    const err = new EngineUnavailableError(
      `the embedded ClickHouse worker stopped (${why}); this statement's outcome is unknown and nothing ` +
        'was acknowledged for it: retry',
    );
    for (const id of [...pending.keys()]) settle(id, (p) => p.reject(err));
    const now = Date.now();
    while (restartTimes.length > 0 && now - (restartTimes[0] as number) > restartWindowMs)
      restartTimes.shift();
    if (restartTimes.length >= maxRestarts) {
      state = 'down';
      const fatal = new EngineUnavailableError(
        `the embedded ClickHouse worker stopped ${restartTimes.length + 1} times within ` +
          `${Math.round(restartWindowMs / 1000)} s (last: ${why}); Ward's store is down`,
      );
      log(fatal.message);
      opts.onFatal?.(fatal);
      return;
    }
    restartTimes.push(now);
    restarts++;
    log(`the embedded ClickHouse worker stopped (${why}); restarting it`);
    started = spawn().then(
      () => {
        if (state === 'restarting') state = 'ready';
        log('the embedded ClickHouse worker is back');
      },
      (e: unknown) => lost(worker, e instanceof Error ? e.message : String(e)),
    );
  }

  function unavailable(): EngineUnavailableError {
    return new EngineUnavailableError(
      state === 'closed' ? 'the store is closed' : `the embedded ClickHouse engine is ${state}: retry`,
    );
  }

  function send(req: EngineRequest, bulk: number | null): Promise<Uint8Array | undefined> {
    if (state !== 'ready') return Promise.reject(unavailable());
    return new Promise((resolve, reject) => {
      const approval = req.op !== 'bulk' && 'approval' in req && req.approval === true;
      pending.set(req.id, { resolve, reject, bulkBytes: bulk, ...(approval ? { approval } : {}) });
      if (bulk === null) {
        interactiveInFlight++;
        if (approval) approvalInFlight++;
      } else {
        bulkInFlight++;
        bulkBytes += bulk;
      }
      worker.postMessage(req);
    });
  }

  await spawn();
  // Once the engine holds the data dir (a second process on it would delete files the first still needs).
  preparePayloadDir(opts.tmpDir);
  state = 'ready';

  return {
    /** A statement on the interactive lane; resolves with the result bytes of a query or exec. */
    interactive(req: Omit<InteractiveRequest, 'id'>): Promise<Uint8Array | undefined> {
      // Each lane has its own cap: the API (which any token reaches) cannot use up the approval path's.
      const inLane = req.approval ? approvalInFlight : interactiveInFlight - approvalInFlight;
      if (inLane >= maxInteractive) {
        refused++;
        return Promise.reject(
          new EngineBusyError(`${inLane} statements are already waiting for the engine: retry`),
        );
      }
      return send({ ...req, id: nextId++ } as InteractiveRequest, null);
    },
    /**
     * An ingest payload on the bulk lane. The caller keeps it for retry or spool, so the engine's thread gets no
     * copy: a RowBinary payload is written to a file it reads (store/engine/payload-files.ts).
     */
    async bulk(req: BulkInsert): Promise<void> {
      const n = req.payload.byteLength;
      // One payload alone always fits, so a large batch is never refused forever.
      if (bulkInFlight + writing.count > 0 && bulkBytes + writing.bytes + n > maxBulkBytes) {
        refused++;
        throw new EngineBusyError(
          `the engine's insert queue holds ${Math.round((bulkBytes + writing.bytes) / 2 ** 20)} MiB: retry later`,
        );
      }
      const { table, format, settings } = req;
      if (format === 'JSONEachRow') {
        await send({ id: nextId++, op: 'bulk', table, format, settings, payload: req.payload }, n);
        return;
      }
      if (state !== 'ready') throw unavailable();
      writing.count++;
      writing.bytes += n;
      let file: string;
      try {
        file = await writePayloadFile(opts.tmpDir, req.payload);
      } finally {
        writing.count--;
        writing.bytes -= n;
      }
      try {
        await send({ id: nextId++, op: 'bulk', table, format, settings, file }, n);
      } catch (err) {
        // Removed by the engine once read; not when the worker never got it or died before.
        await removePayloadFile(opts.tmpDir, file);
        throw err;
      }
    },
    async ping(): Promise<boolean> {
      try {
        await send({ id: nextId++, op: 'ping' }, null);
        return true;
      } catch {
        return false;
      }
    },
    /** Waits for a restart in progress to end; true when the engine is ready. */
    async whenReady(): Promise<boolean> {
      for (let p = started; ; p = started) {
        await p;
        if (p === started) return state === 'ready';
      }
    },
    stats(): EngineStats {
      return { state, interactiveInFlight, bulkInFlight, bulkBytes, refused, restarts };
    },
    /**
     * Makes the worker fail as a bug in it would (drills and tests of the fail-closed path). Never
     * `terminate()`: ending a thread while chDB runs a statement for it aborts the whole process.
     */
    crash(): Promise<void> {
      const w = worker;
      // Resolves after the exit handler above has failed open calls and begun the restart.
      const exited = new Promise<void>((resolve) => w.once('exit', () => resolve()));
      w.postMessage({ id: nextId++, op: 'crash' });
      return exited;
    },
    /** Waits for queued inserts, closes the engine's connections and ends the worker. */
    async close(): Promise<void> {
      if (state === 'closed') return;
      // A worker still starting is inside chDB, opening its connections: ending it there hung `close` for good
      // (a napi throw in a terminating thread) after a crash under load. Let the restart end first.
      for (let p = started; ; p = started) {
        await p;
        if (p === started) break;
      }
      // Another close may have ended it meanwhile.
      if ((state as EngineState) === 'closed') return;
      if (state === 'ready') await send({ id: nextId++, op: 'close' }, null).catch(() => {});
      state = 'closed';
      // The worker answered close once nothing ran in the engine, so ending it now is safe.
      await worker.terminate();
    },
  };
}
export type EngineClient = Awaited<ReturnType<typeof startOwnEngine>>;
