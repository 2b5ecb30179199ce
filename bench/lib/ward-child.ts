import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { MAIN_HEAP_NODE_ARGS } from '../../cli/main-heap.js';

/** A `ward serve` child of a benchmark: a free loopback port for it, its health, its exit and its peak memory. */

/**
 * The environment `npm start` gives `ward serve` (package.json): glibc's malloc returns large buffers (request
 * bodies, row payloads, query results) to the system when they are freed instead of keeping them in its arenas.
 * The benchmarks run the server as `npm start` does. (Each thread's young generation is set where the thread is
 * started, no longer by a process-wide V8 flag: see collector/ingest/prepare-pool.ts.)
 */
const SERVE_ENV = {
  ...process.env,
  MALLOC_MMAP_THRESHOLD_: '131072',
};

/** A `ward serve` child and the end of what it wrote to stderr (for a failure's message). */
export interface ServeChild {
  server: ChildProcess;
  log: () => string;
}

/**
 * Starts `ward` (the built CLI, `dist/cli/ward.js`) as `npm start` starts it: its environment (above) and the main
 * thread's old-generation floor (cli/main-heap.ts), with `args` after `serve --port --data`.
 */
export function spawnWardServe(
  ward: string,
  o: { port: number; dataDir: string; args?: string[]; nodeArgs?: string[]; env?: Record<string, string> },
): ServeChild {
  const server = spawn(
    process.execPath,
    [
      ...MAIN_HEAP_NODE_ARGS,
      ...(o.nodeArgs ?? []),
      ward,
      'serve',
      '--port',
      String(o.port),
      '--data',
      o.dataDir,
      ...(o.args ?? []),
    ],
    { stdio: ['ignore', 'ignore', 'pipe'], env: { ...SERVE_ENV, ...o.env } },
  );
  let log = '';
  server.stderr?.on('data', (d: Buffer) => {
    log = (log + d.toString()).slice(-8_000);
  });
  return { server, log: () => log };
}

/** What the benchmarks read of `/healthz`. */
export interface Health {
  eventLoopLagMs?: { p50: number; p99: number; max: number };
  memoryMb?: { rss: number; heapUsed: number };
  writer?: { queuedRows?: number; inserts?: Record<string, { count: number; rows: number }> };
  analyzer?: { scoredUpTo?: string; analysisThreadsReplaced?: number };
}

/** A port nothing listens on right now, on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** `/healthz`, or null when the server does not answer within 2 s. */
export async function health(url: string): Promise<Health | null> {
  try {
    const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2_000) });
    return res.ok ? ((await res.json()) as Health) : null;
  } catch {
    return null;
  }
}

export async function waitHealthy(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null)
      throw new Error(`ward serve exited with ${child.exitCode} before it was ready`);
    if (await health(url)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`ward serve was not healthy within ${timeoutMs} ms`);
}

/** The process's peak resident memory so far (VmHWM), in MiB. */
export function peakRssMb(pid: number): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : 0;
}

export function exited(child: ChildProcess): Promise<number | null> {
  return child.exitCode !== null
    ? Promise.resolve(child.exitCode)
    : new Promise((r) => child.once('exit', (code) => r(code)));
}
