import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
