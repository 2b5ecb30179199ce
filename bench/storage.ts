/**
 * `npm run bench:storage [-- --sessions 300 --fixtures DIR --keep]`
 *
 * Bytes on disk per stored event. Real agent captures (../shared/fixtures/agents, OTLP/JSON) are the
 * templates: each generated session is one capture folder with new session, trace and span ids, its own
 * times, and its long free text made unique (bench/lib/agent-mix.ts). Every request goes through Ward's own
 * path (prepareRequest: decode, redact, normalize, serialize; then the store's insert call), every table is
 * merged (OPTIMIZE FINAL), and the parts' bytes on disk are compared with the same data as OTLP/JSON.
 * Target: ≥ 10× smaller than the OTLP/JSON. A bench is its own entry point, so it reads its own argv.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { prepareRequest, type TablePayload } from '../collector/index.js';
import { createRedactor } from '../schema/fast.js';
import { createStore, type Store } from '../store/index.js';
import { loadTemplates, makeSession } from './lib/agent-mix.js';
import { fmt } from './lib/stats.js';

const { values: opts } = parseArgs({
  options: {
    sessions: { type: 'string', default: '300' },
    fixtures: {
      type: 'string',
      default: resolve(import.meta.dirname, '..', '..', '..', 'shared', 'fixtures', 'agents'),
    },
    keep: { type: 'boolean', default: false },
  },
  strict: true,
});

const TARGET = 10;
// Flush a table's queue at this many bytes, like the ingest writer's batches.
const FLUSH_BYTES = 8 * 1024 * 1024;

/** Per-table queues of prepared payloads, stored through the store's insert call as the writer does. */
function createBatcher(store: Store) {
  const queues = new Map<string, TablePayload[]>();
  const sizes = new Map<string, number>();
  async function flush(key: string): Promise<void> {
    const parts = queues.get(key) ?? [];
    queues.set(key, []);
    sizes.set(key, 0);
    const first = parts[0];
    if (!first) return;
    const payload = Buffer.concat(parts.map((p) => p.payload));
    if (payload.length === 0) return;
    await store.ingest.write({ ...first, payload, rows: parts.reduce((n, p) => n + p.rows, 0) });
  }
  return {
    async add(part: TablePayload): Promise<void> {
      if (part.rows === 0) return;
      const key = `${part.table}\0${part.format}`;
      queues.set(key, [...(queues.get(key) ?? []), part]);
      const size = (sizes.get(key) ?? 0) + part.payload.byteLength;
      sizes.set(key, size);
      if (size >= FLUSH_BYTES) await flush(key);
    },
    async flushAll(): Promise<void> {
      for (const key of [...queues.keys()]) await flush(key);
    },
  };
}

async function main(): Promise<number> {
  const sessions = Number(opts.sessions);
  if (!Number.isInteger(sessions) || sessions <= 0) throw new Error('--sessions must be a positive integer');
  const templates = loadTemplates(opts.fixtures);
  const dataDir = mkdtempSync(join(tmpdir(), 'ward-bench-storage-'));
  const store = await createStore({ dataDir });
  const redact = createRedactor();
  const batcher = createBatcher(store);
  const nowMs = Date.now();
  let jsonBytes = 0;
  const jsonBySignal = new Map<string, number>();
  let records = 0;
  let requests = 0;
  const started = performance.now();
  try {
    process.stdout.write(
      `${sessions} sessions from ${templates.length} capture folders (${opts.fixtures}), store in ${dataDir}\n`,
    );
    for (let i = 0; i < sessions; i++) {
      const folder = templates[i % templates.length] ?? [];
      // Sessions spread over the last few days, one every ten minutes.
      const startMs = nowMs - (sessions - i) * 600_000 - 3_600_000;
      for (const req of makeSession(folder, i, startMs)) {
        jsonBytes += req.body.byteLength;
        jsonBySignal.set(req.signal, (jsonBySignal.get(req.signal) ?? 0) + req.body.byteLength);
        requests++;
        const prepared = prepareRequest(
          req.signal,
          req.body,
          'json',
          redact,
          { codec: store.ingest.codec },
          nowMs,
        );
        records += prepared.records;
        if (prepared.rejected > 0) throw new Error(`a generated request was refused: ${prepared.message}`);
        for (const part of prepared.parts) await batcher.add(part);
      }
      if ((i + 1) % 50 === 0) process.stdout.write(`  ${i + 1}/${sessions} sessions\n`);
    }
    await batcher.flushAll();
    const ingestSeconds = (performance.now() - started) / 1000;
    const before = await store.storage.tables();
    for (const t of before) await store.storage.optimize(t.table);
    const tables = (await store.storage.tables()).filter((t) => t.rows > 0);
    const events = tables.find((t) => t.table === 'agent_events')?.rows ?? 0;
    const dataTables = tables.filter((t) => t.table === 'agent_events' || t.table.startsWith('otel_'));
    const disk = dataTables.reduce((n, t) => n + t.bytesOnDisk, 0);

    process.stdout.write(
      `\ningested ${fmt(requests)} requests, ${fmt(records)} OTel records, ${fmt(events)} agent events in ${fmt(ingestSeconds, 1)} s\n`,
    );
    process.stdout.write(
      '\ntable                               rows      parts   on disk    uncompressed  B/row\n',
    );
    for (const t of dataTables) {
      process.stdout.write(
        `${t.table.padEnd(32)} ${fmt(t.rows).padStart(9)} ${fmt(t.parts).padStart(6)} ${mib(t.bytesOnDisk).padStart(10)} ${mib(t.uncompressedBytes).padStart(12)}  ${fmt(t.bytesOnDisk / Math.max(1, t.rows)).padStart(6)}\n`,
      );
    }
    process.stdout.write(
      `OTLP/JSON by signal: ${[...jsonBySignal].map(([k, v]) => `${k} ${mib(v)}`).join(', ')}\n`,
    );
    const columns = (await store.storage.columns('agent_events')).filter((c) => c.compressedBytes > 0);
    process.stdout.write(
      columns.length > 0
        ? '\nagent_events columns (compressed, largest first):\n'
        : '\n(agent_events is one compact part: no per-column sizes; more --sessions make it wide)\n',
    );
    for (const c of columns.slice(0, 12)) {
      process.stdout.write(
        `  ${c.column.padEnd(20)} ${fmt(c.compressedBytes / Math.max(1, events), 1).padStart(8)} B/event  (${fmt(c.uncompressedBytes / Math.max(1, events), 1)} B raw)\n`,
      );
    }
    const ratio = jsonBytes / disk;
    process.stdout.write(
      `\nOTLP/JSON ${mib(jsonBytes)}; on disk (raw OTel tables + agent_events, merged) ${mib(disk)}\n` +
        `bytes on disk per agent event: ${fmt(disk / Math.max(1, events))}; per OTel record: ${fmt(disk / Math.max(1, records))}\n` +
        `agent_events alone per event: ${fmt((tables.find((t) => t.table === 'agent_events')?.bytesOnDisk ?? 0) / Math.max(1, events))} B\n` +
        `compression vs OTLP/JSON: ${fmt(ratio, 1)}× (target ≥ ${TARGET}×) ${ratio >= TARGET ? 'MET' : 'NOT MET'}\n`,
    );
    return 0;
  } finally {
    await store.close();
    if (!opts.keep) rmSync(dataDir, { recursive: true, force: true });
  }
}

function mib(bytes: number): string {
  return `${fmt(bytes / 1024 / 1024, 2)} MiB`;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
