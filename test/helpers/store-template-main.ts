/**
 * Run as its own process by test/global-setup.ts (bundled): creates a store in the data dir given as the first
 * argument, under `TEMPLATE_DATABASE`, the way `testStore` would, and closes it. chDB binds one data dir per
 * process, so the copy a test opens cannot be made in the process that opens it.
 */
import { pathToFileURL } from 'node:url';
import { createStore } from '../../store/index.js';
import { TEMPLATE_DATABASE } from './store-template.js';

const [dataDir, workerScript] = process.argv.slice(2);
if (!dataDir || !workerScript) throw new Error('usage: store-template-main DATA_DIR ENGINE_WORKER_SCRIPT');
const store = await createStore(
  { dataDir, database: TEMPLATE_DATABASE },
  { engine: { script: pathToFileURL(workerScript) } },
);
await store.close();
