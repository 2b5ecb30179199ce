/**
 * `npm run bench:query [-- --events 10000000 --requests 40 --data DIR]`
 *
 * Query latency with many events stored. A child process generates coding-agent sessions (bench/lib/
 * synthetic-events.ts) and stores them through the store's own insert call (RowBinary batches, the long
 * tool outputs kept once in their raw rows as ingest does); then `ward serve` runs on that data dir and this
 * process measures GET /api/events (newest first, its filters, cursor paging) and GET /api/sessions/:id over
 * real HTTP on loopback, one request at a time. Target: p95 ≤ 100 ms for both. `--data DIR` keeps the data
 * dir and reuses it when it already holds the events (generation of 10M takes minutes). A bench is its own
 * entry point, so it reads its own argv.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createStore, encodeAgentEventRows, encodeOtelLogRows } from '../store/index.js';
import { fmt, percentile } from './lib/stats.js';
import { sessionId, syntheticBatches } from './lib/synthetic-events.js';
import { exited, freePort, spawnWardServe, waitHealthy } from './lib/ward-child.js';

const SELF = fileURLToPath(import.meta.url);
const WARD = fileURLToPath(new URL('../cli/ward.js', import.meta.url));
const SEED = 13;
const TARGET_MS = 100;

const { values: opts } = parseArgs({
  options: {
    events: { type: 'string', default: '10000000' },
    batch: { type: 'string', default: '100000' },
    requests: { type: 'string', default: '40' },
    data: { type: 'string' },
    'generate-child': { type: 'string' },
    now: { type: 'string' },
  },
  strict: true,
});

const int = (name: 'events' | 'batch' | 'requests') => {
  const n = Number(opts[name]);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`--${name} must be a positive integer`);
  return n;
};

/** What the generator stored (kept beside the data so a rerun with --data reuses it). */
interface Generated {
  events: number;
  sessions: number;
  nowMs: number;
  seconds: number;
}

/** The child: generate and store; prints one JSON line (Generated). */
async function generate(dataDir: string, total: number, batchEvents: number, nowMs: number): Promise<void> {
  const store = await createStore({ dataDir });
  if (!store.ingest.codec.rowBinary) throw new Error('the query bench generates through the embedded engine');
  const started = performance.now();
  let stored = 0;
  let lastPrint = 0;
  const sessions = new Set<string>();
  for (const b of syntheticBatches(SEED, total, batchEvents, nowMs)) {
    for (const e of b.events) sessions.add(e.session_id);
    if (b.rawRows.length > 0)
      await store.raw.insertRowBinaryPayload('otel_logs', encodeOtelLogRows(b.rawRows));
    await store.raw.insertRowBinaryPayload(
      'agent_events',
      // Stored as it arrived: each batch is received when its newest event happened.
      encodeAgentEventRows(b.events, {
        table: 'otel_logs',
        rows: b.rawRows,
        receivedAtMs: b.events.reduce((m, e) => Math.max(m, Date.parse(e.time)), 0),
      }),
    );
    stored += b.events.length;
    const s = (performance.now() - started) / 1000;
    if (s - lastPrint >= 5 || stored === total) {
      lastPrint = s;
      process.stderr.write(
        `  ${fmt(stored)} / ${fmt(total)} events stored (${fmt(stored / s)} events/s, ${fmt(s)} s)\n`,
      );
    }
  }
  // The server's analyzer would otherwise score the whole backlog during the measurement: a deployed Ward
  // has scored its history already.
  await store.analyzer.setWatermark('default', { ingestedAt: new Date().toISOString(), eventId: '' });
  const seconds = (performance.now() - started) / 1000;
  // Let the merges of what was just written finish here: measured reads then meet settled parts, not a
  // server busy catching up (a one-off after a bulk load; live ingest merges small parts as it goes).
  const settleUntil = Date.now() + 600_000;
  while ((await store.storage.activeMerges()) > 0 && Date.now() < settleUntil)
    await new Promise((r) => setTimeout(r, 1000));
  await store.close();
  process.stdout.write(
    `${JSON.stringify({ events: stored, sessions: sessions.size, nowMs, seconds } satisfies Generated)}\n`,
  );
}

