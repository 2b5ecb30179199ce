import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { type ClickHouseClient, createClient } from '@clickhouse/client';
import type { ResolvedStoreConfig } from './config.js';
import type { BulkInsert } from './db.js';
import { type EngineClient, startEngineClient } from './engine/client.js';
import { engineWorkerScript } from './engine/script.js';
import { createWorkerConnection } from './engine/worker-connection.js';

/** Tuning of the embedded engine's thread (defaults suit `ward serve`). */
export interface EngineOptions {
  /** The built worker script; found beside the bundle or under dist/ when unset. */
  script?: URL;
  /** Ingest payload bytes handed to the engine and not yet stored (default 64 MiB). */
  maxBulkBytes?: number;
  log?: (msg: string) => void;
  /** The engine stopped for good (its restarts spent): the process should stop. */
  onFatal?: (err: Error) => void;
}

/** A ClickHouse client: embedded chDB in `dataDir` (on its own thread), or a server at `url`. */
export async function createClickHouseClient(
  config: ResolvedStoreConfig,
  engineOpts: EngineOptions = {},
): Promise<{ client: ClickHouseClient; mode: string; bulk?: BulkInsert; engine?: EngineClient }> {
  if (config.url) {
    const client = createClient({
      url: config.url,
      username: config.username,
      password: config.password,
      clickhouse_settings: { date_time_input_format: 'best_effort' },
    });
    return { client, mode: `ClickHouse server ${redactUrl(config.url)}` };
  }
  const path = resolve(config.dataDir, 'clickhouse');
  mkdirSync(path, { recursive: true, mode: 0o700 });
  const script = engineOpts.script ?? engineWorkerScript();
  if (!script) {
    throw new Error(
      "the embedded ClickHouse engine's worker (dist/store/engine/worker.js) is not built: run npm run build",
    );
  }
  const engine = await startEngineClient({
    path,
    tmpDir: resolve(config.dataDir, 'clickhouse-tmp'),
    script,
    ...(engineOpts.maxBulkBytes ? { maxBulkBytes: engineOpts.maxBulkBytes } : {}),
    ...(engineOpts.log ? { log: engineOpts.log } : {}),
    ...(engineOpts.onFatal ? { onFatal: engineOpts.onFatal } : {}),
  });
  const client = createClient({
    connection: createWorkerConnection(engine),
    clickhouse_settings: { date_time_input_format: 'best_effort' },
  });
  const bulk: BulkInsert = (table, format, payload, settings) =>
    engine.bulk({
      table,
      format,
      payload,
      // Interactive first: the engine's threads for an ingest insert run at a lower OS priority.
      settings: { date_time_input_format: 'best_effort', os_thread_priority: 10, ...settings },
    });
  return { client, mode: `embedded ClickHouse (chDB) in ${path}, on its own thread`, bulk, engine };
}

function redactUrl(url: string): string {
  const u = new URL(url);
  if (u.password) u.password = '***';
  return u.toString();
}
