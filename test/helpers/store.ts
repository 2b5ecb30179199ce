import { inject } from 'vitest';
import { prepareRequest } from '../../collector/index.js';
import { createRedactor } from '../../schema/fast.js';
import { createStore, type Store } from '../../store/index.js';
import { copyStoreTemplate } from './store-template.js';

let shared: Promise<Store> | undefined;

/**
 * The embedded ClickHouse of this test process (chDB runs one engine per process, and vitest gives each
 * test file its own process). Each caller should use its own `database` to stay independent. Its data dir is a
 * copy of the run's migrated template (test/helpers/store-template.ts).
 */
export function testStore(database = 'ward_test'): Promise<Store> {
  if (!shared) {
    const template = inject('wardStoreTemplate');
    if (!template)
      throw new Error('no store template: test/global-setup.ts makes it (run the tests with vitest)');
    shared = createStore({ dataDir: copyStoreTemplate(template, database), database });
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
