import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { prepareRequest } from '../../collector/index.js';
import { createRedactor } from '../../schema/fast.js';
import { createStore, type Store } from '../../store/index.js';

let shared: Promise<Store> | undefined;

/**
 * The embedded ClickHouse of this test process (chDB runs one engine per process, and vitest gives each
 * test file its own process). Each caller should use its own `database` to stay independent.
 */
export function testStore(database = 'ward_test'): Promise<Store> {
  if (!shared) {
    const dataDir = mkdtempSync(join(tmpdir(), 'ward-store-'));
    shared = createStore({ dataDir, database });
  }
  return shared;
}

/**
 * An OTLP/JSON logs body prepared as the collector prepares it (received at `nowMs`) and written through the
 * store's ingest path, part by part, without a server.
 */
export async function ingestJsonLogs(store: Store, body: Uint8Array, nowMs: number): Promise<void> {
  const prepared = prepareRequest(
    'logs',
    body,
    'json',
    createRedactor(),
    { codec: { rowBinary: true } },
    nowMs,
  );
  for (const part of prepared.parts) if (part.rows > 0) await store.ingest.write(part);
}
