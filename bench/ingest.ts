/**
 * `npm run bench:ingest [-- --seconds 20 --workers 2 --in-flight 8 --batch 512 --distinct 50 --profile DIR
 *   --ingest-ack stored|journal]`
 *
 * Starts `ward serve` in a child process (embedded store in a temp dir), drives it from worker threads
 * with pre-encoded OTLP/protobuf log requests of Codex-shaped records in two phases of `seconds` each (beside
 * steady interactive traffic, then beside approval and hook round trips back to back), then checks that every
 * acknowledged record is stored and measures the embedded engine's own insert rate for phase 1's rows in
 * a separate process. Exits 1 if acknowledged records are missing. A bench is its own entry point, so it
 * reads its own argv.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { encodeBatches } from './lib/batches.js';
import { type EngineRate, measureEngine } from './lib/engine-rate.js';
import { insertSize, limits } from './lib/ingest-limits.js';
import {
  type InteractiveSamples,
  mintTokens,
  paceInteractive,
  sampleInteractive,
} from './lib/interactive.js';
import { type LoadJob, type LoadResult, runLoad } from './lib/load.js';
import { measurePrepare, type PrepareJob, type PrepareRate, runPrepare } from './lib/prepare-rate.js';
import { cpuPerRecord, type ProcessCpu, processCpu } from './lib/process-cpu.js';
import { fmt, percentile } from './lib/stats.js';
import {
  exited,
  freePort,
  type Health,
  health,
  peakRssMb,
  spawnWardServe,
  waitHealthy,
} from './lib/ward-child.js';

const SELF = fileURLToPath(import.meta.url);
/**
 * Phase 1's interactive traffic, beside which the ingest ratio is measured: ten hook calls a second (every tool
 * call of a few dozen agents at work) and an approval every two seconds (an analyst's pace is minutes). Round
 * trips back to back, phase 2, are ~80 hook calls or ~10 approvals a second: each approval stores six small
 * rows (six new parts), and they took half of ingest's rate (README, Memory and performance).
 */
const STEADY = { hookEveryMs: 100, approvalEveryMs: 2_000 };
/** The peer's insert size: the engine alone, on the same rows, in inserts this large. */
const PEER_CHUNK_ROWS = 20_000;
/** The server's ingest workers (collector/config.ts `ingestWorkers`), and how many records the prepare limit times. */
const PREPARE_THREADS = 2;
const PREPARE_RECORDS = 300_000;
/** The README's memory bound for `ward serve` with the defaults (Memory and performance). */
const RSS_BOUND_MIB = 1024;
const WARD = fileURLToPath(new URL('../cli/ward.js', import.meta.url));

const { values: opts } = parseArgs({
  options: {
    seconds: { type: 'string', default: '20' },
    workers: { type: 'string', default: '2' },
    'in-flight': { type: 'string', default: '8', short: 'c' },
    batch: { type: 'string', default: '512' },
    distinct: { type: 'string', default: '50' },
    profile: { type: 'string' },
    'ingest-ack': { type: 'string', default: 'stored' },
    'engine-child': { type: 'string' },
    'prepare-child': { type: 'string' },
    records: { type: 'string' },
    now: { type: 'string' },
    chunk: { type: 'string', default: String(PEER_CHUNK_ROWS) },
  },
  strict: true,
});
// Records are stamped near now (the server refuses times outside its window); the engine child is given the
// same instant so that it re-encodes exactly the batches the load generator sent.
const NOW_MS = opts.now ? Number(opts.now) : Math.floor(Date.now() / 60_000) * 60_000 - 3_600_000;
const int = (name: keyof typeof opts) => {
  const n = Number(opts[name]);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`--${name} must be a positive integer`);
  return n;
};

function runWorker(job: LoadJob): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const w = new Worker(SELF, { workerData: job });
    w.once('message', (r: LoadResult) => {
      resolve(r);
      void w.terminate();
    });
    w.once('error', reject);
    w.once('exit', (code) => reject(new Error(`load worker exited with ${code} before reporting`)));
  });
}