async function runGenerator(dataDir: string, total: number, nowMs: number): Promise<Generated> {
  const child = spawn(
    process.execPath,
    [
      SELF,
      '--generate-child',
      dataDir,
      '--events',
      String(total),
      '--batch',
      opts.batch,
      '--now',
      String(nowMs),
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let out = '';
  child.stdout?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  const code = await exited(child);
  if (code !== 0) throw new Error(`the generator exited with ${code}`);
  return JSON.parse(out.trim().split('\n').pop() ?? '{}') as Generated;
}

interface Case {
  name: string;
  group: 'events' | 'session';
  /** A path for request `i` (different sessions, times or pages per request). */
  path: (i: number) => Promise<string> | string;
}

async function timed(url: string, token: string, path: string): Promise<{ ms: number; body: unknown }> {
  const start = performance.now();
  const res = await fetch(`${url}${path}`, { headers: { authorization: `Bearer ${token}` } });
  const body: unknown = await res.json();
  const ms = performance.now() - start;
  if (!res.ok) throw new Error(`${path}: ${res.status} ${JSON.stringify(body)}`);
  return { ms, body };
}

async function main(): Promise<number> {
  if (opts['generate-child'])
    return generate(opts['generate-child'], int('events'), int('batch'), Number(opts.now)).then(() => 0);
  const total = int('events');
  const requests = int('requests');
  const dataDir = opts.data ?? mkdtempSync(join(tmpdir(), 'ward-bench-query-'));
  const marker = join(dataDir, 'bench-query.json');
  let gen: Generated;
  if (existsSync(marker) && (JSON.parse(readFileSync(marker, 'utf8')) as Generated).events === total) {
    gen = JSON.parse(readFileSync(marker, 'utf8')) as Generated;
    process.stdout.write(`reusing ${fmt(gen.events)} events in ${dataDir}\n`);
  } else {
    const nowMs = Date.now();
    process.stdout.write(
      `generating ${fmt(total)} events into ${dataDir} (store's RowBinary insert path)…\n`,
    );
    gen = await runGenerator(dataDir, total, nowMs);
    writeFileSync(marker, JSON.stringify(gen));
    process.stdout.write(
      `stored ${fmt(gen.events)} events in ${fmt(gen.seconds)} s (${fmt(gen.events / gen.seconds)}/s)\n`,
    );
  }

  const token = randomBytes(24).toString('hex');
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const { server, log: serverLog } = spawnWardServe(WARD, {
    port,
    dataDir,
    env: { WARD_ADMIN_TOKEN: token },
  });
  try {
    await waitHealthy(url, server, 120_000);
    // Sessions spread over the whole data set; the generator's ids are deterministic.
    const session = (i: number) => sessionId(SEED, (i * 7919) % gen.sessions);
    const day = (i: number) => new Date(gen.nowMs - ((i % 28) + 1) * 86_400_000).toISOString();
    const dayAfter = (i: number) => new Date(Date.parse(day(i)) + 86_400_000).toISOString();
    let cursor: string | null = null;
    const cases: Case[] = [
      { name: 'events newest 100', group: 'events', path: () => '/api/events?limit=100' },
      { name: 'events agent=codex', group: 'events', path: () => '/api/events?agent=codex&limit=100' },
      { name: 'events kind=command', group: 'events', path: () => '/api/events?kind=command&limit=100' },
      {
        name: 'events one day',
        group: 'events',
        path: (i) => `/api/events?from=${day(i)}&to=${dayAfter(i)}&limit=100`,
      },
      {
        name: 'events agent+kind+day',
        group: 'events',
        path: (i) =>
          `/api/events?agent=claude-code&kind=tool_result&from=${day(i)}&to=${dayAfter(i)}&limit=100`,
      },
      {
        name: 'events session=…',
        group: 'events',
        path: (i) => `/api/events?session=${session(i)}&limit=100`,
      },
      {
        name: 'events next page',
        group: 'events',
        path: async (i) => {
          if (i % 5 === 0 || !cursor) cursor = null;
          const p = `/api/events?limit=100${cursor ? `&cursor=${cursor}` : ''}`;
          const r = await timed(url, token, p);
          cursor = (r.body as { next_cursor: string | null }).next_cursor;
          return `/api/events?limit=100${cursor ? `&cursor=${cursor}` : ''}`;
        },
      },
      { name: 'events text=curl', group: 'events', path: () => '/api/events?text=curl&limit=100' },
      { name: 'session timeline', group: 'session', path: (i) => `/api/sessions/${session(i + 1)}` },
    ];
    // Warm-up, twice over: first reads load marks and indexes, and the server's start-up work settles.
    for (let round = 0; round < 2; round++) for (const c of cases) await timed(url, token, await c.path(0));
    const load = () =>
      loadavg()
        .map((n) => n.toFixed(1))
        .join(' ');
    const loadBefore = load();
    const all: Record<Case['group'], number[]> = { events: [], session: [] };
    process.stdout.write(`\n${requests} requests per case, one at a time, ${url}\n`);
    process.stdout.write('case                          p50 ms   p95 ms   max ms\n');
    for (const c of cases) {
      const ms: number[] = [];
      for (let i = 1; i <= requests; i++) ms.push((await timed(url, token, await c.path(i))).ms);
      all[c.group].push(...ms);
      process.stdout.write(
        `${c.name.padEnd(28)} ${fmt(percentile(ms, 50), 1).padStart(7)}  ${fmt(percentile(ms, 95), 1).padStart(7)}  ${fmt(Math.max(...ms), 1).padStart(7)}\n`,
      );
    }
    const line = (name: string, ms: number[]) => {
      const p95 = percentile(ms, 95);
      return `${name}: p50 ${fmt(percentile(ms, 50), 1)} ms, p95 ${fmt(p95, 1)} ms (target ≤ ${TARGET_MS}) ${p95 <= TARGET_MS ? 'MET' : 'NOT MET'}\n`;
    };
    process.stdout.write(
      `\n${fmt(gen.events)} events stored; load average before ${loadBefore}, after ${load()} (${cpus().length} cores: numbers are noisy when it exceeds them)\n`,
    );
    process.stdout.write(line('GET /api/events (all cases)', all.events));
    process.stdout.write(line('GET /api/sessions/:id', all.session));
    return 0;
  } catch (err) {
    process.stderr.write(serverLog().slice(-4000));
    throw err;
  } finally {
    server.kill('SIGTERM');
    await exited(server);
    if (!opts.data) rmSync(dataDir, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