/** Runs this file again as a separate process with `args` and returns the JSON line it prints last. */
async function measureInChild<T>(what: string, args: string[]): Promise<T> {
  const child = spawn(
    process.execPath,
    [SELF, ...args, '--batch', opts.batch, '--distinct', opts.distinct, '--now', String(NOW_MS)],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let out = '';
  child.stdout?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  const code = await exited(child);
  if (code !== 0) throw new Error(`${what} measurement exited with ${code}`);
  return JSON.parse(out.trim().split('\n').pop() ?? '{}') as T;
}

async function engineRate(records: number, chunkRows: number): Promise<EngineRate> {
  const dir = mkdtempSync(join(tmpdir(), 'ward-bench-engine-'));
  try {
    return await measureInChild<EngineRate>('engine', [
      '--engine-child',
      dir,
      '--records',
      String(records),
      '--chunk',
      String(chunkRows),
    ]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<number> {
  const seconds = int('seconds');
  const workers = int('workers');
  const inFlight = int('in-flight');
  const batchSize = int('batch');
  const distinct = int('distinct');

  process.stdout.write(
    `encoding ${distinct} distinct requests of ${batchSize} Codex log records (official protobuf serializer)…\n`,
  );
  const batches = encodeBatches(distinct, batchSize, NOW_MS);
  const avgKb = batches.reduce((n, b) => n + b.body.byteLength, 0) / batches.length / 1024;

  const dataDir = mkdtempSync(join(tmpdir(), 'ward-bench-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const { server, log: serverLog } = spawnWardServe(WARD, {
    port,
    dataDir,
    // Phase 2 sends approvals back to back from one runner token, far past the per-token rate a real agent
    // needs (collector/approvals/ask-rate.ts): the benchmark measures the approval path, not that limit.
    args: ['--ingest-ack', opts['ingest-ack'], '--approval-rate', '1000000/60'],
    nodeArgs: opts.profile ? ['--cpu-prof', '--cpu-prof-dir', opts.profile] : [],
  });
  try {
    await waitHealthy(url, server, 60_000);
    process.stdout.write(
      `ward serve pid ${server.pid} on ${url}; ${workers} worker thread(s) × ${inFlight} in flight, ${seconds} s, ` +
        `${fmt(avgKb)} KiB per request\n`,
    );

    const tokens = await mintTokens(url, readFileSync(join(dataDir, 'admin-token'), 'utf8').trim());
    process.stdout.write('approval and hook round trips, idle…\n');
    const idle = await sampleInteractive(url, tokens, { count: 40 });

    const samples: Health[] = [];
    const poller = setInterval(() => {
      health(url).then((h) => h && samples.push(h));
    }, 1_000);
    // One phase: the exporters saturate ingest for `seconds` while `interactive` runs beside them (after a short
    // ramp-up) until they stop.
    const phase = async (
      seqBase: number,
      interactive: (until: () => boolean) => Promise<InteractiveSamples>,
    ): Promise<{
      results: LoadResult[];
      busy: InteractiveSamples;
      cpu: [ProcessCpu?, ProcessCpu?];
      /** This process's CPU over the phase (the load generator and the interactive clients), in µs. */
      ownCpuUs: number;
      inserts: [Health | null, Health | null];
    }> => {
      let loadDone = false;
      const cpuBefore = server.pid ? processCpu(server.pid) : undefined;
      const ownBefore = process.cpuUsage();
      const insertsBefore = await health(url);
      const loaded = Promise.all(
        Array.from({ length: workers }, (_, i) =>
          runWorker({
            url: `${url}/v1/logs`,
            batches,
            inFlight,
            durationMs: seconds * 1000,
            seqBase: seqBase + i * 1_000_000_000,
          }),
        ),
      ).finally(() => {
        loadDone = true;
      });
      await new Promise((r) => setTimeout(r, 2_000));
      const busy = await interactive(() => loadDone);
      const results = await loaded;
      return {
        results,
        busy,
        cpu: [cpuBefore, server.pid ? processCpu(server.pid) : undefined],
        ownCpuUs: ((u) => u.user + u.system)(process.cpuUsage(ownBefore)),
        inserts: [insertsBefore, await health(url)],
      };
    };
    // The ingest ratio is measured beside steady interactive traffic (STEADY); the interactive targets then
    // under the worst case, round trips back to back, in a second phase of the same length.
    process.stdout.write(
      `phase 1: ingest saturated, a hook call every ${STEADY.hookEveryMs} ms and an approval every ${STEADY.approvalEveryMs} ms…\n`,
    );
    const steady = await phase(0, (until) => paceInteractive(url, tokens, { ...STEADY, until }));
    process.stdout.write('phase 2: ingest saturated, approval and hook round trips back to back…\n');
    const stress = await phase(500_000_000, (until) => sampleInteractive(url, tokens, { until }));
    const busy = stress.busy;
    clearInterval(poller);
    const final = await health(url);
    if (final) samples.push(final);
    const peakRss = server.pid ? peakRssMb(server.pid) : 0;

    const results = steady.results;
    const acked = results.reduce((n, r) => n + r.ackedRecords, 0);
    const ackedAll = acked + stress.results.reduce((n, r) => n + r.ackedRecords, 0);
    const requests = results.reduce((n, r) => n + r.requests, 0);
    const elapsedOf = (rs: LoadResult[]) => Math.max(...rs.map((r) => r.elapsedMs)) / 1000;
    const elapsed = elapsedOf(results);
    const stressRate = (ackedAll - acked) / elapsedOf(stress.results);
    const latencies = results.flatMap((r) => r.latenciesMs);
    const failures: Record<string, number> = {};
    for (const r of [...results, ...stress.results])
      for (const [k, v] of Object.entries(r.failures)) failures[k] = (failures[k] ?? 0) + v;
    const lagP99 = Math.max(0, ...samples.map((s) => s.eventLoopLagMs?.p99 ?? 0));
    const lagMax = Math.max(0, ...samples.map((s) => s.eventLoopLagMs?.max ?? 0));
    const heapMax = Math.max(0, ...samples.map((s) => s.memoryMb?.heapUsed ?? 0));

    server.kill('SIGINT');
    const code = await Promise.race([
      exited(server),
      new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 120_000)),
    ]);
    if (code === 'timeout') {
      server.kill('SIGKILL');
      throw new Error('ward serve did not shut down within 120 s');
    }

    // Count what is really stored, in this process, now that the server is gone.
    const { createStore } = await import('../store/index.js');
    const store = await createStore({ dataDir });
    const stored = await store.raw.count('otel_logs');
    const [ev] = await store.db.query<{ n: string }>(
      'bench.count-events',
      `SELECT count() AS n FROM "${store.config.database}"."agent_events"`,
    );
    // What the in-server analyzer had not scored when the load stopped (it takes a bounded share while ingest is
    // busy and catches up afterwards): its backlog, beside the events it did score during the run.
    const backlog = await store.analyzer.unscored(await store.analyzer.watermark('default'));
    await store.close();
    const events = Number(ev?.n ?? 0);

    const wardRate = acked / elapsed;
    process.stdout.write('measuring the embedded engine alone on the same rows (separate process)…\n');
    const engine = await engineRate(acked, PEER_CHUNK_ROWS);
    // Ward can insert no more rows at once than its exporters have in flight: the engine alone again, in inserts
    // of the size Ward's raw rows reached in phase 1 (a limit measured beside the target, not the target's peer).
    const wardInsert = insertSize(steady.inserts, 'otel_logs');
    process.stdout.write(
      `measuring the engine alone in inserts of Ward's own size (${fmt(wardInsert)} rows)…\n`,
    );
    const engineAtWardSize = wardInsert > 0 ? await engineRate(acked, wardInsert) : undefined;
    // Ward's own share without the engine: what the ingest workers do per record, alone on the machine.
    process.stdout.write(
      `measuring decode → redact → normalize → RowBinary alone on ${PREPARE_THREADS} threads (separate process)…\n`,
    );
    const prepared = await measureInChild<PrepareRate>('prepare', [
      '--prepare-child',
      String(PREPARE_THREADS),
      '--records',
      String(Math.min(acked, PREPARE_RECORDS)),
    ]);

    const wardP99 = percentile(latencies, 99);
    const cpu = cpuPerRecord(...steady.cpu, acked);
    const ratio = wardRate / engine.recordsPerSec;
    const rt = (xs: number[]) =>
      `p50 ${fmt(percentile(xs, 50), 1)} ms   p95 ${fmt(percentile(xs, 95), 1)} ms   (n=${xs.length})`;
    const loadP95 = Math.max(percentile(busy.approvalMs, 95), percentile(busy.hookMs, 95));
    const failed = (x: InteractiveSamples) =>
      Object.keys(x.failures).length ? `   failures ${JSON.stringify(x.failures)}` : '';
    const lines = [
      '',
      `Ward ingest (OTLP/HTTP protobuf → decode → redact → normalize → embedded ClickHouse), acknowledged once ${opts['ingest-ack'] === 'journal' ? 'in the journal' : 'stored'};`,
      `phase 1, beside ${fmt(steady.busy.hookMs.length)} hook calls and ${fmt(steady.busy.approvalMs.length)} approvals at a steady pace:`,
      `  sustained:        ${fmt(wardRate)} events/s  (${fmt(acked)} records acknowledged in ${fmt(elapsed, 1)} s, ${fmt(requests)} requests)`,
      `  request latency:  p50 ${fmt(percentile(latencies, 50), 1)} ms   p99 ${fmt(percentile(latencies, 99), 1)} ms   max ${fmt(percentile(latencies, 100), 1)} ms`,
      `  failed requests:  ${Object.keys(failures).length ? JSON.stringify(failures) : 'none'}`,
      `  server event loop lag: p99 ${fmt(lagP99, 1)} ms   max ${fmt(lagMax, 1)} ms (10 s windows from /healthz)`,
      `  server memory:    peak RSS ${fmt(peakRss)} MiB (incl. the embedded engine), max heap used ${fmt(heapMax)} MiB`,
      cpu
        ? `  server CPU:       ${fmt(cpu.totalUs, 1)} µs per record (Node's threads ${fmt(cpu.nodeUs, 1)}: main ${fmt(cpu.mainUs, 1)}, ingest workers ${fmt(cpu.workersUs, 1)}, V8's helpers and libuv's pool, where chDB runs its statements, ${fmt(cpu.poolUs, 1)}; the engine's named threads ${fmt(cpu.engineUs, 1)}; with the analyzer and the steady traffic)`
        : '  server CPU:       not measured (no /proc)',
      `  load generator:   ${fmt(steady.ownCpuUs / acked, 1)} µs of CPU per record on the same cores (${fmt(steady.ownCpuUs / 1e6 / elapsed, 2)} of a core)`,
      `  stored:           otel_logs ${fmt(stored)} rows, agent_events ${fmt(events)} rows`,
      `  analyzer in serve: ${fmt(events - backlog)} events scored during both phases, ${fmt(backlog)} left to score when the load stopped`,
      `Engine alone (the same rows, prepared as Ward prepares them (${engine.format}), inserted in ~${fmt(PEER_CHUNK_ROWS)}-row chunks): ${fmt(engine.recordsPerSec)} records/s (${fmt(engine.seconds, 1)} s), ${fmt(engine.cpuUs, 1)} µs of CPU per record`,
      `Ward / engine: ${fmt(ratio, 2)} × (target >= 0.6; request p99 <= 250 ms): ${ratio >= 0.6 && wardP99 <= 250 ? 'MET' : 'NOT MET'}`,
      ...limits(
        engineAtWardSize,
        prepared,
        engine.recordsPerSec,
        wardInsert,
        wardRate,
        workers * inFlight * batchSize,
        latencies,
        opts['ingest-ack'] === 'journal',
      ),
      `  its steady interactive traffic: hook ${rt(steady.busy.hookMs)}; approval ${rt(steady.busy.approvalMs)}${failed(steady.busy)}`,
      `phase 2, beside approvals and hook calls back to back: ${fmt(stressRate)} events/s (${fmt(stressRate / engine.recordsPerSec, 2)} × the engine alone)`,
      '',
      'Interactive path over HTTP (approval: from the runner asking until its wait returns with the decision an analyst',
      'sent at once; hook: Claude Code PreToolUse); busy = phase 2',
      `  approval, idle:           ${rt(idle.approvalMs)}${failed(idle)}`,
      `  approval, ingest busy:    ${rt(busy.approvalMs)}${failed(busy)}`,
      `  (the analyst's decision request answered: idle ${rt(idle.decisionMs)}; busy ${rt(busy.decisionMs)})`,
      `  hook, idle:               ${rt(idle.hookMs)}`,
      `  hook, ingest busy:        ${rt(busy.hookMs)}`,
      `Target: p95 <= 150 ms while ingest is saturated: ${loadP95 <= 150 && busy.approvalMs.length > 0 ? 'MET' : 'NOT MET'}`,
      `Memory: peak RSS ${fmt(peakRss)} MiB; the README's bound with the defaults is ${fmt(RSS_BOUND_MIB)} MiB: ${peakRss <= RSS_BOUND_MIB ? 'within' : 'OVER'}`,
      '',
    ];
    process.stdout.write(lines.join('\n'));
    if (stored < ackedAll) {
      process.stderr.write(
        `FAIL: ${fmt(ackedAll - stored)} acknowledged records are missing from otel_logs\n`,
      );
      return 1;
    }
    if (stored > ackedAll)
      process.stdout.write(`note: ${fmt(stored - ackedAll)} rows from requests that were not acknowledged\n`);
    return 0;
  } catch (err) {
    process.stderr.write(
      `bench failed: ${err instanceof Error ? err.message : String(err)}\n${serverLog().slice(-2000)}\n`,
    );
    return 1;
  } finally {
    if (server.exitCode === null) server.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (!isMainThread) {
  const job = workerData as LoadJob | PrepareJob;
  if ('kind' in job) runPrepare(job);
  else runLoad(job).then((r) => parentPort?.postMessage(r));
} else if (opts['prepare-child']) {
  const batches = encodeBatches(int('distinct'), int('batch'), NOW_MS);
  measurePrepare(SELF, int('prepare-child'), batches, int('records')).then(
    (r) => {
      process.stdout.write(`${JSON.stringify(r)}\n`);
    },
    (err: unknown) => {
      process.stderr.write(`prepare measurement failed: ${err instanceof Error ? err.stack : String(err)}\n`);
      process.exitCode = 1;
    },
  );
} else if (opts['engine-child']) {
  const batches = encodeBatches(int('distinct'), int('batch'), NOW_MS);
  measureEngine(opts['engine-child'], batches, int('records'), int('chunk')).then(
    (r) => {
      process.stdout.write(`${JSON.stringify(r)}\n`);
    },
    (err: unknown) => {
      process.stderr.write(`engine measurement failed: ${err instanceof Error ? err.stack : String(err)}\n`);
      process.exitCode = 1;
    },
  );
} else {
  // The embedded engine opened for the final count keeps native handles alive: exit explicitly.
  main().then((code) => process.exit(code));
}
